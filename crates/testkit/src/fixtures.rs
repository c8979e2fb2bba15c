//! Fixtures: a pool with a password-capable client, and confirmed users.

use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, ExplicitAuthFlowsType, MessageActionType,
};

use crate::TestApp;

/// The flows `pool_with_client` enables on its client.
pub const FIXTURE_FLOWS: [ExplicitAuthFlowsType; 4] = [
    ExplicitAuthFlowsType::AllowUserPasswordAuth,
    ExplicitAuthFlowsType::AllowAdminUserPasswordAuth,
    ExplicitAuthFlowsType::AllowRefreshTokenAuth,
    ExplicitAuthFlowsType::AllowUserSrpAuth,
];

impl TestApp {
    /// A pool with AWS's defaults and a client without a secret that allows
    /// USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH and USER_SRP_AUTH.
    /// Returns (pool_id, client_id).
    pub async fn pool_with_client(&self) -> (String, String) {
        let pool_id = self
            .idp
            .create_user_pool()
            .pool_name("fixture")
            .send()
            .await
            .expect("CreateUserPool")
            .user_pool
            .and_then(|p| p.id)
            .expect("a pool id");
        let client_id = self.client_for(&pool_id).await;
        (pool_id, client_id)
    }

    /// A client of `pool_id` with the fixture flows (see `pool_with_client`).
    pub async fn client_for(&self, pool_id: &str) -> String {
        self.idp
            .create_user_pool_client()
            .user_pool_id(pool_id)
            .client_name("fixture")
            .set_explicit_auth_flows(Some(FIXTURE_FLOWS.to_vec()))
            .send()
            .await
            .expect("CreateUserPoolClient")
            .user_pool_client
            .and_then(|c| c.client_id)
            .expect("a client id")
    }

    /// A CONFIRMED user with `password` (AdminCreateUser with SUPPRESS, then
    /// AdminSetUserPassword Permanent), with a verified `<username>@example.com` email unless
    /// the username already is an email.
    pub async fn confirmed_user(&self, pool_id: &str, username: &str, password: &str) {
        let email = if username.contains('@') {
            username.to_string()
        } else {
            format!("{username}@example.com")
        };
        self.confirmed_user_with(
            pool_id,
            username,
            password,
            &[("email", email.as_str()), ("email_verified", "true")],
        )
        .await;
    }

    /// Like `confirmed_user`, with exactly the attributes given.
    pub async fn confirmed_user_with(
        &self,
        pool_id: &str,
        username: &str,
        password: &str,
        attributes: &[(&str, &str)],
    ) {
        let attributes = attributes
            .iter()
            .map(|(name, value)| {
                AttributeType::builder()
                    .name(*name)
                    .value(*value)
                    .build()
                    .expect("an attribute")
            })
            .collect();
        self.idp
            .admin_create_user()
            .user_pool_id(pool_id)
            .username(username)
            .set_user_attributes(Some(attributes))
            .message_action(MessageActionType::Suppress)
            .send()
            .await
            .expect("AdminCreateUser");
        self.idp
            .admin_set_user_password()
            .user_pool_id(pool_id)
            .username(username)
            .password(password)
            .permanent(true)
            .send()
            .await
            .expect("AdminSetUserPassword");
    }
}
