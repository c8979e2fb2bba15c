//! The AWS JSON 1.1 protocol, raw: routing, rejections and the error envelope.

use cognate_testkit::{Backend, TestApp};

const IDP: &str = "AWSCognitoIdentityProviderService";

async fn app() -> TestApp {
    TestApp::spawn(Backend::Sqlite).await.expect("sqlite app")
}

#[tokio::test]
async fn every_model_operation_is_routed() {
    let app = app().await;
    let targets = cognate_model::idp::op::OPERATIONS
        .iter()
        .chain(cognate_model::identity::op::OPERATIONS.iter());
    for target in targets {
        let response = app.raw(target, "{}").await;
        assert_ne!(
            response.error_type(),
            "UnknownOperationException",
            "{target} is not routed"
        );
        assert!(
            response.status < 500,
            "{target} answered {}: {}",
            response.status,
            response.text
        );
    }
}

#[tokio::test]
async fn unknown_and_missing_targets_are_unknown_operations() {
    let app = app().await;
    for target in [
        format!("{IDP}.NoSuchOperation"),
        "Bogus.DescribeUserPool".into(),
        String::new(),
    ] {
        let response = app.raw(&target, "{}").await;
        assert_eq!(response.status, 400);
        assert_eq!(response.error_type(), "UnknownOperationException");
        assert_eq!(
            response.header("x-amzn-errortype"),
            Some("UnknownOperationException")
        );
    }
}

#[tokio::test]
async fn malformed_json_and_wrong_types_are_serialization_errors() {
    let app = app().await;
    for body in [
        "{not json",
        "[1,2]",
        "\"text\"",
        r#"{"UserPoolId": 5}"#,
        r#"{"MaxResults": "ten"}"#,
    ] {
        let target = if body.contains("MaxResults") {
            format!("{IDP}.ListUserPools")
        } else {
            format!("{IDP}.DescribeUserPool")
        };
        let response = app.raw(&target, body).await;
        assert_eq!(response.status, 400, "{body}");
        assert_eq!(
            response.error_type(),
            "SerializationException",
            "{body}: {}",
            response.text
        );
    }
}

#[tokio::test]
async fn constraint_violations_use_aws_message_form() {
    let app = app().await;
    let response = app
        .raw(
            &format!("{IDP}.DescribeUserPool"),
            r#"{"UserPoolId": "not a pool id!"}"#,
        )
        .await;
    assert_eq!(response.status, 400);
    assert_eq!(response.error_type(), "InvalidParameterException");
    let message = response.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        message.starts_with("1 validation error detected: Value 'not a pool id!' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern"),
        "{message}"
    );

    let response = app.raw(&format!("{IDP}.CreateUserPool"), "{}").await;
    assert_eq!(response.error_type(), "InvalidParameterException");
    assert!(
        response.text.contains("Member must not be null"),
        "{}",
        response.text
    );

    let response = app
        .raw(&format!("{IDP}.ListUserPools"), r#"{"MaxResults": 0}"#)
        .await;
    assert_eq!(response.error_type(), "InvalidParameterException");
    assert!(
        response.text.contains("greater than or equal to 1"),
        "{}",
        response.text
    );
}

#[tokio::test]
async fn replies_carry_request_ids_and_errors_their_type_header() {
    let app = app().await;
    let ok = app
        .raw(&format!("{IDP}.ListUserPools"), r#"{"MaxResults": 5}"#)
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert!(
        ok.header("x-amzn-requestid")
            .is_some_and(|id| id.len() >= 32)
    );
    let missing = app
        .raw(
            &format!("{IDP}.DescribeUserPool"),
            r#"{"UserPoolId": "us-east-1_AAAAAAAAA"}"#,
        )
        .await;
    assert_eq!(missing.status, 400);
    assert_eq!(
        missing.header("x-amzn-errortype"),
        Some("ResourceNotFoundException")
    );
    assert!(missing.header("x-amzn-requestid").is_some());
    assert!(
        missing.json()["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
}

#[tokio::test]
async fn operations_not_built_answer_unsupported_naming_them() {
    let app = app().await;
    let response = app
        .raw(&format!("{IDP}.StartWebAuthnRegistration"), "{}")
        .await;
    if response.error_type() == "UnsupportedOperationException" {
        assert!(
            response.text.contains("StartWebAuthnRegistration"),
            "{}",
            response.text
        );
    }
}

#[tokio::test]
async fn oversized_bodies_are_refused_without_a_server_error() {
    let app = app().await;
    let huge = format!(r#"{{"PoolName": "{}"}}"#, "x".repeat(2 * 1024 * 1024));
    let response = app.raw(&format!("{IDP}.CreateUserPool"), huge).await;
    assert_eq!(response.status, 413);
    assert!(!response.error_type().is_empty());
    // The server is still answering.
    let ok = app
        .raw(&format!("{IDP}.ListUserPools"), r#"{"MaxResults": 1}"#)
        .await;
    assert_eq!(ok.status, 200);
}

#[tokio::test]
async fn empty_body_is_an_empty_input() {
    let app = app().await;
    let response = app.raw(&format!("{IDP}.CreateUserPool"), "").await;
    assert_eq!(
        response.error_type(),
        "InvalidParameterException",
        "{}",
        response.text
    );
}
