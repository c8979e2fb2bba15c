//! Boolean attribute values in any case ("True", "FALSE"), as AWS accepts them: stored as
//! `true`/`false`, and every "is verified" decision (recovery destination, aliases, tokens) reads
//! the stored value.

use aws_sdk_cognitoidentityprovider::types::{
    AliasAttributeType, AttributeDataType, DeliveryMediumType, MessageActionType,
    SchemaAttributeType,
};
use cognate_testkit::{PASSWORD, TestApp, backend_tests, failure};

use crate::auth::{claims, sign_in};
use crate::users_admin::{attr, attr_map};

backend_tests!(
    admin_create_user_accepts_any_case,
    updates_accept_any_case,
    sign_up_accepts_any_case,
);

async fn attributes_of(app: &TestApp, pool_id: &str, username: &str) -> Vec<(String, String)> {
    let user = app
        .idp
        .admin_get_user()
        .user_pool_id(pool_id)
        .username(username)
        .send()
        .await
        .unwrap();
    let mut attributes: Vec<_> = attr_map(user.user_attributes()).into_iter().collect();
    attributes.sort();
    attributes
}

fn value<'a>(attributes: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attributes
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

async fn admin_create_user_accepts_any_case(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    app.idp
        .admin_create_user()
        .user_pool_id(&pool_id)
        .username("tess")
        .user_attributes(attr("email", "tess@example.com"))
        .user_attributes(attr("email_verified", "True"))
        .user_attributes(attr("phone_number", "+15555550100"))
        .user_attributes(attr("phone_number_verified", "FALSE"))
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let attributes = attributes_of(&app, &pool_id, "tess").await;
    assert_eq!(value(&attributes, "email_verified"), Some("true"));
    assert_eq!(value(&attributes, "phone_number_verified"), Some("false"));

    // The verified email is where a reset code goes (the phone is not verified).
    app.idp
        .admin_set_user_password()
        .user_pool_id(&pool_id)
        .username("tess")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    let details = app
        .idp
        .forgot_password()
        .client_id(&client_id)
        .username("tess")
        .send()
        .await
        .unwrap()
        .code_delivery_details
        .unwrap();
    assert_eq!(details.delivery_medium(), Some(&DeliveryMediumType::Email));
    // The ID token carries the flags as JSON booleans.
    let tokens = sign_in(&app, &client_id, "tess", PASSWORD).await;
    let id = claims(tokens.id_token().unwrap());
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["phone_number_verified"], false);

    // Anything but true/false, in any case, is still refused; nothing is created.
    let (code, message) = failure(
        app.idp
            .admin_create_user()
            .user_pool_id(&pool_id)
            .username("ursula")
            .user_attributes(attr("email", "ursula@example.com"))
            .user_attributes(attr("email_verified", "yes"))
            .message_action(MessageActionType::Suppress)
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(
        message,
        "Attributes did not conform to the schema: email_verified: Boolean must be true or false"
    );
    let (code, _) = failure(
        app.idp
            .admin_get_user()
            .user_pool_id(&pool_id)
            .username("ursula")
            .send()
            .await,
    );
    assert_eq!(code, "UserNotFoundException");
}

async fn updates_accept_any_case(app: TestApp) {
    // A pool where a verified email is a sign-in alias: the alias exists only once verified.
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("aliases")
        .alias_attributes(AliasAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .and_then(|p| p.id)
        .unwrap();
    let client_id = app.client_for(&pool_id).await;
    app.confirmed_user_with(
        &pool_id,
        "vera",
        PASSWORD,
        &[("email", "vera@example.com"), ("email_verified", "false")],
    )
    .await;
    let (code, _) = failure(
        app.idp
            .initiate_auth()
            .client_id(&client_id)
            .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "vera@example.com")
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await,
    );
    assert_eq!(
        code, "UserNotFoundException",
        "an unverified email is no alias"
    );

    app.idp
        .admin_update_user_attributes()
        .user_pool_id(&pool_id)
        .username("vera")
        .user_attributes(attr("email_verified", "TRUE"))
        .send()
        .await
        .unwrap();
    let attributes = attributes_of(&app, &pool_id, "vera").await;
    assert_eq!(value(&attributes, "email_verified"), Some("true"));
    let tokens = sign_in(&app, &client_id, "vera@example.com", PASSWORD).await;
    assert_eq!(claims(tokens.id_token().unwrap())["email_verified"], true);

    // A new address given with a verified flag in another case is taken as verified at once.
    app.idp
        .admin_update_user_attributes()
        .user_pool_id(&pool_id)
        .username("vera")
        .user_attributes(attr("email", "vera@example.org"))
        .user_attributes(attr("email_verified", "True"))
        .send()
        .await
        .unwrap();
    let attributes = attributes_of(&app, &pool_id, "vera").await;
    assert_eq!(value(&attributes, "email"), Some("vera@example.org"));
    assert_eq!(value(&attributes, "email_verified"), Some("true"));
    sign_in(&app, &client_id, "vera@example.org", PASSWORD).await;

    app.idp
        .admin_update_user_attributes()
        .user_pool_id(&pool_id)
        .username("vera")
        .user_attributes(attr("email_verified", "False"))
        .send()
        .await
        .unwrap();
    let attributes = attributes_of(&app, &pool_id, "vera").await;
    assert_eq!(value(&attributes, "email_verified"), Some("false"));
}

async fn sign_up_accepts_any_case(app: TestApp) {
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("custom booleans")
        .schema(
            SchemaAttributeType::builder()
                .name("subscribed")
                .attribute_data_type(AttributeDataType::Boolean)
                .mutable(true)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .user_pool
        .and_then(|p| p.id)
        .unwrap();
    let client_id = app.client_for(&pool_id).await;
    app.idp
        .sign_up()
        .client_id(&client_id)
        .username("wade")
        .password(PASSWORD)
        .user_attributes(attr("email", "wade@example.com"))
        .user_attributes(attr("custom:subscribed", "False"))
        .send()
        .await
        .unwrap();
    let attributes = attributes_of(&app, &pool_id, "wade").await;
    assert_eq!(value(&attributes, "custom:subscribed"), Some("false"));

    app.idp
        .admin_confirm_sign_up()
        .user_pool_id(&pool_id)
        .username("wade")
        .send()
        .await
        .unwrap();
    let tokens = sign_in(&app, &client_id, "wade", PASSWORD).await;
    app.idp
        .update_user_attributes()
        .access_token(tokens.access_token().unwrap())
        .user_attributes(attr("custom:subscribed", "TRUE"))
        .send()
        .await
        .unwrap();
    let attributes = attributes_of(&app, &pool_id, "wade").await;
    assert_eq!(value(&attributes, "custom:subscribed"), Some("true"));
    let (code, message) = failure(
        app.idp
            .update_user_attributes()
            .access_token(tokens.access_token().unwrap())
            .user_attributes(attr("custom:subscribed", "1"))
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(
        message,
        "Attributes did not conform to the schema: custom:subscribed: Boolean must be true or false"
    );
}
