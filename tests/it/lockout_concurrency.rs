//! Parallel guessing does not beat the lockout: each password check is claimed (counted) in the
//! user's versioned save before the hash or SRP proof is computed, so a burst of wrong
//! passwords for one user queues behind the 2^(n-5) s schedule instead of being checked all at
//! once: password sign-in, SRP's PASSWORD_VERIFIER answers and ChangePassword alike.

use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType};
use cognate_domain::Clock;
use cognate_testkit::srp_client::srp_timestamp;
use cognate_testkit::{PASSWORD, TestApp, backend_tests};
use tokio::task::JoinSet;

backend_tests!(
    concurrent_wrong_passwords_are_checked_at_the_schedules_pace,
    concurrent_srp_answers_are_checked_at_the_schedules_pace,
    concurrent_change_passwords_are_checked_within_the_quota,
    concurrent_right_passwords_all_sign_in,
);

const BURST: usize = 200;
const WRONG: &str = "Wr0ng!Password";
const CHECKED: (&str, &str) = ("NotAuthorizedException", "Incorrect username or password.");

/// Checks the schedule allows within `secs` seconds, for a user with `free` checks left before
/// the next lock, which lasts `lock` seconds and doubles each time it has run out.
fn allowance(free: usize, mut lock: i64, secs: i64) -> usize {
    let mut allowed = free;
    let mut elapsed = lock;
    while elapsed <= secs {
        allowed += 1;
        lock *= 2;
        elapsed += lock;
    }
    allowed
}

/// Tallies (checked, refused without a check) over the answers of a burst.
fn tally(answers: Vec<(String, String)>, refusals: &[(&str, &str)]) -> (usize, usize) {
    let mut counts = (0, 0);
    for (code, message) in answers {
        let answer = (code.as_str(), message.as_str());
        if answer == CHECKED {
            counts.0 += 1;
        } else if refusals.contains(&answer)
            // Lost every race for the user's record: refused without a check too.
            || code == "TooManyRequestsException"
        {
            counts.1 += 1;
        } else {
            panic!("unexpected answer {answer:?}");
        }
    }
    counts
}

/// The (code, message) of a call that must fail.
fn error_of<T, E: ProvideErrorMetadata>(result: Result<T, E>) -> (String, String) {
    let Err(error) = result else {
        panic!("a wrong password never succeeds")
    };
    (
        error.code().unwrap_or_default().to_string(),
        error.message().unwrap_or_default().to_string(),
    )
}

async fn answers_of(mut burst: JoinSet<(String, String)>) -> Vec<(String, String)> {
    let mut answers = Vec::new();
    while let Some(answer) = burst.join_next().await {
        answers.push(answer.unwrap());
    }
    answers
}

const LOCKED: (&str, &str) = ("NotAuthorizedException", "Password attempts exceeded");

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
            error_of(result.map_err(|e| e.into_service_error()))
        });
    }
    let (checked, refused) = tally(answers_of(burst).await, &[LOCKED]);
    let elapsed = app.clock.now().secs() - started;
    assert_eq!(checked + refused, BURST);
    let allowed = allowance(5, 1, elapsed + 1);
    assert!(
        checked <= allowed,
        "{checked} of {BURST} parallel wrong passwords were checked in about {elapsed} s; \
         the lockout schedule allows {allowed}"
    );
    eprintln!("checked {checked}, refused {refused}, in about {elapsed} s");
    assert!(refused > 0);
}

