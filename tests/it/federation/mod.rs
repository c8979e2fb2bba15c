//! Federation: identity providers of a pool (CreateIdentityProvider and its siblings), sign-in
//! through a stand-in OIDC provider (`cognate_testkit::oidc_provider`) with the hosted UI, every
//! refusal of the relying party, provider links, and SAML through a stand-in SAML IdP
//! (`saml`). Both backends.

mod apple;
mod cognate_to_cognate;
mod links;
mod providers;
#[cfg(feature = "saml")]
mod saml;
mod sign_in;
mod social;

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::types::{IdentityProviderTypeType, OAuthFlowType};
use cognate_testkit::TestApp;
use cognate_testkit::oidc_provider::StandInIdp;
use serde_json::json;

use crate::hosted::{Authorize, Browser, CALLBACK, Page, VERIFIER, exchange};

/// The provider every test configures.
pub const PROVIDER: &str = "Corp";
pub const IDENTIFIER: &str = "corp.example.com";
pub const SUB: &str = "corp-user-1";

/// A pool with the stand-in as provider `Corp` (email and given_name mapped) and a code-flow
/// client supporting it and COGNITO.
pub struct Fed {
    pub idp: StandInIdp,
    pub pool_id: String,
    pub client_id: String,
}

impl Fed {
    pub async fn new(app: &TestApp) -> Self {
        let idp = StandInIdp::start().await;
        let (pool_id, _) = app.pool_with_client().await;
        create_provider(
            app,
            &pool_id,
            PROVIDER,
            idp.provider_details("openid email profile"),
        )
        .await;
        let client_id = client_with(app, &pool_id, &["COGNITO", PROVIDER]).await;
        idp.set_user(
            SUB,
            json!({"email": "ada@corp.example.com", "email_verified": true, "given_name": "Ada"}),
        );
        Self {
            idp,
            pool_id,
            client_id,
        }
    }

    pub fn authorize(&self) -> Authorize {
        Authorize::code(&self.client_id).set("identity_provider", PROVIDER)
    }

    pub fn username(&self) -> String {
        format!("{PROVIDER}_{SUB}")
    }
}

pub async fn create_provider(
    app: &TestApp,
    pool_id: &str,
    name: &str,
    details: HashMap<String, String>,
) {
    app.idp
        .create_identity_provider()
        .user_pool_id(pool_id)
        .provider_name(name)
        .provider_type(IdentityProviderTypeType::Oidc)
        .set_provider_details(Some(details))
        .attribute_mapping("email", "email")
        .attribute_mapping("given_name", "given_name")
        .idp_identifiers(IDENTIFIER)
        .send()
        .await
        .expect("CreateIdentityProvider");
}

/// A code-flow client of the pool supporting `providers`.
pub async fn client_with(app: &TestApp, pool_id: &str, providers: &[&str]) -> String {
    app.idp
        .create_user_pool_client()
        .user_pool_id(pool_id)
        .client_name("web")
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_scopes("email")
        .allowed_o_auth_scopes("profile")
        .callback_urls(CALLBACK)
        .set_supported_identity_providers(Some(providers.iter().map(|p| p.to_string()).collect()))
        .send()
        .await
        .expect("CreateUserPoolClient")
        .user_pool_client
        .and_then(|c| c.client_id)
        .expect("a client id")
}

/// Where a federated sign-in ended: the browser walked from `/oauth2/authorize` through the
/// provider and back, to the first answer that is not a redirect to the provider or to
/// `/oauth2/idpresponse` (the callback redirect, or a page).
pub async fn federate(fed: &Fed, browser: &Browser, authorize: &Authorize) -> Page {
    let mut page = browser.get(&authorize.path()).await;
    for _ in 0..4 {
        let Some(location) = page.location.clone() else {
            return page;
        };
        let onward =
            location.starts_with(&fed.idp.issuer) || location.contains("/oauth2/idpresponse");
        if !onward {
            return page;
        }
        page = browser.get(&location).await;
    }
    page
}

/// A federated sign-in that must succeed: the app's tokens (JSON of the token endpoint).
pub async fn federated_tokens(app: &TestApp, fed: &Fed) -> serde_json::Value {
    let browser = Browser::new(app);
    let page = federate(fed, &browser, &fed.authorize()).await;
    let code = crate::hosted::callback_code(&page);
    let reply = exchange(app, &fed.client_id, &code, VERIFIER).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json()
}

/// The callback's error (`error`, `error_description`) of a refused sign-in, after checking
/// no code came with it.
pub fn callback_error(page: &Page) -> (String, String) {
    let location = page.location.as_deref().unwrap_or_default();
    assert!(
        location.starts_with(CALLBACK),
        "not the callback: {} {}",
        page.status,
        page.body
    );
    assert_eq!(
        page.param("code"),
        None,
        "a code came with the error: {location}"
    );
    (
        page.param("error").unwrap_or_default(),
        page.param("error_description").unwrap_or_default(),
    )
}

/// The user's `identities` attribute, parsed.
pub async fn identities(app: &TestApp, pool_id: &str, username: &str) -> Vec<serde_json::Value> {
    let user = app
        .idp
        .admin_get_user()
        .user_pool_id(pool_id)
        .username(username)
        .send()
        .await
        .expect("AdminGetUser");
    let text = user
        .user_attributes()
        .iter()
        .find(|a| a.name() == "identities")
        .and_then(|a| a.value())
        .unwrap_or("[]")
        .to_string();
    serde_json::from_str(&text).expect("identities is a JSON array")
}

/// The provider's user was never made.
pub async fn assert_no_federated_user(app: &TestApp, fed: &Fed) {
    let found = app
        .idp
        .admin_get_user()
        .user_pool_id(&fed.pool_id)
        .username(fed.username())
        .send()
        .await;
    assert_eq!(
        cognate_testkit::failure(found).0,
        "UserNotFoundException",
        "no user was made"
    );
}
