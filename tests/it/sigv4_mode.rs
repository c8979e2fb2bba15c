//! The SigV4-guarded mode (`[security] auth = "sigv4"`): operations AWS signs need a signature
//! made with a configured access key and scoped to their service; the public operations the
//! model marks unsigned work without one; `/_cognate/*` needs the same credentials.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use cognate_domain::Clock;
use cognate_server::Config;
use cognate_server::config::AccessKey;
use cognate_testkit::cognito_idp::types::AuthFlowType;
use cognate_testkit::{PASSWORD, TestApp, backend_tests, failure, idp_client};

backend_tests!(
    config = guarded;
    signed_calls_work_and_unsigned_ones_are_refused,
    unknown_keys_and_wrong_secrets_are_refused,
    signatures_older_or_newer_than_five_minutes_are_refused,
    public_operations_need_no_signature,
    extensions_need_the_same_credentials
);

/// The testkit's SDK clients sign with `test`/`test`: that is the configured key.
fn guarded(config: &mut Config) {
    config.security.auth = "sigv4".into();
    config.security.credentials = vec![AccessKey {
        access_key_id: "test".into(),
        secret_access_key: "test".into(),
    }];
}

const MISMATCH: &str = "The request signature we calculated does not match the signature you \
                        provided. Check your AWS Secret Access Key and signing method. Consult \
                        the service documentation for details.";

/// A cognito-idp client of `app` signing with another key.
pub fn client_with(
    app: &TestApp,
    akid: &str,
    secret: &str,
) -> cognate_testkit::cognito_idp::Client {
    let base = idp_client(&app.endpoint);
    let config = base
        .config()
        .to_builder()
        .credentials_provider(Credentials::new(akid, secret, None, None, "test"))
        .build();
    cognate_testkit::cognito_idp::Client::from_conf(config)
}

async fn signed_calls_work_and_unsigned_ones_are_refused(app: TestApp) {
    let (pool_id, _) = app.pool_with_client().await;
    app.idp
        .describe_user_pool()
        .user_pool_id(&pool_id)
        .send()
        .await
        .unwrap();
    let body = format!(r#"{{"UserPoolId":"{pool_id}","Username":"intruder"}}"#);
    let unsigned = app
        .raw("AWSCognitoIdentityProviderService.AdminCreateUser", body)
        .await;
    assert_eq!(unsigned.status, 400);
    assert_eq!(unsigned.error_type(), "MissingAuthenticationTokenException");
    assert_eq!(unsigned.json()["message"], "Missing Authentication Token");
    let unsigned = app
        .raw(
            "AWSCognitoIdentityService.ListIdentityPools",
            r#"{"MaxResults":5}"#,
        )
        .await;
    assert_eq!(unsigned.error_type(), "MissingAuthenticationTokenException");
    // The refused call changed nothing.
    let users = app
        .idp
        .list_users()
        .user_pool_id(&pool_id)
        .send()
        .await
        .unwrap();
    assert!(users.users().is_empty());
}

async fn unknown_keys_and_wrong_secrets_are_refused(app: TestApp) {
    let (code, message) = failure(
        client_with(&app, "AKIDUNKNOWN", "test")
            .list_user_pools()
            .max_results(5)
            .send()
            .await,
    );
    assert_eq!(code, "UnrecognizedClientException");
    assert_eq!(
        message,
        "The security token included in the request is invalid."
    );
    let (code, message) = failure(
        client_with(&app, "test", "not-the-secret")
            .list_user_pools()
            .max_results(5)
            .send()
            .await,
    );
    assert_eq!(code, "InvalidSignatureException");
    assert_eq!(message, MISMATCH);
}

async fn signatures_older_or_newer_than_five_minutes_are_refused(app: TestApp) {
    // The server's clock 20 minutes ahead: the SDK's signature is 20 minutes old.
    app.clock.advance_secs(20 * 60);
    let (code, message) = failure(app.idp.list_user_pools().max_results(5).send().await);
    assert_eq!(code, "InvalidSignatureException");
    assert!(message.starts_with("Signature expired: "), "{message}");
    assert!(message.ends_with(" - 5 min.)"), "{message}");
    app.clock.advance_secs(-40 * 60);
    let (code, message) = failure(app.idp.list_user_pools().max_results(5).send().await);
    assert_eq!(code, "InvalidSignatureException");
    assert!(
        message.starts_with("Signature not yet current: "),
        "{message}"
    );
    // Within the window again.
    app.clock.advance_secs(22 * 60);
    app.idp
        .list_user_pools()
        .max_results(5)
        .send()
        .await
        .unwrap();
}

async fn public_operations_need_no_signature(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    let body = serde_json::json!({
        "ClientId": client_id, "Username": "walk-in", "Password": PASSWORD,
    });
    let signed_up = app
        .raw("AWSCognitoIdentityProviderService.SignUp", body.to_string())
        .await;
    assert_eq!(signed_up.status, 200, "{}", signed_up.text);
    app.idp
        .admin_confirm_sign_up()
        .user_pool_id(&pool_id)
        .username("walk-in")
        .send()
        .await
        .unwrap();
    let body = serde_json::json!({
        "ClientId": client_id,
        "AuthFlow": AuthFlowType::UserPasswordAuth.as_str(),
        "AuthParameters": {"USERNAME": "walk-in", "PASSWORD": PASSWORD},
    });
    let signed_in = app
        .raw(
            "AWSCognitoIdentityProviderService.InitiateAuth",
            body.to_string(),
        )
        .await;
    assert_eq!(signed_in.status, 200, "{}", signed_in.text);
    let access = signed_in.json()["AuthenticationResult"]["AccessToken"].clone();
    let user = app
        .raw(
            "AWSCognitoIdentityProviderService.GetUser",
            serde_json::json!({ "AccessToken": access }).to_string(),
        )
        .await;
    assert_eq!(user.json()["Username"], "walk-in");
}

/// The server's (test) clock as a time to sign at.
fn server_now(app: &TestApp) -> SystemTime {
    let secs = u64::try_from(app.clock.now().secs()).unwrap();
    SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs)
}

/// A GET of `url` signed for cognito-idp with `akid`/`secret`, as an AWS SDK signs.
async fn signed_get(app: &TestApp, url: &str, akid: &str, secret: &str) -> u16 {
    let identity = Credentials::new(akid, secret, None, None, "test").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("cognito-idp")
        .time(server_now(app))
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let signable =
        SignableRequest::new("GET", url, std::iter::empty(), SignableBody::Bytes(b"")).unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut request = app.http.get(url);
    for (name, value) in instructions.headers() {
        request = request.header(name, value);
    }
    request.send().await.unwrap().status().as_u16()
}

async fn extensions_need_the_same_credentials(app: TestApp) {
    let url = format!("{}/_cognate/outbox", app.endpoint);
    let unsigned = app.http.get(&url).send().await.unwrap();
    assert_eq!(unsigned.status().as_u16(), 400);
    let body: serde_json::Value = unsigned.json().await.unwrap();
    assert_eq!(body["__type"], "MissingAuthenticationTokenException");
    assert_eq!(signed_get(&app, &url, "test", "test").await, 200);
    assert_eq!(signed_get(&app, &url, "test", "wrong").await, 400);
    assert_eq!(signed_get(&app, &url, "other", "test").await, 400);
}
