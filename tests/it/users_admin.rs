//! Admin user operations: AdminCreateUser (invitations, RESEND, username rules, aliases,
//! schema), AdminGetUser, AdminSetUserPassword, AdminConfirmSignUp, AdminResetUserPassword.

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::types::{
    AliasAttributeType, AttributeDataType, AttributeType, AuthFlowType, DeliveryMediumType,
    MessageActionType, SchemaAttributeType, UserStatusType, UsernameAttributeType,
    UsernameConfigurationType,
};
use cognate_testkit::{PASSWORD, TestApp, backend_tests, failure};

backend_tests!(
    create_user_has_aws_shape,
    create_user_invitation_and_resend,
    create_user_password_and_schema_errors,
    email_as_username,
    case_insensitive_usernames,
    alias_conflicts_and_force_alias_creation,
    set_user_password_permanent_and_temporary,
    admin_confirm_sign_up,
    admin_reset_user_password,
    unknown_pool_and_user,
);

pub fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .unwrap()
}

pub fn attr_map(attributes: &[AttributeType]) -> HashMap<String, String> {
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

fn is_uuid_v4(value: &str) -> bool {
    uuid::Uuid::parse_str(value).is_ok_and(|u| u.get_version_num() == 4)
}

async fn plain_pool(app: &TestApp) -> String {
    app.idp
        .create_user_pool()
        .pool_name("admin")
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap()
}

async fn status_of(app: &TestApp, pool_id: &str, username: &str) -> UserStatusType {
    app.idp
        .admin_get_user()
        .user_pool_id(pool_id)
        .username(username)
        .send()
        .await
        .unwrap()
        .user_status
        .unwrap()
}

async fn create_user_has_aws_shape(app: TestApp) {
    let pool_id = plain_pool(&app).await;
    let user = app
        .idp
        .admin_create_user()
        .user_pool_id(&pool_id)
        .username("ada")
        .temporary_password(PASSWORD)
        .message_action(MessageActionType::Suppress)
        .user_attributes(attr("email", "ada@example.com"))
        .user_attributes(attr("given_name", "Ada"))
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    assert_eq!(user.username(), Some("ada"));
    assert_eq!(
        user.user_status(),
        Some(&UserStatusType::ForceChangePassword)
    );
    assert!(user.enabled());
    assert!(user.user_create_date().is_some());
    let attributes = attr_map(user.attributes());
    assert!(is_uuid_v4(&attributes["sub"]), "{attributes:?}");
    assert_eq!(attributes["email"], "ada@example.com");
    assert_eq!(attributes["given_name"], "Ada");

    let got = app
        .idp
        .admin_get_user()
        .user_pool_id(&pool_id)
        .username("ada")
        .send()
        .await
        .unwrap();
    assert_eq!(got.username(), "ada");
    assert_eq!(
        got.user_status(),
        Some(&UserStatusType::ForceChangePassword)
    );
    assert!(got.enabled());
    assert_eq!(attr_map(got.user_attributes())["sub"], attributes["sub"]);
    assert_eq!(got.user_create_date(), user.user_create_date());

    let (code, message) = failure(
        app.idp
            .admin_create_user()
            .user_pool_id(&pool_id)
            .username("ada")
            .message_action(MessageActionType::Suppress)
            .send()
            .await,
    );
    assert_eq!(code, "UsernameExistsException");
    assert_eq!(message, "User account already exists");
    // Usernames are case-sensitive by default: another user.
    app.idp
        .admin_create_user()
        .user_pool_id(&pool_id)
        .username("ADA")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
}

async fn create_user_invitation_and_resend(app: TestApp) {
    let pool_id = plain_pool(&app).await;
    app.idp
        .admin_create_user()
        .user_pool_id(&pool_id)
        .username("grace")
        .user_attributes(attr("email", "grace@example.com"))
        .desired_delivery_mediums(DeliveryMediumType::Email)
        .send()
        .await
        .unwrap();
    let invitation = app.last_message(&pool_id, "grace").await;
    assert_eq!(invitation.kind, "TEMPORARY_PASSWORD");
    assert_eq!(invitation.medium, "EMAIL");
    assert_eq!(invitation.destination, "grace@example.com");
    assert_eq!(
        invitation.subject.as_deref(),
        Some("Your temporary password")
    );
    let temporary = invitation.code.clone().unwrap();
    assert!(temporary.len() >= 12, "{temporary}");
    assert!(temporary.chars().any(|c| c.is_ascii_uppercase()));
    assert!(temporary.chars().any(|c| c.is_ascii_lowercase()));
    assert!(temporary.chars().any(|c| c.is_ascii_digit()));
    assert!(invitation.body.contains("grace") && invitation.body.contains(&temporary));

    // SMS is the default medium: a user with only an email gets nothing; SUPPRESS sends nothing.
    app.idp
        .admin_create_user()
        .user_pool_id(&pool_id)
        .username("quiet")
        .user_attributes(attr("email", "quiet@example.com"))
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    assert!(app.messages(&pool_id, "quiet", None).await.is_empty());

    // RESEND: a new temporary password, sent again.
    app.idp
        .admin_create_user()
        .user_pool_id(&pool_id)
        .username("grace")
        .message_action(MessageActionType::Resend)
        .desired_delivery_mediums(DeliveryMediumType::Email)
        .send()
        .await
        .unwrap();
    let again = app
        .messages(&pool_id, "grace", Some("TEMPORARY_PASSWORD"))
        .await;
    assert_eq!(again.len(), 2);
    assert_ne!(again[0].code, again[1].code);
    assert!(again[0].id > again[1].id, "newest first");

    let (code, _) = failure(
        app.idp
            .admin_create_user()
            .user_pool_id(&pool_id)
            .username("nobody")
            .message_action(MessageActionType::Resend)
            .send()
            .await,
    );
    assert_eq!(code, "UserNotFoundException");

    app.confirmed_user(&pool_id, "done", PASSWORD).await;
    let (code, _) = failure(
        app.idp
            .admin_create_user()
            .user_pool_id(&pool_id)
            .username("done")
            .message_action(MessageActionType::Resend)
            .send()
            .await,
    );
    assert_eq!(code, "UnsupportedUserStateException");
}

async fn create_user_password_and_schema_errors(app: TestApp) {
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("schema")
        .schema(
            SchemaAttributeType::builder()
                .name("email")
                .attribute_data_type(AttributeDataType::String)
                .required(true)
                .mutable(true)
                .build(),
        )
        .schema(
            SchemaAttributeType::builder()
                .name("tenant")
                .attribute_data_type(AttributeDataType::String)
                .mutable(true)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let create = |username: &str| {
        app.idp
            .admin_create_user()
            .user_pool_id(&pool_id)
            .username(username)
            .message_action(MessageActionType::Suppress)
    };

    let (code, message) = failure(
        create("u1")
            .temporary_password("short")
            .user_attributes(attr("email", "u1@example.com"))
            .send()
            .await,
    );
    assert_eq!(code, "InvalidPasswordException");
    assert_eq!(
        message,
        "Password did not conform with policy: Password not long enough"
    );

    let (code, message) = failure(create("u1").send().await);
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(
        message,
        "Attributes did not conform to the schema: email: The attribute is required"
    );

    let (code, message) = failure(
        create("u1")
            .user_attributes(attr("email", "u1@example.com"))
            .user_attributes(attr("custom:nope", "x"))
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(
        message,
        "Attributes did not conform to the schema: Type for attribute {custom:nope} could not be determined"
    );

    let (code, message) = failure(
        create("u1")
            .user_attributes(attr("email", "not an email"))
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(message, "Invalid email address format.");

    // None of the failures left a user behind.
    let user = create("u1")
        .user_attributes(attr("email", "u1@example.com"))
        .user_attributes(attr("custom:tenant", "acme"))
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    assert_eq!(attr_map(user.attributes())["custom:tenant"], "acme");
}

async fn email_as_username(app: TestApp) {
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("emails")
        .username_attributes(UsernameAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let user = app
        .idp
        .admin_create_user()
        .user_pool_id(&pool_id)
        .username("Mixed.Case@Example.com")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    let internal = user.username().unwrap().to_string();
    let attributes = attr_map(user.attributes());
    assert!(is_uuid_v4(&internal), "{internal}");
    assert_eq!(attributes["sub"], internal);
    assert_eq!(attributes["email"], "Mixed.Case@Example.com");

    for name in [
        "Mixed.Case@Example.com",
        "mixed.case@example.com",
        &internal,
    ] {
        let got = app
            .idp
            .admin_get_user()
            .user_pool_id(&pool_id)
            .username(name)
            .send()
            .await
            .unwrap();
        assert_eq!(got.username(), internal);
    }
    app.idp
        .admin_set_user_password()
        .user_pool_id(&pool_id)
        .username("mixed.case@example.com")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    assert_eq!(
        status_of(&app, &pool_id, &internal).await,
        UserStatusType::Confirmed
    );

    let (code, message) = failure(
        app.idp
            .admin_create_user()
            .user_pool_id(&pool_id)
            .username("not-an-email")
            .message_action(MessageActionType::Suppress)
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(message, "Username should be an email.");

    let (code, message) = failure(
        app.idp
            .admin_create_user()
            .user_pool_id(&pool_id)
            .username("MIXED.case@example.com")
            .message_action(MessageActionType::Suppress)
            .send()
            .await,
    );
    assert_eq!(code, "UsernameExistsException");
    assert_eq!(message, "An account with the given email already exists.");
}

async fn case_insensitive_usernames(app: TestApp) {
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("ci")
        .username_configuration(
            UsernameConfigurationType::builder()
                .case_sensitive(false)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    app.confirmed_user(&pool_id, "CaseUser", PASSWORD).await;
    let got = app
        .idp
        .admin_get_user()
        .user_pool_id(&pool_id)
        .username("caseuser")
        .send()
        .await
        .unwrap();
    assert_eq!(got.username(), "CaseUser", "the username keeps its case");
    let (code, _) = failure(
        app.idp
            .admin_create_user()
            .user_pool_id(&pool_id)
            .username("CASEUSER")
            .message_action(MessageActionType::Suppress)
            .send()
            .await,
    );
    assert_eq!(code, "UsernameExistsException");
}

async fn alias_conflicts_and_force_alias_creation(app: TestApp) {
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("aliases")
        .alias_attributes(AliasAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let (code, message) = failure(
        app.idp
            .admin_create_user()
            .user_pool_id(&pool_id)
            .username("me@example.com")
            .message_action(MessageActionType::Suppress)
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(
        message,
        "Username cannot be of email format, since user pool is configured for email alias."
    );

    app.confirmed_user(&pool_id, "first", PASSWORD).await;
    // The verified email is an alias: the user is found by it.
    let got = app
        .idp
        .admin_get_user()
        .user_pool_id(&pool_id)
        .username("FIRST@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(got.username(), "first");

    let second = |force: bool| {
        app.idp
            .admin_create_user()
            .user_pool_id(&pool_id)
            .username("second")
            .message_action(MessageActionType::Suppress)
            .user_attributes(attr("email", "first@example.com"))
            .user_attributes(attr("email_verified", "true"))
            .force_alias_creation(force)
            .send()
    };
    let (code, message) = failure(second(false).await);
    assert_eq!(code, "AliasExistsException");
    assert_eq!(message, "An account with the given email already exists.");
    // An unverified copy of the email is no alias: no conflict.
    app.idp
        .admin_create_user()
        .user_pool_id(&pool_id)
        .username("third")
        .message_action(MessageActionType::Suppress)
        .user_attributes(attr("email", "first@example.com"))
        .send()
        .await
        .unwrap();

    second(true).await.unwrap();
    let got = app
        .idp
        .admin_get_user()
        .user_pool_id(&pool_id)
        .username("first@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(got.username(), "second", "the alias moved");
    let first = app
        .idp
        .admin_get_user()
        .user_pool_id(&pool_id)
        .username("first")
        .send()
        .await
        .unwrap();
    assert_eq!(attr_map(first.user_attributes())["email_verified"], "false");
}

async fn set_user_password_permanent_and_temporary(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    app.idp
        .admin_create_user()
        .user_pool_id(&pool_id)
        .username("pat")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let set = |password: &str, permanent: bool| {
        app.idp
            .admin_set_user_password()
            .user_pool_id(&pool_id)
            .username("pat")
            .password(password)
            .permanent(permanent)
            .send()
    };
    set(PASSWORD, true).await.unwrap();
    assert_eq!(
        status_of(&app, &pool_id, "pat").await,
        UserStatusType::Confirmed
    );
    let refresh = app
        .idp
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "pat")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap()
        .refresh_token
        .unwrap();
    let refreshed = || {
        app.idp
            .initiate_auth()
            .client_id(&client_id)
            .auth_flow(AuthFlowType::RefreshTokenAuth)
            .auth_parameters("REFRESH_TOKEN", &refresh)
            .send()
    };
    // A permanent password leaves sessions alone; a temporary one (an admin reset) ends them.
    app.clock.advance_secs(1);
    set("Perm!Passw0rd", true).await.unwrap();
    refreshed().await.unwrap();
    set("Other!Passw0rd", false).await.unwrap();
    let (code, _) = failure(refreshed().await);
    assert_eq!(code, "NotAuthorizedException");
    assert_eq!(
        status_of(&app, &pool_id, "pat").await,
        UserStatusType::ForceChangePassword
    );
    for (bad, why) in [
        ("Sh0rt!", "Password not long enough"),
        ("nouppercase1!", "Password must have uppercase characters"),
        ("NOLOWERCASE1!", "Password must have lowercase characters"),
        ("NoDigits!!", "Password must have numeric characters"),
        ("NoSymbols123", "Password must have symbol characters"),
    ] {
        let (code, message) = failure(set(bad, true).await);
        assert_eq!(code, "InvalidPasswordException");
        assert_eq!(
            message,
            format!("Password did not conform with policy: {why}")
        );
    }
    assert_eq!(
        status_of(&app, &pool_id, "pat").await,
        UserStatusType::ForceChangePassword,
        "failed calls change nothing"
    );
}

async fn admin_confirm_sign_up(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    app.idp
        .sign_up()
        .client_id(&client_id)
        .username("sue")
        .password(PASSWORD)
        .user_attributes(attr("email", "sue@example.com"))
        .send()
        .await
        .unwrap();
    app.idp
        .admin_confirm_sign_up()
        .user_pool_id(&pool_id)
        .username("sue")
        .send()
        .await
        .unwrap();
    let got = app
        .idp
        .admin_get_user()
        .user_pool_id(&pool_id)
        .username("sue")
        .send()
        .await
        .unwrap();
    assert_eq!(got.user_status(), Some(&UserStatusType::Confirmed));
    assert!(
        !attr_map(got.user_attributes()).contains_key("email_verified"),
        "AdminConfirmSignUp verifies nothing"
    );
    let (code, message) = failure(
        app.idp
            .admin_confirm_sign_up()
            .user_pool_id(&pool_id)
            .username("sue")
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
    assert_eq!(
        message,
        "User cannot be confirmed. Current status is CONFIRMED"
    );
}

async fn admin_reset_user_password(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    app.confirmed_user(&pool_id, "rita", PASSWORD).await;
    app.idp
        .admin_reset_user_password()
        .user_pool_id(&pool_id)
        .username("rita")
        .send()
        .await
        .unwrap();
    assert_eq!(
        status_of(&app, &pool_id, "rita").await,
        UserStatusType::ResetRequired
    );
    let message = app.last_message(&pool_id, "rita").await;
    assert_eq!(message.kind, "FORGOT_PASSWORD");
    assert_eq!(message.medium, "EMAIL");
    let code = message.code.unwrap();
    assert_eq!(code.len(), 6);
    app.idp
        .confirm_forgot_password()
        .client_id(&client_id)
        .username("rita")
        .confirmation_code(&code)
        .password("N3w!Password")
        .send()
        .await
        .unwrap();
    assert_eq!(
        status_of(&app, &pool_id, "rita").await,
        UserStatusType::Confirmed
    );

    // Without a verified email or phone there is nowhere to send the code.
    app.confirmed_user_with(&pool_id, "nomail", PASSWORD, &[("email", "n@example.com")])
        .await;
    let (code, message) = failure(
        app.idp
            .admin_reset_user_password()
            .user_pool_id(&pool_id)
            .username("nomail")
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(
        message,
        "Cannot reset password for the user as there is no registered/verified email or phone_number"
    );
    assert_eq!(
        status_of(&app, &pool_id, "nomail").await,
        UserStatusType::Confirmed
    );
}

async fn unknown_pool_and_user(app: TestApp) {
    let (pool_id, _) = app.pool_with_client().await;
    let (code, message) = failure(
        app.idp
            .admin_get_user()
            .user_pool_id(&pool_id)
            .username("ghost")
            .send()
            .await,
    );
    assert_eq!(code, "UserNotFoundException");
    assert_eq!(message, "User does not exist.");
    let (code, _) = failure(
        app.idp
            .admin_set_user_password()
            .user_pool_id(&pool_id)
            .username("ghost")
            .password(PASSWORD)
            .permanent(true)
            .send()
            .await,
    );
    assert_eq!(code, "UserNotFoundException");
    let (code, _) = failure(
        app.idp
            .admin_confirm_sign_up()
            .user_pool_id(&pool_id)
            .username("ghost")
            .send()
            .await,
    );
    assert_eq!(code, "UserNotFoundException");
    let (code, message) = failure(
        app.idp
            .admin_create_user()
            .user_pool_id("us-east-1_NoSuchPoo")
            .username("x")
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
    assert_eq!(message, "User pool us-east-1_NoSuchPoo does not exist.");
}
