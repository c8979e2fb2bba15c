//! Social providers with their endpoints pointed at the stand-in (`[federation.<provider>]`):
//! Google verified as OpenID Connect, Login with Amazon and Facebook identified by their
//! profile endpoints (Facebook's token request a GET, its Graph fields in the query). Sign in
//! with Apple, pointed at the stand-in the same way, is in `apple`.

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::types::IdentityProviderTypeType as Type;
use cognate_server::config::{Config, SocialEndpoints};
use cognate_testkit::oidc_provider::StandInIdp;
use cognate_testkit::{Backend, TestApp};
use serde_json::json;

use super::{Fed, client_with, federate};
use crate::auth::claims;
use crate::hosted::{Authorize, Browser, VERIFIER, callback_code, exchange};

/// Like `backend_tests!`, with the stand-in started first and the social providers' endpoints
/// pointed at it.
macro_rules! social_tests {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let idp = cognate_testkit::oidc_provider::StandInIdp::start().await;
                    let app = super::spawn(cognate_testkit::Backend::Sqlite, &idp).await.expect("sqlite app");
                    super::$name(app, idp).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let idp = cognate_testkit::oidc_provider::StandInIdp::start().await;
                    match super::spawn(cognate_testkit::Backend::Postgres, &idp).await {
                        Some(app) => super::$name(app, idp).await,
                        None => eprintln!("TEST_DATABASE_URL unset: Postgres run skipped"),
                    }
                }
            }
        )+
    };
}
pub(super) use social_tests;

social_tests!(
    google_is_verified_as_openid_connect,
    login_with_amazon_is_identified_by_its_profile,
    facebook_uses_the_graph_api,
);

pub(super) async fn spawn(backend: Backend, idp: &StandInIdp) -> Option<TestApp> {
    let at = |path: &str| format!("{}{path}", idp.issuer);
    let endpoints = SocialEndpoints {
        authorize_url: at("/authorize"),
        token_url: at("/token"),
        attributes_url: at("/userinfo"),
        oidc_issuer: idp.issuer.clone(),
        jwks_uri: at("/jwks.json"),
    };
    let facebook = SocialEndpoints {
        attributes_url: at("/userinfo?fields="),
        ..endpoints.clone()
    };
    TestApp::spawn_with(backend, move |config: &mut Config| {
        config.federation.google = endpoints.clone();
        config.federation.sign_in_with_apple = endpoints.clone();
        config.federation.login_with_amazon = endpoints;
        config.federation.facebook = facebook;
    })
    .await
}

/// A pool with the social provider `kind` (the stand-in's client, email mapped) and a client
/// supporting it: the federation fixture, and the authorization request naming it.
async fn social(app: &TestApp, idp: StandInIdp, kind: Type, scopes: &str) -> (Fed, Authorize) {
    let (pool_id, _) = app.pool_with_client().await;
    let name = kind.as_str().to_string();
    let details = HashMap::from([
        ("client_id".to_string(), idp.client_id.clone()),
        ("client_secret".to_string(), idp.client_secret.clone()),
        ("authorize_scopes".to_string(), scopes.to_string()),
    ]);
    app.idp
        .create_identity_provider()
        .user_pool_id(&pool_id)
        .provider_name(&name)
        .provider_type(kind)
        .set_provider_details(Some(details))
        .attribute_mapping("email", "email")
        .send()
        .await
        .expect("CreateIdentityProvider");
    let client_id = client_with(app, &pool_id, &[&name]).await;
    let authorize = Authorize::code(&client_id).set("identity_provider", &name);
    let fed = Fed {
        idp,
        pool_id,
        client_id,
    };
    (fed, authorize)
}

/// Signs in and returns the app's ID token claims.
async fn id_claims(app: &TestApp, fed: &Fed, authorize: &Authorize) -> serde_json::Value {
    let page = federate(fed, &Browser::new(app), authorize).await;
    let code = callback_code(&page);
    let reply = exchange(app, &fed.client_id, &code, VERIFIER).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    claims(reply.json()["id_token"].as_str().unwrap())
}

async fn google_is_verified_as_openid_connect(app: TestApp, idp: StandInIdp) {
    idp.set_user("g-123", json!({"email": "ada@gmail.example"}));
    let (fed, authorize) = social(&app, idp, Type::Google, "openid email profile").await;
    let id = id_claims(&app, &fed, &authorize).await;
    assert_eq!(id["cognito:username"], "Google_g-123");
    assert_eq!(id["email"], "ada@gmail.example");
    assert_eq!(id["identities"][0]["providerType"], "Google");
    let sent = &fed.idp.calls("/authorize")[0].query;
    assert!(!sent["nonce"].is_empty(), "Google gets a nonce");
    assert!(
        fed.idp.calls("/userinfo").is_empty(),
        "claims come from the ID token"
    );
}

async fn login_with_amazon_is_identified_by_its_profile(app: TestApp, idp: StandInIdp) {
    idp.set_user(
        "unused",
        json!({"user_id": "amzn1.account.AAA", "email": "ada@amazon.example"}),
    );
    let (fed, authorize) = social(&app, idp, Type::LoginWithAmazon, "profile").await;
    let id = id_claims(&app, &fed, &authorize).await;
    assert_eq!(id["cognito:username"], "LoginWithAmazon_amzn1.account.AAA");
    assert_eq!(id["email"], "ada@amazon.example");
    assert_eq!(fed.idp.calls("/userinfo").len(), 1);
}

async fn facebook_uses_the_graph_api(app: TestApp, idp: StandInIdp) {
    idp.set_user(
        "unused",
        json!({"id": "fb-42", "email": "ada@facebook.example"}),
    );
    let (fed, authorize) = social(&app, idp, Type::Facebook, "public_profile, email").await;
    let id = id_claims(&app, &fed, &authorize).await;
    assert_eq!(id["cognito:username"], "Facebook_fb-42");
    assert_eq!(id["email"], "ada@facebook.example");
    let token = &fed.idp.calls("/token")[0];
    assert_eq!(token.method, "GET");
    assert_eq!(token.query["client_secret"], fed.idp.client_secret);
    let profile = &fed.idp.calls("/userinfo")[0];
    assert!(profile.query["fields"].split(',').any(|f| f == "id"));
    assert_eq!(
        fed.idp.calls("/authorize")[0].query["scope"],
        "public_profile email"
    );
}
