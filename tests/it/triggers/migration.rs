//! User migration: `UserMigration_Authentication` on the password flows (not SRP),
//! `UserMigration_ForgotPassword`, the reply's status, message action and attributes, and a
//! function error answered as an unknown user.

use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, LambdaConfigType, UserStatusType};
use cognate_testkit::lambda::{Reply, StandInLambda, arn};
use cognate_testkit::{PASSWORD, TestApp, failure};
use serde_json::{Value, json};

use super::{assert_common, pool_with};
use crate::auth::{claims, password_auth};
use crate::lambda_tests;

lambda_tests!(
    migrates_on_password_sign_in_and_signs_in_at_once,
    migration_refused_is_an_unknown_user,
    reset_required_and_welcome_message,
    migrates_on_forgot_password,
);

/// The old directory, answering for any name (its password "old-pass" is shorter than the
/// pool's policy allows: migration does not apply the policy).
fn old_directory(status: &'static str, action: &'static str) -> Reply {
    Reply::handler(move |mut event: Value| {
        let name = event["userName"].as_str().unwrap_or("").to_string();
        event["response"] = json!({
            "userAttributes": {"email": format!("{name}@example.com"), "email_verified": "true",
                               "given_name": "Migrated"},
            "finalUserStatus": status,
            "messageAction": action,
            "desiredDeliveryMediums": ["EMAIL"],
        });
        event
    })
}

async fn status(app: &TestApp, pool_id: &str, name: &str) -> Option<UserStatusType> {
    app.idp
        .admin_get_user()
        .user_pool_id(pool_id)
        .username(name)
        .send()
        .await
        .ok()
        .and_then(|u| u.user_status)
}

async fn migrates_on_password_sign_in_and_signs_in_at_once(app: TestApp, lambda: StandInLambda) {
    let function = arn("migrate");
    lambda.register(&function, old_directory("CONFIRMED", "SUPPRESS"));
    let (pool_id, client_id) = pool_with(
        &app,
        LambdaConfigType::builder()
            .user_migration(&function)
            .build(),
    )
    .await;
    let result = app
        .idp
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "legacy-ann")
        .auth_parameters("PASSWORD", "old-pass")
        .client_metadata("legacy", "db1")
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    let id = claims(result.id_token().unwrap());
    assert_eq!(id["cognito:username"], "legacy-ann");
    assert_eq!(id["given_name"], "Migrated");
    let event = &lambda.events(&function)[0];
    assert_common(
        event,
        "UserMigration_Authentication",
        &pool_id,
        "legacy-ann",
    );
    assert_eq!(event["callerContext"]["clientId"], client_id.as_str());
    assert_eq!(event["request"]["password"], "old-pass");
    assert_eq!(event["request"]["validationData"], json!({"legacy": "db1"}));
    assert_eq!(
        status(&app, &pool_id, "legacy-ann").await,
        Some(UserStatusType::Confirmed)
    );
    assert!(app.messages(&pool_id, "legacy-ann", None).await.is_empty());
    // The user exists now: no migration, and the old password is the pool's.
    password_auth(&app, &client_id, "legacy-ann", "old-pass")
        .await
        .unwrap();
    assert_eq!(lambda.events(&function).len(), 1);

    // ADMIN_USER_PASSWORD_AUTH migrates as well.
    app.idp
        .admin_initiate_auth()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "legacy-bo")
        .auth_parameters("PASSWORD", "old-pass")
        .send()
        .await
        .unwrap();
    assert_eq!(lambda.events(&function).len(), 2);

    // SRP never sends the password: AWS does not migrate there.
    let (code, _) = failure(
        app.idp
            .initiate_auth()
            .client_id(&client_id)
            .auth_flow(AuthFlowType::UserSrpAuth)
            .auth_parameters("USERNAME", "legacy-cy")
            .auth_parameters("SRP_A", "02")
            .send()
            .await,
    );
    assert_eq!(code, "UserNotFoundException");
    assert_eq!(lambda.events(&function).len(), 2);
}

