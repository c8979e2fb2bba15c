//! Parallel guessing does not beat the lockout: each password check is claimed (counted) in the
//! user's versioned save before the hash is computed, so a burst of wrong passwords for one
//! user queues behind the 2^(n-5) s schedule instead of being checked all at once.

use aws_sdk_cognitoidentityprovider::types::AuthFlowType;
use cognate_domain::Clock;
use cognate_testkit::{PASSWORD, TestApp, backend_tests};
use tokio::task::JoinSet;

backend_tests!(concurrent_wrong_passwords_are_checked_at_the_schedules_pace);

const BURST: usize = 200;

/// Checks the schedule allows within `secs` seconds: five free failures, then one more each
/// time a lock of 1, 2, 4… seconds has run out.
fn allowance(secs: i64) -> usize {
    let mut allowed = 5;
    let mut lock = 1;
    let mut elapsed = lock;
    while elapsed <= secs {
        allowed += 1;
        lock *= 2;
        elapsed += lock;
    }
    allowed
}

async fn concurrent_wrong_passwords_are_checked_at_the_schedules_pace(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    app.confirmed_user(&pool_id, "target", PASSWORD).await;
    let started = app.clock.now().secs();
    let mut burst = JoinSet::new();
    for i in 0..BURST {
        let idp = app.idp.clone();
        let client_id = client_id.clone();
        burst.spawn(async move {
            let result = idp
                .initiate_auth()
                .client_id(client_id)
                .auth_flow(AuthFlowType::UserPasswordAuth)
                .auth_parameters("USERNAME", "target")
                .auth_parameters("PASSWORD", format!("Wrong!Guess{i}"))
                .send()
                .await;
            let error = result.expect_err("a wrong password never signs in");
            let service = error.into_service_error();
            (
                service.meta().code().unwrap_or_default().to_string(),
                service.meta().message().unwrap_or_default().to_string(),
            )
        });
    }
    let mut checked = 0;
    let mut refused = 0;
    while let Some(answer) = burst.join_next().await {
        let (code, message) = answer.unwrap();
        match (code.as_str(), message.as_str()) {
            ("NotAuthorizedException", "Incorrect username or password.") => checked += 1,
            ("NotAuthorizedException", "Password attempts exceeded") => refused += 1,
            // Lost every race for the user's record: refused without a check too.
            ("TooManyRequestsException", _) => refused += 1,
            other => panic!("unexpected answer {other:?}"),
        }
    }
    let elapsed = app.clock.now().secs() - started;
    assert_eq!(checked + refused, BURST);
    assert!(
        checked <= allowance(elapsed + 1),
        "{checked} of {BURST} parallel wrong passwords were checked in about {elapsed} s; \
         the lockout schedule allows {}",
        allowance(elapsed + 1)
    );
    eprintln!("checked {checked}, refused {refused}, in about {elapsed} s");
    assert!(refused > 0);
}
