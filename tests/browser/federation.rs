//! Cognate federating to Cognate in chromium: pool B's OpenID Connect provider is pool A of the
//! same server (found by discovery from A's issuer). The person opens B's login page, presses
//! "Sign in with PoolA", signs in on A's login page, and comes back to B's app with a code; B
//! made them its federated user `PoolA_<A's sub>`.

use aws_sdk_cognitoidentityprovider::types::{
    IdentityProviderTypeType, OAuthFlowType, UserStatusType,
};
use base64::Engine as _;
use cognate_server::config::Config;
use cognate_testkit::{PASSWORD, TestApp};
use fantoccini::Locator;
use serde_json::Value;

use crate::{Journey, Setup, run};

/// Pool A's name as pool B's identity provider.
pub const PROVIDER: &str = "PoolA";
/// Pool A's user.
const PROVIDER_USER: &str = "ada";

/// Callback URLs over plain http must be on localhost (AWS's rule), and A's client registers
/// B's `/oauth2/idpresponse`: the server's public URL is http://localhost:<port>.
pub fn on_localhost(config: &mut Config) {
    config.server.host = "localhost".into();
}

/// The server's public URL: its endpoint with the host the browser and the provider use.
pub fn public_url(app: &TestApp) -> String {
    app.endpoint
        .replace("127.0.0.1", "localhost")
        .replace("[::1]", "localhost")
}

/// Makes pool A (a user, and a confidential client whose callback is B's idpresponse) and
/// adds it to `pool_b` as OIDC provider `PROVIDER`: A's pool id.
pub async fn provider_for(app: &TestApp, pool_b: &str) -> String {
    let public_url = &app.endpoint;
    let (pool_a, _) = app.pool_with_client().await;
    app.confirmed_user(&pool_a, PROVIDER_USER, PASSWORD).await;
    let a_client = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_a)
        .client_name("pool-b")
        .generate_secret(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_scopes("email")
        .callback_urls(format!("{public_url}/oauth2/idpresponse"))
        .supported_identity_providers("COGNITO")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    app.idp
        .create_identity_provider()
        .user_pool_id(pool_b)
        .provider_name(PROVIDER)
        .provider_type(IdentityProviderTypeType::Oidc)
        .provider_details("client_id", a_client.client_id().unwrap())
        .provider_details("client_secret", a_client.client_secret().unwrap())
        .provider_details("authorize_scopes", "openid email")
        .provider_details("attributes_request_method", "GET")
        .provider_details("oidc_issuer", format!("{public_url}/{pool_a}"))
        .attribute_mapping("email", "email")
        .send()
        .await
        .expect("pool A is discovered");
    pool_a
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cognate_to_cognate_in_chromium() {
    let options = Setup {
        name: "federation",
        federated: true,
        ..Setup::default()
    };
    run(options, federation_journey).await;
}

async fn federation_journey(j: &Journey) -> Result<(), String> {
    let pool_a = j.provider_pool.clone().unwrap();
    // B's login page offers A beside its own form.
    j.client.goto(&j.authorize_url()).await.unwrap();
    j.shot("sign-in-with-provider").await;
    let button = j
        .client
        .find(Locator::Css("a.idpButton-customizable"))
        .await
        .unwrap();
    let label = button.text().await.unwrap();
    if label != format!("Sign in with {PROVIDER}") {
        return Err(format!("the provider's button says {label:?}"));
    }
    // To A's login page.
    j.press("a.idpButton-customizable").await;
    j.shot("provider-sign-in").await;
    let at = j.client.current_url().await.unwrap();
    if !at
        .as_str()
        .contains(&pool_a_client_marker(j, &pool_a).await)
    {
        return Err(format!("not at pool A's login page: {at}"));
    }
    j.sign_in(PROVIDER_USER, PASSWORD).await;
    // Through B's /oauth2/idpresponse to B's app with a code.
    j.shot("callback").await;
    let tokens = j.exchange_callback().await;
    let id = claims(tokens["id_token"].as_str().unwrap());
    let sub = attribute(j, &pool_a, PROVIDER_USER, "sub").await;
    let username = format!("{PROVIDER}_{sub}");
    assert_eq!(id["cognito:username"], username.as_str());
    assert_eq!(id["email"], "ada@example.com");
    assert_eq!(
        id["iss"],
        format!("{}/{}", j.app.endpoint, j.pool_id).as_str()
    );
    let identities = id["identities"].as_array().cloned().unwrap_or_default();
    let identity = identities.first().cloned().unwrap_or_default();
    assert_eq!(identity["providerName"], PROVIDER, "{}", id["identities"]);
    assert_eq!(identity["providerType"], "OIDC");
    assert_eq!(identity["userId"], sub.as_str());
    let user = j
        .app
        .idp
        .admin_get_user()
        .user_pool_id(&j.pool_id)
        .username(&username)
        .send()
        .await
        .unwrap();
    assert_eq!(user.user_status(), Some(&UserStatusType::ExternalProvider));
    Ok(())
}

/// What pool A's login page URL carries: the client id of A's client for B.
async fn pool_a_client_marker(j: &Journey, pool_a: &str) -> String {
    let clients = j
        .app
        .idp
        .list_user_pool_clients()
        .user_pool_id(pool_a)
        .send()
        .await
        .unwrap();
    let client = clients
        .user_pool_clients()
        .iter()
        .find(|c| c.client_name() == Some("pool-b"))
        .and_then(|c| c.client_id())
        .unwrap();
    format!("client_id={client}")
}

/// A user attribute's value.
async fn attribute(j: &Journey, pool_id: &str, username: &str, name: &str) -> String {
    j.app
        .idp
        .admin_get_user()
        .user_pool_id(pool_id)
        .username(username)
        .send()
        .await
        .unwrap()
        .user_attributes()
        .iter()
        .find(|a| a.name() == name)
        .and_then(|a| a.value().map(str::to_string))
        .unwrap()
}

/// A JWT's claims (the signature is the server's business; the token came from its endpoint).
fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}
