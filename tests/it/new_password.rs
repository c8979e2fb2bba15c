//! The NEW_PASSWORD_REQUIRED challenge: the round trip through RespondToAuthChallenge and
//! AdminRespondToAuthChallenge, and the challenge session (bound to user and client, single
//! use, expiring).

// Test code: a panic is how a failed expectation reports.

use aws_sdk_cognitoidentityprovider::error::SdkError;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType, UserStatusType};
use cognate_testkit::{PASSWORD, TestApp, backend_tests};
use serde_json::Value;

use crate::auth::{claims, error_of, get_user, password_auth, sign_in};

backend_tests!(
    new_password_required_round_trip,
    admin_new_password_required,
    challenge_session_is_bound_and_expires,
);

pub async fn create_with_temporary(app: &TestApp, pool_id: &str, username: &str, temporary: &str) {
    app.idp
        .admin_create_user()
        .user_pool_id(pool_id)
        .username(username)
        .temporary_password(temporary)
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .user_attributes(
            aws_sdk_cognitoidentityprovider::types::AttributeType::builder()
                .name("email")
                .value(format!("{username}@example.com"))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

pub async fn respond_new_password(
    app: &TestApp,
    client_id: &str,
    session: &str,
    username: &str,
    password: &str,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput,
    SdkError<aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeError>,
>{
    app.idp
        .respond_to_auth_challenge()
        .client_id(client_id)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(session)
        .challenge_responses("USERNAME", username)
        .challenge_responses("NEW_PASSWORD", password)
        .challenge_responses("userAttributes.nickname", "newbie")
        .send()
        .await
}

async fn new_password_required_round_trip(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    create_with_temporary(&app, &pool_id, "nina", "Temp0rary!Pass").await;
    let challenge = password_auth(&app, &client_id, "nina", "Temp0rary!Pass")
        .await
        .unwrap();
    assert_eq!(
        challenge.challenge_name,
        Some(ChallengeNameType::NewPasswordRequired)
    );
    assert!(challenge.authentication_result.is_none());
    let session = challenge.session.clone().unwrap();
    let parameters = challenge.challenge_parameters.clone().unwrap();
    assert_eq!(parameters["USER_ID_FOR_SRP"], "nina");
    let required: Value = serde_json::from_str(&parameters["requiredAttributes"]).unwrap();
    assert_eq!(required, serde_json::json!([]));
    let attributes: Value = serde_json::from_str(&parameters["userAttributes"]).unwrap();
    assert_eq!(attributes["email"], "nina@example.com");
    assert_eq!(attributes.get("sub"), None);

    // A password the policy refuses leaves the session usable.
    let weak = respond_new_password(&app, &client_id, &session, "nina", "weak").await;
    assert_eq!(error_of(weak).0, "InvalidPasswordException");
    let answered = respond_new_password(&app, &client_id, &session, "nina", PASSWORD)
        .await
        .unwrap();
    let tokens = answered.authentication_result.unwrap();
    assert!(tokens.refresh_token().is_some());
    let id = claims(tokens.id_token().unwrap());
    assert_eq!(id["cognito:username"], "nina");
    assert_eq!(id["nickname"], "newbie");
    get_user(&app, tokens.access_token().unwrap())
        .await
        .unwrap();
    let user = app
        .idp
        .admin_get_user()
        .user_pool_id(&pool_id)
        .username("nina")
        .send()
        .await
        .unwrap();
    assert_eq!(user.user_status, Some(UserStatusType::Confirmed));

    // Single use.
    let replay = respond_new_password(&app, &client_id, &session, "nina", "An0ther!Passw0rd").await;
    assert_eq!(
        error_of(replay),
        (
            "NotAuthorizedException".into(),
            "Invalid session for the user.".into()
        )
    );
    // The new password signs in; the temporary one no longer does.
    sign_in(&app, &client_id, "nina", PASSWORD).await;
    assert_eq!(
        error_of(password_auth(&app, &client_id, "nina", "Temp0rary!Pass").await).1,
        "Incorrect username or password."
    );
}

async fn admin_new_password_required(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    create_with_temporary(&app, &pool_id, "adam", "Temp0rary!Pass").await;
    let challenge = app
        .idp
        .admin_initiate_auth()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "adam")
        .auth_parameters("PASSWORD", "Temp0rary!Pass")
        .send()
        .await
        .unwrap();
    assert_eq!(
        challenge.challenge_name,
        Some(ChallengeNameType::NewPasswordRequired)
    );
    let answered = app
        .idp
        .admin_respond_to_auth_challenge()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(challenge.session.unwrap())
        .challenge_responses("USERNAME", "adam")
        .challenge_responses("NEW_PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    assert!(answered.authentication_result.is_some());
    sign_in(&app, &client_id, "adam", PASSWORD).await;
}

async fn challenge_session_is_bound_and_expires(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    let other_client = app.client_for(&pool_id).await;
    create_with_temporary(&app, &pool_id, "ivy", "Temp0rary!Pass").await;
    create_with_temporary(&app, &pool_id, "joe", "Temp0rary!Pass").await;
    let session = |user: &'static str| {
        let app = &app;
        let client_id = client_id.clone();
        async move {
            password_auth(app, &client_id, user, "Temp0rary!Pass")
                .await
                .unwrap()
                .session
                .unwrap()
        }
    };
    let invalid = || {
        (
            "NotAuthorizedException".to_string(),
            "Invalid session for the user.".to_string(),
        )
    };
    let ivy_session = session("ivy").await;
    // Bound to its user and its client.
    assert_eq!(
        error_of(respond_new_password(&app, &client_id, &ivy_session, "joe", PASSWORD).await),
        invalid()
    );
    assert_eq!(
        error_of(respond_new_password(&app, &other_client, &ivy_session, "ivy", PASSWORD).await),
        invalid()
    );
    assert_eq!(
        error_of(
            respond_new_password(
                &app,
                &client_id,
                "made-up-session-000000000",
                "ivy",
                PASSWORD
            )
            .await
        ),
        invalid()
    );
    // Three minutes, then expired.
    app.clock.advance_secs(181);
    assert_eq!(
        error_of(respond_new_password(&app, &client_id, &ivy_session, "ivy", PASSWORD).await),
        (
            "NotAuthorizedException".into(),
            "Invalid session for the user, session is expired.".into()
        )
    );
    // A fresh one works.
    let fresh = session("ivy").await;
    respond_new_password(&app, &client_id, &fresh, "ivy", PASSWORD)
        .await
        .unwrap();
}
