//! AWS's per-user hourly limits on the code operations: wrong codes keep answering
//! `CodeMismatchException` (the code lives on); past the limit, calls are answered
//! `LimitExceededException` without the code being looked at, until the hour is over.

use aws_sdk_cognitoidentityprovider::types::UserStatusType;
use cognate_testkit::{PASSWORD, TestApp, backend_tests, failure};

use crate::signup::{sign_up, user_of, verifying_pool};

backend_tests!(
    confirm_sign_up_allows_fifteen_calls_an_hour,
    resend_confirmation_code_allows_five_calls_an_hour,
    password_reset_allows_twenty_calls_an_hour,
);

const LIMIT_MESSAGE: &str = "Attempt limit exceeded, please try after some time.";

fn wrong_for(code: &str) -> String {
    if code == "000000" { "111111" } else { "000000" }.to_string()
}

async fn confirm_sign_up_allows_fifteen_calls_an_hour(app: TestApp) {
    let (pool_id, client_id) = verifying_pool(&app).await;
    sign_up(&app, &client_id, "guesser").await;
    let code = app.last_code(&pool_id, "guesser").await;
    let confirm = |code: String| {
        app.idp
            .confirm_sign_up()
            .client_id(&client_id)
            .username("guesser")
            .confirmation_code(code)
            .send()
    };
    for _ in 0..15 {
        let (error, _) = failure(confirm(wrong_for(&code)).await);
        assert_eq!(error, "CodeMismatchException");
    }
    // The 16th call in the hour is refused, even with the right code.
    let (error, message) = failure(confirm(code.clone()).await);
    assert_eq!(error, "LimitExceededException");
    assert_eq!(message, LIMIT_MESSAGE);
    assert_eq!(
        user_of(&app, &pool_id, "guesser").await.0,
        UserStatusType::Unconfirmed
    );
    // An hour later the code, still alive after 15 wrong guesses, confirms.
    app.clock.advance_secs(3600);
    confirm(code).await.unwrap();
    assert_eq!(
        user_of(&app, &pool_id, "guesser").await.0,
        UserStatusType::Confirmed
    );
}

async fn resend_confirmation_code_allows_five_calls_an_hour(app: TestApp) {
    let (pool_id, client_id) = verifying_pool(&app).await;
    sign_up(&app, &client_id, "resender").await;
    let resend = || {
        app.idp
            .resend_confirmation_code()
            .client_id(&client_id)
            .username("resender")
            .send()
    };
    for _ in 0..5 {
        resend().await.unwrap();
    }
    let last = app.last_code(&pool_id, "resender").await;
    let (error, message) = failure(resend().await);
    assert_eq!(error, "LimitExceededException");
    assert_eq!(message, LIMIT_MESSAGE);
    // The refused call sent nothing and left the last code valid.
    assert_eq!(app.last_code(&pool_id, "resender").await, last);
    app.idp
        .confirm_sign_up()
        .client_id(&client_id)
        .username("resender")
        .confirmation_code(last)
        .send()
        .await
        .unwrap();
}

async fn password_reset_allows_twenty_calls_an_hour(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    app.confirmed_user_with(
        &pool_id,
        "fay",
        PASSWORD,
        &[("email", "fay@example.com"), ("email_verified", "true")],
    )
    .await;
    // ForgotPassword and ConfirmForgotPassword share the quota: 1 + 19 calls.
    app.idp
        .forgot_password()
        .client_id(&client_id)
        .username("fay")
        .send()
        .await
        .unwrap();
    let code = app.last_code(&pool_id, "fay").await;
    let reset = |code: String| {
        app.idp
            .confirm_forgot_password()
            .client_id(&client_id)
            .username("fay")
            .confirmation_code(code)
            .password("An0ther!Password")
            .send()
    };
    for _ in 0..19 {
        let (error, _) = failure(reset(wrong_for(&code)).await);
        assert_eq!(error, "CodeMismatchException");
    }
    let (error, message) = failure(reset(code.clone()).await);
    assert_eq!(error, "LimitExceededException");
    assert_eq!(message, LIMIT_MESSAGE);
    let (error, _) = failure(
        app.idp
            .forgot_password()
            .client_id(&client_id)
            .username("fay")
            .send()
            .await,
    );
    assert_eq!(error, "LimitExceededException");
    // An hour later, a new request and its code go through.
    app.clock.advance_secs(3600);
    app.idp
        .forgot_password()
        .client_id(&client_id)
        .username("fay")
        .send()
        .await
        .unwrap();
    let fresh = app.last_code(&pool_id, "fay").await;
    reset(fresh).await.unwrap();
}
