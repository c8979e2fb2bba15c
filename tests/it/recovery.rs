//! Password recovery: ForgotPassword, ConfirmForgotPassword (codes from the outbox, expiry with
//! the test clock), PreventUserExistenceErrors, and resets ending sessions.

use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, DeliveryMediumType, ExplicitAuthFlowsType, MessageActionType,
    PreventUserExistenceErrorTypes,
};
use cognate_testkit::{PASSWORD, TestApp, backend_tests, failure};

use crate::signup::{attr, sign_in, verifying_pool};

backend_tests!(
    forgot_password_round_trip,
    forgot_password_errors,
    prevent_user_existence_errors,
    password_reset_ends_sessions,
);

async fn forgot_password_round_trip(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    app.confirmed_user(&pool_id, "fay", PASSWORD).await;
    let response = app
        .idp
        .forgot_password()
        .client_id(&client_id)
        .username("fay")
        .send()
        .await
        .unwrap();
    let details = response.code_delivery_details().unwrap();
    assert_eq!(details.delivery_medium(), Some(&DeliveryMediumType::Email));
    assert_eq!(details.attribute_name(), Some("email"));
    assert_eq!(details.destination(), Some("f***@e***"));
    let message = app.last_message(&pool_id, "fay").await;
    assert_eq!(message.kind, "FORGOT_PASSWORD");
    let code = message.code.unwrap();
    // The old password still works until the reset is confirmed.
    sign_in(&app, &client_id, "fay", PASSWORD).await;

    let reset = |code: &str, password: &str| {
        app.idp
            .confirm_forgot_password()
            .client_id(&client_id)
            .username("fay")
            .confirmation_code(code)
            .password(password)
            .send()
    };
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (error, message) = failure(reset(wrong, "N3w!Password").await);
    assert_eq!(error, "CodeMismatchException");
    assert_eq!(
        message,
        "Invalid verification code provided, please try again."
    );
    let (error, _) = failure(reset(&code, "weak").await);
    assert_eq!(error, "InvalidPasswordException");

    reset(&code, "N3w!Password").await.unwrap();
    sign_in(&app, &client_id, "fay", "N3w!Password").await;
    let (error, _) = failure(
        app.idp
            .initiate_auth()
            .client_id(&client_id)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "fay")
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await,
    );
    assert_eq!(error, "NotAuthorizedException");
    let (error, message) = failure(reset(&code, "An0ther!Password").await);
    assert_eq!(error, "ExpiredCodeException", "codes are single use");
    assert_eq!(
        message,
        "Invalid code provided, please request a code again."
    );

    // Reset codes live one hour.
    app.idp
        .forgot_password()
        .client_id(&client_id)
        .username("fay@example.com")
        .send()
        .await
        .expect_err("fay's email is no alias in this pool");
    app.idp
        .forgot_password()
        .client_id(&client_id)
        .username("fay")
        .send()
        .await
        .unwrap();
    let code = app.last_code(&pool_id, "fay").await;
    app.clock.advance_secs(3601);
    let (error, _) = failure(reset(&code, "An0ther!Password").await);
    assert_eq!(error, "ExpiredCodeException");
}

async fn forgot_password_errors(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    let forgot = |username: &'static str| {
        app.idp
            .forgot_password()
            .client_id(&client_id)
            .username(username)
            .send()
    };
    let (error, message) = failure(forgot("ghost").await);
    assert_eq!(error, "UserNotFoundException");
    assert_eq!(message, "User does not exist.");

    app.confirmed_user_with(
        &pool_id,
        "unverified",
        PASSWORD,
        &[("email", "u@example.com")],
    )
    .await;
    let (error, message) = failure(forgot("unverified").await);
    assert_eq!(error, "InvalidParameterException");
    assert_eq!(
        message,
        "Cannot reset password for the user as there is no registered/verified email or phone_number"
    );

    app.idp
        .admin_create_user()
        .user_pool_id(&pool_id)
        .username("invited")
        .user_attributes(attr("email", "i@example.com"))
        .user_attributes(attr("email_verified", "true"))
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let (error, message) = failure(forgot("invited").await);
    assert_eq!(error, "NotAuthorizedException");
    assert_eq!(
        message,
        "User password cannot be reset in the current state."
    );

    app.confirmed_user(&pool_id, "norequest", PASSWORD).await;
    let (error, _) = failure(
        app.idp
            .confirm_forgot_password()
            .client_id(&client_id)
            .username("norequest")
            .confirmation_code("123456")
            .password("N3w!Password")
            .send()
            .await,
    );
    assert_eq!(error, "ExpiredCodeException", "no code was requested");
    let (error, _) = failure(
        app.idp
            .confirm_forgot_password()
            .client_id(&client_id)
            .username("ghost")
            .confirmation_code("123456")
            .password("N3w!Password")
            .send()
            .await,
    );
    assert_eq!(error, "UserNotFoundException");
    let (error, _) = failure(
        app.idp
            .confirm_sign_up()
            .client_id(&client_id)
            .username("ghost")
            .confirmation_code("123456")
            .send()
            .await,
    );
    assert_eq!(error, "UserNotFoundException");
}

