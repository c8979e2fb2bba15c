//! AWS's request-rate quotas (`[quotas] enabled = true`): a burst past a category's rate is
//! answered `TooManyRequestsException` (HTTP 400); other categories are untouched; the bucket
//! refills at the rate.

use cognate_domain::Clock;
use cognate_server::Config;
use cognate_testkit::{PASSWORD, TestApp, backend_tests};

backend_tests!(config = limited; bursts_past_a_category_rate_are_throttled);

const RATE: usize = 3;

fn limited(config: &mut Config) {
    config.quotas.enabled = true;
    config
        .quotas
        .rps
        .insert("UserAuthentication".into(), RATE as u32);
}

async fn sign_in(app: &TestApp, client_id: &str) -> (u16, String, String) {
    let body = serde_json::json!({
        "ClientId": client_id,
        "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "busy", "PASSWORD": PASSWORD},
    });
    let answer = app
        .raw(
            "AWSCognitoIdentityProviderService.InitiateAuth",
            body.to_string(),
        )
        .await;
    let message = answer.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    (answer.status, answer.error_type(), message)
}

async fn bursts_past_a_category_rate_are_throttled(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    app.confirmed_user(&pool_id, "busy", PASSWORD).await;
    let started = app.clock.now().millis();
    let mut admitted = 0;
    for _ in 0..4 * RATE {
        match sign_in(&app, &client_id).await {
            (200, _, _) => admitted += 1,
            (400, code, message) => {
                assert_eq!(code, "TooManyRequestsException");
                assert_eq!(message, "Too many requests");
            }
            other => panic!("unexpected answer {other:?}"),
        }
    }
    let elapsed_secs = (app.clock.now().millis() - started) as f64 / 1000.0;
    // The bucket holds one second of calls and refills at the rate.
    let allowed = RATE + (elapsed_secs * RATE as f64).ceil() as usize;
    assert!(admitted >= RATE, "{admitted} admitted");
    assert!(
        admitted <= allowed,
        "{admitted} of {} admitted in {elapsed_secs} s at {RATE} per second",
        4 * RATE
    );
    // Another category is not throttled by this one.
    app.idp
        .describe_user_pool()
        .user_pool_id(&pool_id)
        .send()
        .await
        .unwrap();
    // A second later the bucket has refilled.
    app.clock.advance_secs(1);
    assert_eq!(sign_in(&app, &client_id).await.0, 200);
}
