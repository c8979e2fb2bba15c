//! Arbitrary requests on `POST /`: every operation's target with bodies built from the model
//! (now and then naming the real pool, client, user and tokens, so handlers run past their
//! lookups), arbitrary JSON and bytes, unknown or missing targets, other content types and STS
//! forms, with and without a SigV4-shaped Authorization header. Each answer is typed, none is a
//! 500, and the server answers its health check after each.

use cognate_model::schema::ShapeRef;
use cognate_model::{identity, idp};
use cognate_testkit::{PASSWORD, RawResponse, TestApp, backend_tests};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;
use serde_json::Value;

use super::{no_outside_calls, run, typed, values};
use crate::auth::{fixture, sign_in};

backend_tests!(
    config = no_outside_calls;
    arbitrary_requests_get_typed_answers,
    a_json_request_sent_as_a_form_is_answered_as_aws_json,
);

/// Found by `arbitrary_requests_get_typed_answers`: a request with an X-Amz-Target but a form
/// content type and a NUL byte in its body was refused by the null-character guard in OAuth's
/// shape (`{"error": "invalid_request"}`), which no AWS SDK reads, though `/` routes it as
/// AWS JSON.
async fn a_json_request_sent_as_a_form_is_answered_as_aws_json(app: TestApp) {
    let case = Case {
        target: Some("AWSCognitoIdentityProviderService.ListUserPools".into()),
        content_type: Some("application/x-www-form-urlencoded"),
        authorization: None,
        body: Body::Bytes(vec![0]),
    };
    let response = send(&app, &case, vec![0]).await;
    assert_eq!(response.status, 400);
    assert_eq!(response.error_type(), "SerializationException");
    assert_eq!(
        response.header("x-amzn-errortype"),
        Some("SerializationException")
    );
}

/// Ids and tokens of real resources, for bodies that name them.
struct Real {
    pool_id: String,
    client_id: String,
    access_token: String,
    refresh_token: String,
}

#[derive(Debug, Clone)]
struct Case {
    target: Option<String>,
    content_type: Option<&'static str>,
    authorization: Option<String>,
    body: Body,
}

#[derive(Debug, Clone)]
enum Body {
    /// A model-built body; `true`: its ids and tokens replaced by the real ones.
    Model(Value, bool),
    Bytes(Vec<u8>),
}

/// Every JSON operation's target and input shape.
fn operations() -> Vec<(String, ShapeRef)> {
    let idp = idp::shapes::INPUTS
        .iter()
        .map(|(name, shape)| (format!("AWSCognitoIdentityProviderService.{name}"), *shape));
    let identity = identity::shapes::INPUTS
        .iter()
        .map(|(name, shape)| (format!("AWSCognitoIdentityService.{name}"), *shape));
    idp.chain(identity).collect()
}

fn model_case() -> impl Strategy<Value = Case> {
    let ops = operations();
    let count = ops.len();
    (any::<Index>(), any::<bool>()).prop_flat_map(move |(op, real)| {
        let (target, shape) = ops[op.index(count)].clone();
        (values::model_value(shape, 0), authorization()).prop_map(move |(body, authorization)| {
            Case {
                target: Some(target.clone()),
                content_type: Some("application/x-amz-json-1.1"),
                authorization,
                body: Body::Model(body, real),
            }
        })
    })
}

fn other_case() -> impl Strategy<Value = Case> {
    let ops: Vec<String> = operations().into_iter().map(|(target, _)| target).collect();
    let target = prop_oneof![
        prop::sample::select(ops).prop_map(Some),
        "[ -~]{0,60}".prop_map(Some),
        Just(None),
    ];
    let content_type = prop::sample::select(vec![
        Some("application/x-amz-json-1.1"),
        Some("application/json"),
        Some("application/x-www-form-urlencoded"),
        Some("text/plain"),
        None,
    ]);
    let body = prop_oneof![
        values::any_json(vec!["UserPoolId", "ClientId", "Username", "AccessToken"])
            .prop_map(|v| v.to_string().into_bytes()),
        proptest::collection::vec(any::<u8>(), 0..256),
        "(Action=[A-Za-z]{0,30}|Version=2011-06-15|[A-Za-z.]{1,20}=[ -~]{0,30})(&[A-Za-z.]{1,20}=[ -~]{0,30}){0,4}"
            .prop_map(String::into_bytes),
    ];
    (target, content_type, authorization(), body).prop_map(
        |(target, content_type, authorization, body)| Case {
            target,
            content_type,
            authorization,
            body: Body::Bytes(body),
        },
    )
}

/// No header, or one shaped like SigV4's with any region (the open mode reads the region of a
/// signed request from it).
fn authorization() -> impl Strategy<Value = Option<String>> {
    proptest::option::of("[a-z0-9-]{0,24}".prop_map(|region| {
        format!(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/{region}/cognito-idp/aws4_request, \
             SignedHeaders=host;x-amz-date, Signature=00"
        )
    }))
}

/// Replaces the members that name resources with the real ones, at any depth.
fn name_real_things(value: &mut Value, real: &Real) {
    match value {
        Value::Object(object) => {
            for (key, member) in object.iter_mut() {
                let replacement = match key.as_str() {
                    "UserPoolId" => Some(&real.pool_id),
                    "ClientId" => Some(&real.client_id),
                    "AccessToken" => Some(&real.access_token),
                    "RefreshToken" | "Token" => Some(&real.refresh_token),
                    _ => None,
                };
                match replacement {
                    Some(text) => *member = Value::from(text.as_str()),
                    None if key == "Username" => *member = Value::from("alice"),
                    None => name_real_things(member, real),
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| name_real_things(item, real)),
        _ => {}
    }
}

async fn send(app: &TestApp, case: &Case, body: Vec<u8>) -> RawResponse {
    let mut request = app.http.post(format!("{}/", app.endpoint)).body(body);
    if let Some(target) = &case.target {
        request = request.header("x-amz-target", target);
    }
    if let Some(content_type) = case.content_type {
        request = request.header("content-type", content_type);
    }
    if let Some(authorization) = &case.authorization {
        request = request.header("authorization", authorization);
    }
    RawResponse::read(request.send().await.expect("the server answers")).await
}

async fn check(app: &TestApp, real: &Real, case: Case) -> Result<(), TestCaseError> {
    let body = match &case.body {
        Body::Model(value, named) => {
            let mut value = value.clone();
            if *named {
                name_real_things(&mut value, real);
            }
            value.to_string().into_bytes()
        }
        Body::Bytes(bytes) => bytes.clone(),
    };
    let response = send(app, &case, body).await;
    let sts =
        case.target.is_none() && case.content_type == Some("application/x-www-form-urlencoded");
    if sts {
        prop_assert!(
            response.status < 500,
            "STS answered {}: {}",
            response.status,
            response.text
        );
    } else {
        typed(&response)?;
    }
    let health = app
        .http
        .get(format!("{}/health", app.endpoint))
        .send()
        .await
        .map(|r| r.status().as_u16());
    prop_assert_eq!(health.ok(), Some(200), "the server stopped answering");
    Ok(())
}

async fn arbitrary_requests_get_typed_answers(app: TestApp) {
    let (pool_id, client_id) = fixture(&app).await;
    let signed_in = sign_in(&app, &client_id, "alice", PASSWORD).await;
    let real = Real {
        pool_id,
        client_id,
        access_token: signed_in.access_token.unwrap(),
        refresh_token: signed_in.refresh_token.unwrap(),
    };
    let cases = prop_oneof![3 => model_case(), 1 => other_case()];
    run(cases, |case| check(&app, &real, case));
}