async fn migration_refused_is_an_unknown_user(app: TestApp, lambda: StandInLambda) {
    let function = arn("migrate");
    lambda.register(&function, Reply::FunctionError("Bad password".into()));
    let (pool_id, client_id) = pool_with(
        &app,
        LambdaConfigType::builder()
            .user_migration(&function)
            .build(),
    )
    .await;
    let (code, message) = failure(password_auth(&app, &client_id, "legacy-ann", "x").await);
    assert_eq!(code, "UserNotFoundException");
    assert_eq!(
        message,
        format!("Exception migrating user in app client {client_id}")
    );
    assert_eq!(status(&app, &pool_id, "legacy-ann").await, None);
    // A client preventing user-existence errors answers as for a wrong password.
    app.idp
        .update_user_pool_client()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .set_explicit_auth_flows(Some(cognate_testkit::FIXTURE_FLOWS.to_vec()))
        .prevent_user_existence_errors(
            aws_sdk_cognitoidentityprovider::types::PreventUserExistenceErrorTypes::Enabled,
        )
        .send()
        .await
        .unwrap();
    let (code, message) = failure(password_auth(&app, &client_id, "legacy-ann", "x").await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("NotAuthorizedException", "Incorrect username or password.")
    );
    // A reply without userAttributes is not a user.
    lambda.register(&function, Reply::echo());
    let (code, _) = failure(password_auth(&app, &client_id, "legacy-ann", "x").await);
    assert_eq!(code, "InvalidLambdaResponseException");
    assert_eq!(status(&app, &pool_id, "legacy-ann").await, None);
}

async fn reset_required_and_welcome_message(app: TestApp, lambda: StandInLambda) {
    let function = arn("migrate");
    lambda.register(&function, old_directory("RESET_REQUIRED", "RESEND"));
    let (pool_id, client_id) = pool_with(
        &app,
        LambdaConfigType::builder()
            .user_migration(&function)
            .build(),
    )
    .await;
    let (code, _) = failure(password_auth(&app, &client_id, "legacy-ann", "old-pass").await);
    assert_eq!(code, "PasswordResetRequiredException");
    assert_eq!(
        status(&app, &pool_id, "legacy-ann").await,
        Some(UserStatusType::ResetRequired)
    );
    let welcome = app.last_message(&pool_id, "legacy-ann").await;
    assert_eq!(welcome.kind, "WELCOME");
    assert_eq!(welcome.medium, "EMAIL");
    assert_eq!(welcome.destination, "legacy-ann@example.com");
}

async fn migrates_on_forgot_password(app: TestApp, lambda: StandInLambda) {
    let function = arn("migrate");
    lambda.register(&function, old_directory("CONFIRMED", "SUPPRESS"));
    let (pool_id, client_id) = pool_with(
        &app,
        LambdaConfigType::builder()
            .user_migration(&function)
            .build(),
    )
    .await;
    let out = app
        .idp
        .forgot_password()
        .client_id(&client_id)
        .username("legacy-ann")
        .client_metadata("reason", "forgot")
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.code_delivery_details.unwrap().destination.as_deref(),
        Some("l***@e***")
    );
    let event = &lambda.events(&function)[0];
    assert_common(
        event,
        "UserMigration_ForgotPassword",
        &pool_id,
        "legacy-ann",
    );
    assert!(event["request"].get("password").is_none());
    assert_eq!(
        event["request"]["clientMetadata"],
        json!({"reason": "forgot"})
    );
    assert_eq!(
        status(&app, &pool_id, "legacy-ann").await,
        Some(UserStatusType::ResetRequired)
    );
    let code = app.last_code(&pool_id, "legacy-ann").await;
    app.idp
        .confirm_forgot_password()
        .client_id(&client_id)
        .username("legacy-ann")
        .confirmation_code(code)
        .password(PASSWORD)
        .send()
        .await
        .unwrap();
    password_auth(&app, &client_id, "legacy-ann", PASSWORD)
        .await
        .unwrap();
    assert_eq!(lambda.events(&function).len(), 1);
}
