//! Self-service sign-up: SignUp, ConfirmSignUp, ResendConfirmationCode,
//! GetUserAttributeVerificationCode, VerifyUserAttribute; codes read from the outbox, expiry
//! with the test clock. (Password recovery is in `recovery.rs`.)

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFlowType, DeliveryMediumType, UserStatusType, UsernameAttributeType,
    VerifiedAttributeType,
};
use cognate_crypto::secrets::secret_hash;
use cognate_testkit::{FIXTURE_FLOWS, PASSWORD, TestApp, backend_tests, failure};

backend_tests!(
    sign_up_without_auto_verification,
    sign_up_confirm_round_trip,
    confirmation_codes_expire_die_and_are_replaced,
    sign_up_with_phone_and_email_usernames,
    secret_hash_is_required_and_checked,
    attribute_verification,
);

pub(crate) fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .unwrap()
}

pub(crate) fn attr_map(attributes: &[AttributeType]) -> HashMap<String, String> {
    attributes
        .iter()
        .map(|a| {
            (
                a.name().to_string(),
                a.value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// A pool auto-verifying email, with a fixture client. (pool_id, client_id)
pub(crate) async fn verifying_pool(app: &TestApp) -> (String, String) {
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("signup")
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

pub(crate) async fn sign_up(app: &TestApp, client_id: &str, username: &str) -> String {
    app.idp
        .sign_up()
        .client_id(client_id)
        .username(username)
        .password(PASSWORD)
        .user_attributes(attr("email", &format!("{username}@example.com")))
        .send()
        .await
        .unwrap()
        .user_sub
}

pub(crate) async fn user_of(
    app: &TestApp,
    pool_id: &str,
    username: &str,
) -> (UserStatusType, HashMap<String, String>) {
    let user = app
        .idp
        .admin_get_user()
        .user_pool_id(pool_id)
        .username(username)
        .send()
        .await
        .unwrap();
    (
        user.user_status().unwrap().clone(),
        attr_map(user.user_attributes()),
    )
}

pub(crate) async fn sign_in(
    app: &TestApp,
    client_id: &str,
    username: &str,
    password: &str,
) -> (String, String) {
    let result = app
        .idp
        .initiate_auth()
        .client_id(client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    (result.access_token.unwrap(), result.refresh_token.unwrap())
}

async fn sign_up_without_auto_verification(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    let response = app
        .idp
        .sign_up()
        .client_id(&client_id)
        .username("sam")
        .password(PASSWORD)
        .user_attributes(attr("email", "sam@example.com"))
        .send()
        .await
        .unwrap();
    assert!(!response.user_confirmed());
    assert!(response.code_delivery_details().is_none());
    let (status, attributes) = user_of(&app, &pool_id, "sam").await;
    assert_eq!(status, UserStatusType::Unconfirmed);
    assert_eq!(attributes["sub"], response.user_sub());
    assert!(uuid::Uuid::parse_str(response.user_sub()).is_ok());
    assert!(app.messages(&pool_id, "sam", None).await.is_empty());

    let (code, message) = failure(
        app.idp
            .sign_up()
            .client_id(&client_id)
            .username("sam")
            .password(PASSWORD)
            .send()
            .await,
    );
    assert_eq!(code, "UsernameExistsException");
    assert_eq!(message, "User already exists");

    let (code, message) = failure(
        app.idp
            .sign_up()
            .client_id(&client_id)
            .username("weak")
            .password("weakpassword")
            .send()
            .await,
    );
    assert_eq!(code, "InvalidPasswordException");
    assert_eq!(
        message,
        "Password did not conform with policy: Password must have uppercase characters"
    );

    let (code, message) = failure(
        app.idp
            .resend_confirmation_code()
            .client_id(&client_id)
            .username("sam")
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(
        message,
        "Cannot resend codes. Auto verification not turned on."
    );

    let (code, message) = failure(
        app.idp
            .sign_up()
            .client_id("nosuchclient0000000000000a")
            .username("x")
            .password(PASSWORD)
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
    assert_eq!(
        message,
        "User pool client nosuchclient0000000000000a does not exist."
    );
}

async fn sign_up_confirm_round_trip(app: TestApp) {
    let (pool_id, client_id) = verifying_pool(&app).await;
    let response = app
        .idp
        .sign_up()
        .client_id(&client_id)
        .username("amy")
        .password(PASSWORD)
        .user_attributes(attr("email", "amy@example.com"))
        .send()
        .await
        .unwrap();
    let details = response.code_delivery_details().unwrap();
    assert_eq!(details.delivery_medium(), Some(&DeliveryMediumType::Email));
    assert_eq!(details.attribute_name(), Some("email"));
    assert_eq!(details.destination(), Some("a***@e***"));
    let message = app.last_message(&pool_id, "amy").await;
    assert_eq!(message.kind, "SIGN_UP");
    assert_eq!(message.destination, "amy@example.com");
    let code = message.code.clone().unwrap();
    assert_eq!(code.len(), 6);
    assert!(message.body.contains(&code));
    assert_eq!(app.last_code(&pool_id, "amy").await, code);

    let confirm = |code: &str| {
        app.idp
            .confirm_sign_up()
            .client_id(&client_id)
            .username("amy")
            .confirmation_code(code)
            .send()
    };
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (error, message) = failure(confirm(wrong).await);
    assert_eq!(error, "CodeMismatchException");
    assert_eq!(
        message,
        "Invalid verification code provided, please try again."
    );
    assert_eq!(
        user_of(&app, &pool_id, "amy").await.0,
        UserStatusType::Unconfirmed
    );

    confirm(&code).await.unwrap();
    let (status, attributes) = user_of(&app, &pool_id, "amy").await;
    assert_eq!(status, UserStatusType::Confirmed);
    assert_eq!(attributes["email_verified"], "true");

    let (error, message) = failure(confirm(&code).await);
    assert_eq!(error, "NotAuthorizedException");
    assert_eq!(
        message,
        "User cannot be confirmed. Current status is CONFIRMED"
    );
    let (error, message) = failure(
        app.idp
            .resend_confirmation_code()
            .client_id(&client_id)
            .username("amy")
            .send()
            .await,
    );
    assert_eq!(error, "InvalidParameterException");
    assert_eq!(message, "User is already confirmed.");
    sign_in(&app, &client_id, "amy", PASSWORD).await;
}

async fn confirmation_codes_expire_die_and_are_replaced(app: TestApp) {
    let (pool_id, client_id) = verifying_pool(&app).await;
    let confirm = |username: &'static str, code: String| {
        app.idp
            .confirm_sign_up()
            .client_id(&client_id)
            .username(username)
            .confirmation_code(code)
            .send()
    };

    // Expiry: 24 hours.
    sign_up(&app, &client_id, "late").await;
    let code = app.last_code(&pool_id, "late").await;
    app.clock.advance_secs(24 * 3600 + 1);
    let (error, message) = failure(confirm("late", code.clone()).await);
    assert_eq!(error, "ExpiredCodeException");
    assert_eq!(
        message,
        "Invalid code provided, please request a code again."
    );

    // A resent code replaces the old one.
    let resent = app
        .idp
        .resend_confirmation_code()
        .client_id(&client_id)
        .username("late")
        .send()
        .await
        .unwrap();
    assert_eq!(
        resent.code_delivery_details().unwrap().attribute_name(),
        Some("email")
    );
    let fresh = app.last_code(&pool_id, "late").await;
    if fresh != code {
        let (error, _) = failure(confirm("late", code).await);
        assert_eq!(error, "CodeMismatchException");
    }
    confirm("late", fresh).await.unwrap();

    // Wrong codes leave the code alive (AWS's per-hour call limits bound the guesses:
    // tests/it/code_limits.rs).
    sign_up(&app, &client_id, "guesser").await;
    let code = app.last_code(&pool_id, "guesser").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let (error, _) = failure(confirm("guesser", wrong.to_string()).await);
        assert_eq!(error, "CodeMismatchException");
    }
    confirm("guesser", code).await.unwrap();
}

async fn sign_up_with_phone_and_email_usernames(app: TestApp) {
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("phones")
        .username_attributes(UsernameAttributeType::Email)
        .username_attributes(UsernameAttributeType::PhoneNumber)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .auto_verified_attributes(VerifiedAttributeType::PhoneNumber)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client_id = app.client_for(&pool_id).await;
    let response = app
        .idp
        .sign_up()
        .client_id(&client_id)
        .username("+15555550123")
        .password(PASSWORD)
        .user_attributes(attr("email", "p@example.com"))
        .send()
        .await
        .unwrap();
    // Both auto-verified: the code goes by SMS.
    let details = response.code_delivery_details().unwrap();
    assert_eq!(details.delivery_medium(), Some(&DeliveryMediumType::Sms));
    assert_eq!(details.attribute_name(), Some("phone_number"));
    assert_eq!(details.destination(), Some("+*******0123"));
    let (_, attributes) = user_of(&app, &pool_id, "+15555550123").await;
    assert_eq!(attributes["phone_number"], "+15555550123");
    let code = app.last_code(&pool_id, "+15555550123").await;
    app.idp
        .confirm_sign_up()
        .client_id(&client_id)
        .username("+15555550123")
        .confirmation_code(code)
        .send()
        .await
        .unwrap();
    let (status, attributes) = user_of(&app, &pool_id, response.user_sub()).await;
    assert_eq!(status, UserStatusType::Confirmed);
    assert_eq!(attributes["phone_number_verified"], "true");

    let (error, message) = failure(
        app.idp
            .sign_up()
            .client_id(&client_id)
            .username("plainname")
            .password(PASSWORD)
            .send()
            .await,
    );
    assert_eq!(error, "InvalidParameterException");
    assert_eq!(
        message,
        "Username should be either an email or a phone number."
    );
    let (error, message) = failure(
        app.idp
            .sign_up()
            .client_id(&client_id)
            .username("+15555550123")
            .password(PASSWORD)
            .send()
            .await,
    );
    assert_eq!(error, "UsernameExistsException");
    assert_eq!(
        message,
        "An account with the given phone_number already exists."
    );
}

async fn secret_hash_is_required_and_checked(app: TestApp) {
    let (pool_id, _) = app.pool_with_client().await;
    let client = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("secret")
        .generate_secret(true)
        .set_explicit_auth_flows(Some(FIXTURE_FLOWS.to_vec()))
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let client_id = client.client_id().unwrap();
    let secret = client.client_secret().unwrap();
    let attempt = |hash: Option<String>| {
        app.idp
            .sign_up()
            .client_id(client_id)
            .username("sec")
            .password(PASSWORD)
            .set_secret_hash(hash)
            .send()
    };
    let (error, message) = failure(attempt(None).await);
    assert_eq!(error, "NotAuthorizedException");
    assert_eq!(
        message,
        format!("Client {client_id} is configured for secret but secret was not received")
    );
    let (error, message) = failure(attempt(Some(secret_hash("other", client_id, secret))).await);
    assert_eq!(error, "NotAuthorizedException");
    assert_eq!(
        message,
        format!("Unable to verify secret hash for client {client_id}")
    );
    attempt(Some(secret_hash("sec", client_id, secret)))
        .await
        .unwrap();

    let (error, _) = failure(
        app.idp
            .forgot_password()
            .client_id(client_id)
            .username("sec")
            .send()
            .await,
    );
    assert_eq!(error, "NotAuthorizedException");
}

async fn attribute_verification(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    app.confirmed_user_with(&pool_id, "vic", PASSWORD, &[("email", "vic@example.com")])
        .await;
    let (access, _) = sign_in(&app, &client_id, "vic", PASSWORD).await;
    let response = app
        .idp
        .get_user_attribute_verification_code()
        .access_token(&access)
        .attribute_name("email")
        .send()
        .await
        .unwrap();
    let details = response.code_delivery_details().unwrap();
    assert_eq!(details.delivery_medium(), Some(&DeliveryMediumType::Email));
    assert_eq!(details.destination(), Some("v***@e***"));
    let message = app.last_message(&pool_id, "vic").await;
    assert_eq!(message.kind, "VERIFY_ATTRIBUTE");
    let code = message.code.unwrap();

    let verify = |name: &str, code: &str| {
        app.idp
            .verify_user_attribute()
            .access_token(&access)
            .attribute_name(name)
            .code(code)
            .send()
    };
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (error, _) = failure(verify("email", wrong).await);
    assert_eq!(error, "CodeMismatchException");
    let (error, _) = failure(verify("phone_number", &code).await);
    assert_eq!(error, "ExpiredCodeException", "no phone code was sent");
    verify("email", &code).await.unwrap();
    let (_, attributes) = user_of(&app, &pool_id, "vic").await;
    assert_eq!(attributes["email_verified"], "true");
    let (error, _) = failure(verify("email", &code).await);
    assert_eq!(error, "ExpiredCodeException", "single use");

    let (error, _) = failure(
        app.idp
            .get_user_attribute_verification_code()
            .access_token(&access)
            .attribute_name("phone_number")
            .send()
            .await,
    );
    assert_eq!(error, "InvalidParameterException");
    let (error, _) = failure(
        app.idp
            .get_user_attribute_verification_code()
            .access_token(&access)
            .attribute_name("given_name")
            .send()
            .await,
    );
    assert_eq!(error, "InvalidParameterException");
    let (error, message) = failure(
        app.idp
            .get_user_attribute_verification_code()
            .access_token("not-a-token")
            .attribute_name("email")
            .send()
            .await,
    );
    assert_eq!(error, "NotAuthorizedException");
    assert_eq!(message, "Invalid Access Token");
}
