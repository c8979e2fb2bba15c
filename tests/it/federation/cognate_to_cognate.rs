//! Cognate federating to Cognate: pool B's OIDC provider is pool A of the same server (its
//! discovery document, hosted sign-in, token endpoint and JWKS). A user of A signs in to B's
//! app through A's login page and becomes B's federated user.

use aws_sdk_cognitoidentityprovider::types::{IdentityProviderTypeType, OAuthFlowType};
use cognate_server::config::Config;
use cognate_testkit::{PASSWORD, TestApp, backend_tests};

use super::client_with;
use crate::auth::claims;
use crate::hosted::{Authorize, Browser, VERIFIER, callback_code, exchange};
use crate::identity_credentials::{get_id_with, set_roles};
use crate::identity_pools::{identity_pool, provider, provider_name};

// Callback URLs over plain http must be on localhost (AWS's rule), and A's client registers
// B's /oauth2/idpresponse: the server's public URL is http://localhost:<port>.
backend_tests!(config = on_localhost; pool_b_signs_in_through_pool_a);

fn on_localhost(config: &mut Config) {
    config.server.host = "localhost".into();
}

async fn pool_b_signs_in_through_pool_a(app: TestApp) {
    let public_url = app
        .endpoint
        .replace("127.0.0.1", "localhost")
        .replace("[::1]", "localhost");
    // Pool A: the provider, with alice and a confidential client for B.
    let (pool_a, _) = app.pool_with_client().await;
    app.confirmed_user(&pool_a, "alice", PASSWORD).await;
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
    // Pool B: A as its OIDC provider, found by discovery.
    let (pool_b, _) = app.pool_with_client().await;
    app.idp
        .create_identity_provider()
        .user_pool_id(&pool_b)
        .provider_name("PoolA")
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
    let b_client = client_with(&app, &pool_b, &["PoolA"]).await;

    let browser = Browser::new(&app);
    let authorize = Authorize::code(&b_client).set("identity_provider", "PoolA");
    let to_a = browser.get(&authorize.path()).await;
    let a_authorize = to_a.location.expect("sent to pool A");
    assert!(a_authorize.starts_with(&format!("{public_url}/oauth2/authorize?")));
    let to_login = browser.get(&a_authorize).await;
    let login = to_login.location.expect("A's login page");
    let page = browser.get(&login).await;
    let back = browser
        .submit_password(&login, &page, "alice", PASSWORD)
        .await;
    let idp_response = back.location.expect("back to B's idpresponse");
    assert!(idp_response.starts_with(&format!("{public_url}/oauth2/idpresponse?")));
    let done = browser.get(&idp_response).await;
    let code = callback_code(&done);
    let reply = exchange(&app, &b_client, &code, VERIFIER).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let id_token = reply.json()["id_token"].as_str().unwrap().to_string();
    let id = claims(&id_token);
    let alice_sub = app
        .idp
        .admin_get_user()
        .user_pool_id(&pool_a)
        .username("alice")
        .send()
        .await
        .unwrap()
        .user_attributes()
        .iter()
        .find(|a| a.name() == "sub")
        .and_then(|a| a.value().map(str::to_string))
        .unwrap();
    assert_eq!(id["cognito:username"], format!("PoolA_{alice_sub}"));
    assert_eq!(id["email"], "alice@example.com");
    assert_eq!(id["iss"], format!("{public_url}/{pool_b}"));

    // An identity pool that trusts pool B takes the federated user's ID token.
    let pool = identity_pool(&app, false, vec![provider(&pool_b, &b_client)]).await;
    set_roles(&app, &pool).await;
    let identity_id = get_id_with(&app, &pool, &provider_name(&pool_b), &id_token).await;
    let credentials = app
        .identity
        .get_credentials_for_identity()
        .identity_id(&identity_id)
        .logins(provider_name(&pool_b), &id_token)
        .send()
        .await
        .expect("credentials for the federated user");
    assert_eq!(credentials.identity_id(), Some(identity_id.as_str()));
    assert!(
        credentials
            .credentials()
            .and_then(|c| c.access_key_id())
            .is_some()
    );
}
