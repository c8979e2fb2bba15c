//! Profiles: reading and changing a user's attributes (self-service with an access token, and
//! admin), disabling, deleting, and changing passwords, on both backends.

mod account;
mod attributes;

use std::collections::BTreeMap;

use aws_sdk_cognitoidentityprovider::types::{
    AttributeDataType, AttributeType, AuthFlowType, SchemaAttributeType,
    UserAttributeUpdateSettingsType, VerifiedAttributeType,
};
use cognate_testkit::{PASSWORD, TestApp};

pub fn attribute(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .unwrap()
}

/// Signs in with USER_PASSWORD_AUTH: (access token, refresh token).
pub async fn sign_in(
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
        .expect("InitiateAuth")
        .authentication_result
        .expect("tokens");
    (
        result.access_token.expect("an access token"),
        result.refresh_token.expect("a refresh token"),
    )
}

pub async fn token(app: &TestApp, client_id: &str, username: &str) -> String {
    sign_in(app, client_id, username, PASSWORD).await.0
}

/// The user's attributes as AdminGetUser returns them.
pub async fn admin_attributes(
    app: &TestApp,
    pool_id: &str,
    username: &str,
) -> BTreeMap<String, String> {
    app.idp
        .admin_get_user()
        .user_pool_id(pool_id)
        .username(username)
        .send()
        .await
        .expect("AdminGetUser")
        .user_attributes()
        .iter()
        .map(|a| {
            (
                a.name().to_string(),
                a.value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

pub async fn own_attributes(app: &TestApp, access_token: &str) -> BTreeMap<String, String> {
    app.idp
        .get_user()
        .access_token(access_token)
        .send()
        .await
        .expect("GetUser")
        .user_attributes()
        .iter()
        .map(|a| {
            (
                a.name().to_string(),
                a.value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// A pool that auto-verifies email, with a custom immutable `tenant`, a mutable `team` and
/// the given extra settings; and a fixture client. (pool_id, client_id)
pub async fn verifying_pool(app: &TestApp, keep_original: bool) -> (String, String) {
    let custom = |name: &str, mutable: bool| {
        SchemaAttributeType::builder()
            .name(name)
            .attribute_data_type(AttributeDataType::String)
            .mutable(mutable)
            .build()
    };
    let mut create = app
        .idp
        .create_user_pool()
        .pool_name("profiles")
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .schema(custom("tenant", false))
        .schema(custom("team", true));
    if keep_original {
        create = create.user_attribute_update_settings(
            UserAttributeUpdateSettingsType::builder()
                .attributes_require_verification_before_update(VerifiedAttributeType::Email)
                .build(),
        );
    }
    let pool_id = create.send().await.unwrap().user_pool.unwrap().id.unwrap();
    let client_id = app.client_for(&pool_id).await;
    (pool_id, client_id)
}

pub async fn verification_messages(app: &TestApp, pool_id: &str, username: &str) -> usize {
    app.messages(pool_id, username, Some("VERIFY_ATTRIBUTE"))
        .await
        .len()
}
