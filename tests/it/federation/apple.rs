//! Sign in with Apple against the stand-in playing Apple (`[federation.sign_in_with_apple]`
//! pointed at it): Cognate signs its client secret with the provider's P-256 key (ES256, the
//! stand-in checks the signature with the key's public half), asks for `response_mode=
//! form_post`, takes the answer as a POST to `/oauth2/idpresponse`, verifies Apple's RS256 ID
//! token, and reads the user's name from the `user` field Apple sends on the first sign-in.

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::types::{IdentityProviderTypeType as Type, UserStatusType};
use cognate_testkit::TestApp;
use cognate_testkit::oidc_provider::StandInIdp;
use serde_json::json;

use super::social::{social_tests, spawn};
use super::{Fed, callback_error, client_with};
use crate::auth::claims;
use crate::hosted::{Authorize, Browser, Page, VERIFIER, callback_code, exchange};

social_tests!(
    apple_signs_in_with_a_signed_client_secret,
    a_key_apple_does_not_know_is_refused,
    a_private_key_that_is_not_p256_is_refused,
);

const PROVIDER: &str = "SignInWithApple";
const SUB: &str = "001234.apple-subject.0042";

/// A pool with `details` as its Sign in with Apple provider (email and the name mapped), and a
/// client supporting it: the fixture and the authorization request naming the provider.
async fn apple(
    app: &TestApp,
    idp: StandInIdp,
    details: HashMap<String, String>,
) -> (Fed, Authorize) {
    let (pool_id, _) = app.pool_with_client().await;
    app.idp
        .create_identity_provider()
        .user_pool_id(&pool_id)
        .provider_name(PROVIDER)
        .provider_type(Type::SignInWithApple)
        .set_provider_details(Some(details))
        .attribute_mapping("email", "email")
        .attribute_mapping("given_name", "firstName")
        .attribute_mapping("family_name", "lastName")
        .attribute_mapping("name", "name")
        .send()
        .await
        .expect("CreateIdentityProvider");
    let client_id = client_with(app, &pool_id, &[PROVIDER]).await;
    let authorize = Authorize::code(&client_id).set("identity_provider", PROVIDER);
    let fed = Fed {
        idp,
        pool_id,
        client_id,
    };
    (fed, authorize)
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The browser's way through Apple: authorize, Apple's page, its form posted back to
/// `/oauth2/idpresponse` (which answers with the app's callback).
async fn through_apple(fed: &Fed, browser: &Browser, authorize: &Authorize) -> Page {
    let to_apple = browser.get(&authorize.path()).await;
    let at_apple = to_apple.location.expect("sent to Apple");
    assert!(at_apple.starts_with(&fed.idp.issuer), "{at_apple}");
    let page = browser.get(&at_apple).await;
    assert_eq!(page.status, 200, "Apple answers with a form: {}", page.body);
    let action = unescape(&page.body[page.body.find("action=\"").expect("a form") + 8..])
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(action.ends_with("/oauth2/idpresponse"), "{action}");
    let fields: Vec<(String, String)> = ["code", "state", "user"]
        .into_iter()
        .filter_map(|name| Some((name.to_string(), unescape(&page.field(name)?))))
        .collect();
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    browser.post(&action, &form).await
}

async fn apple_signs_in_with_a_signed_client_secret(app: TestApp, idp: StandInIdp) {
    let details = idp.sign_in_with_apple("email name");
    idp.set_user(
        SUB,
        json!({"email": "ada@privaterelay.appleid.com", "email_verified": "true"}),
    );
    idp.set_apple_user(json!({
        "name": {"firstName": "Ada", "lastName": "Lovelace"},
        "email": "ada@privaterelay.appleid.com"
    }));
    let (fed, authorize) = apple(&app, idp, details).await;
    let browser = Browser::new(&app);
    let back = through_apple(&fed, &browser, &authorize).await;
    let reply = exchange(&app, &fed.client_id, &callback_code(&back), VERIFIER).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let id = claims(reply.json()["id_token"].as_str().unwrap());
    let username = format!("{PROVIDER}_{SUB}");
    assert_eq!(id["cognito:username"], username.as_str());
    assert_eq!(id["email"], "ada@privaterelay.appleid.com");
    assert_eq!(id["given_name"], "Ada");
    assert_eq!(id["family_name"], "Lovelace");
    assert_eq!(id["name"], "Ada Lovelace");
    assert_eq!(id["identities"][0]["providerType"], "SignInWithApple");
    assert_eq!(id["identities"][0]["userId"], SUB);

    // What Apple saw: a form_post request with a nonce, and a token request authenticated by
    // the ES256 client secret (the stand-in verified it with the key's public half).
    let asked = &fed.idp.calls("/authorize")[0].query;
    assert_eq!(asked["response_mode"], "form_post");
    assert_eq!(asked["scope"], "email name");
    assert!(!asked["nonce"].is_empty());
    let token = &fed.idp.calls("/token")[0];
    assert_eq!(token.client_auth.as_deref(), Some("es256_client_secret"));
    let secret = claims(&token.form["client_secret"]);
    assert_eq!(secret["iss"], "STANDINTEAM");
    assert_eq!(secret["sub"], fed.idp.client_id.as_str());
    assert_eq!(secret["aud"], fed.idp.issuer.as_str());

    // A later sign-in: Apple sends no name; the user keeps the one it gave.
    let again = through_apple(&fed, &Browser::new(&app), &authorize).await;
    callback_code(&again);
    let user = app
        .idp
        .admin_get_user()
        .user_pool_id(&fed.pool_id)
        .username(&username)
        .send()
        .await
        .unwrap();
    assert_eq!(user.user_status(), Some(&UserStatusType::ExternalProvider));
    let given = user
        .user_attributes()
        .iter()
        .find(|a| a.name() == "given_name")
        .and_then(|a| a.value());
    assert_eq!(given, Some("Ada"));
}

/// The provider's key is not the one Apple holds for the key id: Apple refuses the secret.
async fn a_key_apple_does_not_know_is_refused(app: TestApp, idp: StandInIdp) {
    let details = idp.sign_in_with_apple("email");
    // Apple now holds another key under the same key id.
    idp.sign_in_with_apple("email");
    idp.set_user(SUB, json!({"email": "ada@example.com"}));
    let (fed, authorize) = apple(&app, idp, details).await;
    let back = through_apple(&fed, &Browser::new(&app), &authorize).await;
    let (error, description) = callback_error(&back);
    assert_eq!(error, "invalid_request");
    assert_eq!(
        description,
        "Error exchanging the authorization code with the identity provider"
    );
    assert_eq!(fed.idp.calls("/token")[0].client_auth, None);
}

/// A `private_key` Cognate cannot sign with: the sign-in ends at the app's callback with the
/// reason, and Apple's token endpoint is never called.
async fn a_private_key_that_is_not_p256_is_refused(app: TestApp, idp: StandInIdp) {
    let mut details = idp.sign_in_with_apple("email");
    details.insert(
        "private_key".into(),
        "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----".into(),
    );
    idp.set_user(SUB, json!({"email": "ada@example.com"}));
    let (fed, authorize) = apple(&app, idp, details).await;
    let back = through_apple(&fed, &Browser::new(&app), &authorize).await;
    let (_, description) = callback_error(&back);
    assert_eq!(
        description,
        "The identity provider's private_key is not a PKCS#8 P-256 key"
    );
    assert!(fed.idp.calls("/token").is_empty());
}