async fn prevent_user_existence_errors(app: TestApp) {
    let (pool_id, _) = verifying_pool(&app).await;
    let client_id = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("quiet")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();

    let forgot = app
        .idp
        .forgot_password()
        .client_id(&client_id)
        .username("ghost@example.com")
        .send()
        .await
        .unwrap();
    let details = forgot.code_delivery_details().unwrap();
    assert_eq!(details.delivery_medium(), Some(&DeliveryMediumType::Email));
    assert_eq!(details.destination(), Some("g***@e***"));
    let resend = app
        .idp
        .resend_confirmation_code()
        .client_id(&client_id)
        .username("ghost")
        .send()
        .await
        .unwrap();
    assert!(resend.code_delivery_details().is_some());

    // A user without a verified address looks the same as an unknown one.
    app.confirmed_user_with(
        &pool_id,
        "unverified",
        PASSWORD,
        &[("email", "u@example.com")],
    )
    .await;
    app.idp
        .forgot_password()
        .client_id(&client_id)
        .username("unverified")
        .send()
        .await
        .unwrap();

    let (error, _) = failure(
        app.idp
            .confirm_sign_up()
            .client_id(&client_id)
            .username("ghost")
            .confirmation_code("123456")
            .send()
            .await,
    );
    assert_eq!(error, "ExpiredCodeException");
    let (error, _) = failure(
        app.idp
            .confirm_forgot_password()
            .client_id(&client_id)
            .username("ghost")
            .confirmation_code("123456")
            .password("N3w!Password")
            .send()
            .await,
    );
    assert_eq!(error, "CodeMismatchException");
    assert!(app.messages(&pool_id, "ghost", None).await.is_empty());
    assert!(app.messages(&pool_id, "unverified", None).await.is_empty());
}

async fn password_reset_ends_sessions(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    app.confirmed_user(&pool_id, "ses", PASSWORD).await;
    let (access, refresh) = sign_in(&app, &client_id, "ses", PASSWORD).await;
    // Revocation marks are per second: let the tokens be strictly older than the reset.
    app.clock.advance_secs(1);
    app.idp
        .forgot_password()
        .client_id(&client_id)
        .username("ses")
        .send()
        .await
        .unwrap();
    let code = app.last_code(&pool_id, "ses").await;
    app.idp
        .confirm_forgot_password()
        .client_id(&client_id)
        .username("ses")
        .confirmation_code(code)
        .password("N3w!Password")
        .send()
        .await
        .unwrap();
    let (error, message) = failure(
        app.idp
            .get_user_attribute_verification_code()
            .access_token(&access)
            .attribute_name("email")
            .send()
            .await,
    );
    assert_eq!(error, "NotAuthorizedException");
    assert_eq!(message, "Access Token has been revoked");
    let (error, _) = failure(
        app.idp
            .initiate_auth()
            .client_id(&client_id)
            .auth_flow(AuthFlowType::RefreshTokenAuth)
            .auth_parameters("REFRESH_TOKEN", refresh)
            .send()
            .await,
    );
    assert_eq!(error, "NotAuthorizedException");

    // AdminResetUserPassword ends the new sessions too.
    let (access, _) = sign_in(&app, &client_id, "ses", "N3w!Password").await;
    app.clock.advance_secs(1);
    app.idp
        .admin_reset_user_password()
        .user_pool_id(&pool_id)
        .username("ses")
        .send()
        .await
        .unwrap();
    let (error, _) = failure(
        app.idp
            .get_user_attribute_verification_code()
            .access_token(&access)
            .attribute_name("email")
            .send()
            .await,
    );
    assert_eq!(error, "NotAuthorizedException");
    let (error, _) = failure(
        app.idp
            .initiate_auth()
            .client_id(&client_id)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "ses")
            .auth_parameters("PASSWORD", "N3w!Password")
            .send()
            .await,
    );
    assert_eq!(error, "PasswordResetRequiredException");
}