/// A user past its free failures, its lock just over, holds as many PASSWORD_VERIFIER
/// challenges as it may (5) and they are answered all at once with a wrong password: the
/// schedule allows one proof check, then a lock of 2 s.
async fn concurrent_srp_answers_are_checked_at_the_schedules_pace(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    app.confirmed_user(&pool_id, "target", PASSWORD).await;
    for _ in 0..5 {
        let wrong = app.srp_sign_in(&pool_id, &client_id, "target", WRONG).await;
        assert_eq!(
            error_of(wrong.map_err(|e| e.into_service_error())).1,
            CHECKED.1
        );
    }
    app.clock.advance_secs(2);
    let mut answers = Vec::new();
    for _ in 0..5 {
        let challenge = app.srp_challenge(&pool_id, &client_id, "target").await;
        // Signed beforehand (the test's SRP math is slow), sent together below.
        let timestamp = srp_timestamp(app.clock.now().secs());
        let signature = challenge
            .client
            .signature(WRONG, &challenge.parameters, &timestamp);
        answers.push((challenge.parameters, signature, timestamp));
    }
    let started = app.clock.now().secs();
    let mut burst = JoinSet::new();
    for (parameters, signature, timestamp) in answers {
        let answer = app
            .idp
            .respond_to_auth_challenge()
            .client_id(&client_id)
            .challenge_name(ChallengeNameType::PasswordVerifier)
            .challenge_responses("USERNAME", &parameters["USER_ID_FOR_SRP"])
            .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &parameters["SECRET_BLOCK"])
            .challenge_responses("PASSWORD_CLAIM_SIGNATURE", signature)
            .challenge_responses("TIMESTAMP", timestamp);
        burst.spawn(
            async move { error_of(answer.send().await.map_err(|e| e.into_service_error())) },
        );
    }
    let (checked, refused) = tally(answers_of(burst).await, &[LOCKED]);
    let elapsed = app.clock.now().secs() - started;
    let allowed = allowance(1, 2, elapsed + 1);
    eprintln!("SRP: checked {checked}, refused {refused}, in about {elapsed} s");
    assert!(
        checked <= allowed,
        "{checked} of 5 parallel wrong SRP proofs were checked in about {elapsed} s; \
         the lockout schedule allows {allowed}"
    );
    assert_eq!(checked + refused, 5);
}

/// A stolen access token cannot guess the password through ChangePassword in parallel: AWS's
/// 5 calls an hour and the lockout bound the checks, whatever the concurrency.
async fn concurrent_change_passwords_are_checked_within_the_quota(app: TestApp) {
    const CALLS: usize = 30;
    let (pool_id, client_id) = app.pool_with_client().await;
    app.confirmed_user(&pool_id, "target", PASSWORD).await;
    let access = app
        .idp
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "target")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap()
        .authentication_result
        .and_then(|r| r.access_token)
        .unwrap();
    let mut burst = JoinSet::new();
    for i in 0..CALLS {
        let change = app
            .idp
            .change_password()
            .access_token(&access)
            .previous_password(format!("Wrong!Guess{i}"))
            .proposed_password("Another1!Pass");
        burst.spawn(
            async move { error_of(change.send().await.map_err(|e| e.into_service_error())) },
        );
    }
    let limit = (
        "LimitExceededException",
        "Attempt limit exceeded, please try after some time.",
    );
    let (checked, refused) = tally(answers_of(burst).await, &[LOCKED, limit]);
    eprintln!("ChangePassword: checked {checked}, refused {refused}");
    assert!(
        checked <= 5,
        "{checked} of {CALLS} parallel wrong previous passwords checked"
    );
    assert_eq!(checked + refused, CALLS);
}

/// Claiming checks must not cost a user who signs in from many places at once (a CI suite's
/// shared test user): parallel sign-ins with the right password all get tokens, none is refused
/// as locked or throttled, and the user is left unlocked.
async fn concurrent_right_passwords_all_sign_in(app: TestApp) {
    const SIGN_INS: usize = 24;
    let (pool_id, client_id) = app.pool_with_client().await;
    app.confirmed_user(&pool_id, "shared", PASSWORD).await;
    let mut burst = JoinSet::new();
    for _ in 0..SIGN_INS {
        let sign_in = app
            .idp
            .initiate_auth()
            .client_id(&client_id)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "shared")
            .auth_parameters("PASSWORD", PASSWORD);
        burst.spawn(async move { sign_in.send().await.map_err(|e| e.into_service_error()) });
    }
    while let Some(answer) = burst.join_next().await {
        let answer = answer.unwrap();
        let tokens = answer.map(|r| r.authentication_result);
        assert!(
            matches!(tokens, Ok(Some(_))),
            "a parallel sign-in with the right password was refused: {tokens:?}"
        );
    }
    // Four failures are free only if the parallel sign-ins left none behind.
    for _ in 0..4 {
        let wrong = sign_in(&app, &client_id, WRONG).await;
        assert_eq!(error_of(wrong).1, CHECKED.1);
    }
    let right = sign_in(&app, &client_id, PASSWORD).await;
    assert!(right.is_ok(), "{right:?}");
}

async fn sign_in(
    app: &TestApp,
    client_id: &str,
    password: &str,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput,
    aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthError,
> {
    app.idp
        .initiate_auth()
        .client_id(client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "shared")
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .map_err(|e| e.into_service_error())
}
