//! Lambda triggers, against the testkit's stand-in Lambda service: each trigger source's event,
//! what its answer changes, AWS's error mapping, and the invocation log. Every test runs on both
//! backends with its own stand-in.

mod authentication;
mod bench;
mod config;
mod custom_auth;
mod messages;
mod migration;
mod sign_up;

use aws_sdk_cognitoidentityprovider::types::{LambdaConfigType, VerifiedAttributeType};
use cognate_testkit::TestApp;
use serde_json::Value;

/// Like `backend_tests!`, giving each test a stand-in Lambda and an app invoking it.
#[macro_export]
macro_rules! lambda_tests {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                use cognate_testkit::lambda::StandInLambda;
                use cognate_testkit::{Backend, TestApp};

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let lambda = StandInLambda::start().await;
                    let app = TestApp::spawn_with_lambda(Backend::Sqlite, &lambda).await.expect("sqlite app");
                    super::$name(app, lambda).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let lambda = StandInLambda::start().await;
                    match TestApp::spawn_with_lambda(Backend::Postgres, &lambda).await {
                        Some(app) => super::$name(app, lambda).await,
                        None => eprintln!("TEST_DATABASE_URL unset: Postgres run skipped"),
                    }
                }
            }
        )+
    };
}

/// A pool with `config`, auto-verifying email, and a fixture client: (pool_id, client_id).
pub(crate) async fn pool_with(app: &TestApp, config: LambdaConfigType) -> (String, String) {
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("triggers")
        .lambda_config(config)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client_id = app.client_for(&pool_id).await;
    (pool_id, client_id)
}

/// `GET /_cognate/invocations?<query>`.
pub(crate) async fn invocations(app: &TestApp, query: &str) -> Vec<Value> {
    let body: Value = app
        .http
        .get(format!("{}/_cognate/invocations?{query}", app.endpoint))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["invocations"].as_array().cloned().unwrap_or_default()
}

/// Asserts the common parameters of an event.
pub(crate) fn assert_common(event: &Value, source: &str, pool_id: &str, user_name: &str) {
    assert_eq!(event["triggerSource"], source);
    assert_eq!(event["version"], "1");
    // The pool's region (its id's prefix), whatever the server's configured one.
    assert_eq!(event["region"], pool_id.split('_').next().unwrap());
    assert_eq!(event["userPoolId"], pool_id);
    assert_eq!(event["userName"], user_name);
    assert!(event["callerContext"]["awsSdkVersion"].is_string());
    assert!(event["callerContext"]["clientId"].is_string());
    assert!(event["request"].is_object());
    assert!(event["response"].is_object());
}
