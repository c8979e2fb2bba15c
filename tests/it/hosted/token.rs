//! The token endpoint's side of the code flow (PKCE, single use, expiry, binding to the client
//! and redirect URI) and the client-credentials grant.

use aws_sdk_cognitoidentityprovider::types::{OAuthFlowType, ResourceServerScopeType};
use cognate_testkit::{PASSWORD, TestApp, backend_tests};

use super::{Authorize, Browser, CALLBACK, VERIFIER, exchange, hosted_pool, oauth_client};
use crate::auth::claims;
use crate::oauth::post_form;

backend_tests!(
    code_exchange_gives_the_granted_tokens,
    code_exchange_refusals,
    expired_codes_are_refused,
    client_credentials_for_secret_clients_only,
);

async fn code_exchange_gives_the_granted_tokens(app: TestApp) {
    let (pool_id, client_id) = hosted_pool(&app).await;
    let code = Browser::new(&app)
        .sign_in(&Authorize::code(&client_id), "alice", PASSWORD)
        .await;
    let reply = exchange(&app, &client_id, &code, VERIFIER).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let body = reply.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    let id = claims(body["id_token"].as_str().unwrap());
    assert_eq!(id["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(id["cognito:username"], "alice");
    assert_eq!(id["aud"], client_id.as_str());
    assert!(id["iss"].as_str().unwrap().ends_with(&pool_id));
    let access = claims(body["access_token"].as_str().unwrap());
    assert_eq!(access["scope"], "openid email");
    assert_eq!(access["username"], "alice");
}

async fn code_exchange_refusals(app: TestApp) {
    let (pool_id, client_id) = hosted_pool(&app).await;
    let browser = Browser::new(&app);
    let authorize = Authorize::code(&client_id);
    // A wrong verifier spends the code: the right one then fails too.
    let code = browser.sign_in(&authorize, "alice", PASSWORD).await;
    let wrong = exchange(&app, &client_id, &code, &VERIFIER.replace('a', "b")).await;
    assert_eq!(wrong.error(), (400, "invalid_grant".to_string()));
    let spent = exchange(&app, &client_id, &code, VERIFIER).await;
    assert_eq!(spent.error(), (400, "invalid_grant".to_string()));
    // A code is single use.
    let code = browser.sign_in(&authorize, "alice", PASSWORD).await;
    assert_eq!(
        exchange(&app, &client_id, &code, VERIFIER).await.status,
        200
    );
    let reused = exchange(&app, &client_id, &code, VERIFIER).await;
    assert_eq!(reused.error(), (400, "invalid_grant".to_string()));
    // Bound to the redirect URI it was issued for.
    let code = browser.sign_in(&authorize, "alice", PASSWORD).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", client_id.as_str()),
        ("code", code.as_str()),
        ("redirect_uri", "https://app.example/other"),
        ("code_verifier", VERIFIER),
    ];
    let other_uri = post_form(&app, "token", &form, None).await;
    assert_eq!(other_uri.error(), (400, "invalid_grant".to_string()));
    // Bound to its client.
    let code = browser.sign_in(&authorize, "alice", PASSWORD).await;
    let other_client = oauth_client(&app, &pool_id).await;
    let stolen = exchange(&app, &other_client, &code, VERIFIER).await;
    assert_eq!(stolen.error(), (400, "invalid_grant".to_string()));
    // A PKCE code needs its verifier.
    let code = browser.sign_in(&authorize, "alice", PASSWORD).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", client_id.as_str()),
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
    ];
    let bare = post_form(&app, "token", &form, None).await;
    assert_eq!(bare.error(), (400, "invalid_grant".to_string()));
    // An unknown client.
    let unknown = exchange(&app, "nosuchclient1234567890abcd", "x", VERIFIER).await;
    assert_eq!(unknown.error().1, "invalid_client");
}

async fn expired_codes_are_refused(app: TestApp) {
    let (_, client_id) = hosted_pool(&app).await;
    let code = Browser::new(&app)
        .sign_in(&Authorize::code(&client_id), "alice", PASSWORD)
        .await;
    // AWS's codes live five minutes.
    app.clock.advance_secs(301);
    let late = exchange(&app, &client_id, &code, VERIFIER).await;
    assert_eq!(late.error(), (400, "invalid_grant".to_string()));
}

async fn client_credentials_for_secret_clients_only(app: TestApp) {
    let (pool_id, public_client) = hosted_pool(&app).await;
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", public_client.as_str()),
    ];
    let public = post_form(&app, "token", &form, None).await;
    assert_eq!(public.error(), (400, "unauthorized_client".to_string()));
    let scope = |name: &str| {
        ResourceServerScopeType::builder()
            .scope_name(name)
            .scope_description(name)
            .build()
            .unwrap()
    };
    app.idp
        .create_resource_server()
        .user_pool_id(&pool_id)
        .identifier("orders")
        .name("orders")
        .scopes(scope("read"))
        .scopes(scope("write"))
        .send()
        .await
        .unwrap();
    let client = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("service")
        .generate_secret(true)
        .allowed_o_auth_flows(OAuthFlowType::ClientCredentials)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_scopes("orders/read")
        .allowed_o_auth_scopes("orders/write")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let (id, secret) = (client.client_id().unwrap(), client.client_secret().unwrap());
    let grant = |scope: Option<&'static str>| {
        let mut form = vec![("grant_type", "client_credentials")];
        if let Some(scope) = scope {
            form.push(("scope", scope));
        }
        form
    };
    let all = post_form(&app, "token", &grant(None), Some((id, secret))).await;
    assert_eq!(all.status, 200, "{}", all.text);
    let body = all.json();
    assert!(body.get("refresh_token").is_none() && body.get("id_token").is_none());
    let access = claims(body["access_token"].as_str().unwrap());
    assert_eq!(access["scope"], "orders/read orders/write");
    assert_eq!(access["sub"], id);
    assert!(access.get("username").is_none());
    let one = post_form(
        &app,
        "token",
        &grant(Some("orders/read")),
        Some((id, secret)),
    )
    .await;
    assert_eq!(
        claims(one.json()["access_token"].as_str().unwrap())["scope"],
        "orders/read"
    );
    let bad = post_form(
        &app,
        "token",
        &grant(Some("orders/delete")),
        Some((id, secret)),
    )
    .await;
    assert_eq!(bad.error(), (400, "invalid_scope".to_string()));
    let wrong = post_form(&app, "token", &grant(None), Some((id, "not-the-secret"))).await;
    assert_eq!(wrong.error().1, "invalid_client");
}
