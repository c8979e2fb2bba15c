//! The OAuth 2.0 endpoints: /oauth2/userInfo, /oauth2/token, /oauth2/revoke, and the hosted-UI
//! pages (/oauth2/authorize, /logout) that Cognate answers with a clear error.

// Test code: a panic is how a failed expectation reports.

use aws_sdk_cognitoidentityprovider::types::{FeatureType, RefreshTokenRotationType};
use base64::Engine as _;
use cognate_testkit::{FIXTURE_FLOWS, PASSWORD, TestApp, backend_tests};
use serde_json::Value;

use crate::auth::{claims, fixture, secret_hash, sign_in};

backend_tests!(
    user_info_refuses_api_tokens_as_aws_does,
    user_info_refuses_bad_tokens,
    token_refresh_grant_without_a_secret,
    token_refresh_grant_with_a_secret,
    token_endpoint_refusals,
    token_refresh_grant_rotates_when_the_client_does,
    revoke_ends_the_refresh_token,
    revoke_needs_revocation_enabled,
    hosted_pages_refuse_requests_without_a_client,
);

pub(crate) struct Reply {
    pub status: u16,
    www_authenticate: Option<String>,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    pub fn error(&self) -> (u16, String) {
        let error = self.json()["error"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        (self.status, error)
    }
}

async fn reply(response: reqwest::Response) -> Reply {
    Reply {
        status: response.status().as_u16(),
        www_authenticate: response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        text: response.text().await.unwrap(),
    }
}

async fn user_info(app: &TestApp, access_token: &str) -> Reply {
    let response = app
        .http
        .get(format!("{}/oauth2/userInfo", app.endpoint))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap();
    reply(response).await
}

/// POSTs `form` to `/oauth2/<path>`, with HTTP Basic `(client_id, secret)` when given.
pub(crate) async fn post_form(
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
    basic: Option<(&str, &str)>,
) -> Reply {
    let mut request = app
        .http
        .post(format!("{}/oauth2/{path}", app.endpoint))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(form));
    if let Some((id, secret)) = basic {
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
        request = request.header("authorization", format!("Basic {encoded}"));
    }
    reply(request.send().await.unwrap()).await
}

/// `application/x-www-form-urlencoded`, every byte but alphanumerics percent-encoded.
fn form_body(form: &[(&str, &str)]) -> String {
    let encode = |text: &str| {
        text.bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => char::from(b).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    form.iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

async fn refresh_grant(app: &TestApp, client_id: &str, refresh_token: &str) -> Reply {
    let form = [
        ("grant_type", "refresh_token"),
        ("client_id", client_id),
        ("refresh_token", refresh_token),
    ];
    post_form(app, "token", &form, None).await
}

/// A client of `pool_id` with a secret; (client_id, secret).
async fn secret_client(app: &TestApp, pool_id: &str) -> (String, String) {
    let client = app
        .idp
        .create_user_pool_client()
        .user_pool_id(pool_id)
        .client_name("server")
        .generate_secret(true)
        .set_explicit_auth_flows(Some(FIXTURE_FLOWS.to_vec()))
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    (
        client.client_id().unwrap().to_string(),
        client.client_secret().unwrap().to_string(),
    )
}

/// alice's refresh token from a sign-in through the secret client.
async fn secret_sign_in(app: &TestApp, client_id: &str, secret: &str) -> String {
    app.idp
        .initiate_auth()
        .client_id(client_id)
        .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("PASSWORD", PASSWORD)
        .auth_parameters("SECRET_HASH", secret_hash("alice", client_id, secret))
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap()
        .refresh_token()
        .unwrap()
        .to_string()
}

/// userInfo's answer to a token that verified (signature, expiry, revocation) but has no
/// `openid` scope: the answer every live token of the user-pool API gets.
fn assert_live(got: &Reply) {
    assert_eq!(got.error(), (401, "invalid_token".into()), "{}", got.text);
    assert_eq!(
        got.json()["error_description"],
        "Access token does not contain openid scope",
        "{}",
        got.text
    );
}

/// userInfo's answer to a forged, expired, revoked or malformed token.
fn assert_refused(got: &Reply) {
    assert_eq!(got.error(), (401, "invalid_token".into()), "{}", got.text);
    assert_ne!(
        got.json()["error_description"],
        "Access token does not contain openid scope",
        "{}",
        got.text
    );
}

// ------------------------------------------------------------------------------------ tests

async fn user_info_refuses_api_tokens_as_aws_does(app: TestApp) {
    let (_, client_id) = fixture(&app).await;
    let tokens = sign_in(&app, &client_id, "alice", PASSWORD).await;
    let access = tokens.access_token().unwrap();
    assert_eq!(claims(access)["scope"], "aws.cognito.signin.user.admin");

    // A valid token of the user-pool API has no openid scope: AWS's userInfo refuses it.
    let got = user_info(&app, access).await;
    assert_live(&got);
    assert!(
        got.www_authenticate
            .as_deref()
            .unwrap()
            .starts_with("Bearer error=\"invalid_token\"")
    );
    assert_eq!(
        got.json().get("username"),
        None,
        "no attributes: {}",
        got.text
    );

    // POST is answered the same way.
    let posted = app
        .http
        .post(format!("{}/oauth2/userInfo", app.endpoint))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_live(&reply(posted).await);
}

async fn user_info_refuses_bad_tokens(app: TestApp) {
    let (_, client_id) = fixture(&app).await;
    let tokens = sign_in(&app, &client_id, "alice", PASSWORD).await;
    let access = tokens.access_token().unwrap();

    // No token at all.
    let missing = reply(
        app.http
            .get(format!("{}/oauth2/userInfo", app.endpoint))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(missing.error(), (400, "invalid_request".into()));
    assert!(
        missing
            .www_authenticate
            .unwrap()
            .starts_with("Bearer error=\"invalid_request\"")
    );

    // A forged token: the payload changed, the signature kept.
    let mut parts: Vec<String> = access.split('.').map(str::to_string).collect();
    let mut payload = claims(access);
    payload["username"] = "mallory".into();
    parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload.to_string());
    let forged = user_info(&app, &parts.join(".")).await;
    assert_refused(&forged);
    assert!(
        forged
            .www_authenticate
            .as_deref()
            .unwrap()
            .starts_with("Bearer error=\"invalid_token\"")
    );
    assert_refused(&user_info(&app, "not-a-jwt").await);

    // An expired token.
    assert_live(&user_info(&app, access).await);
    app.clock.advance_secs(3601);
    assert_refused(&user_info(&app, access).await);

    // A revoked token (global sign-out).
    let fresh = sign_in(&app, &client_id, "alice", PASSWORD).await;
    let fresh_access = fresh.access_token().unwrap();
    assert_live(&user_info(&app, fresh_access).await);
    app.idp
        .global_sign_out()
        .access_token(fresh_access)
        .send()
        .await
        .unwrap();
    assert_refused(&user_info(&app, fresh_access).await);
}

async fn token_refresh_grant_without_a_secret(app: TestApp) {
    let (_, client_id) = fixture(&app).await;
    let tokens = sign_in(&app, &client_id, "alice", PASSWORD).await;
    let refreshed = refresh_grant(&app, &client_id, tokens.refresh_token().unwrap()).await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text);
    let body = refreshed.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    // No rotation on this client: no new refresh token.
    assert_eq!(body.get("refresh_token"), None);
    let id = claims(body["id_token"].as_str().unwrap());
    assert_eq!(id["cognito:username"], "alice");
    assert_eq!(id["aud"], client_id.as_str());
    let access = body["access_token"].as_str().unwrap();
    assert_live(&user_info(&app, access).await);
}

async fn token_refresh_grant_with_a_secret(app: TestApp) {
    let (pool_id, _) = fixture(&app).await;
    let (client_id, secret) = secret_client(&app, &pool_id).await;
    let refresh = secret_sign_in(&app, &client_id, &secret).await;
    let grant = [("grant_type", "refresh_token"), ("refresh_token", &refresh)];

    // HTTP Basic.
    let basic = post_form(&app, "token", &grant, Some((&client_id, &secret))).await;
    assert_eq!(basic.status, 200, "{}", basic.text);
    assert!(basic.json()["access_token"].is_string());

    // The secret in the form.
    let mut in_form = grant.to_vec();
    in_form.extend([
        ("client_id", client_id.as_str()),
        ("client_secret", &secret),
    ]);
    let form = post_form(&app, "token", &in_form, None).await;
    assert_eq!(form.status, 200, "{}", form.text);
    assert!(form.json()["id_token"].is_string());

    // A wrong or missing secret.
    let wrong = post_form(&app, "token", &grant, Some((&client_id, "wrong-secret"))).await;
    assert_eq!(wrong.error(), (400, "invalid_client".into()));
    let missing = refresh_grant(&app, &client_id, &refresh).await;
    assert_eq!(missing.error(), (400, "invalid_client".into()));
}

async fn token_endpoint_refusals(app: TestApp) {
    let (_, client_id) = fixture(&app).await;
    let tokens = sign_in(&app, &client_id, "alice", PASSWORD).await;
    let refresh = tokens.refresh_token().unwrap();
    let error = |reply: Reply| reply.error();

    let grant = |grant_type: &'static str| {
        [
            ("grant_type", grant_type),
            ("client_id", client_id.as_str()),
            ("code", "some-code"),
        ]
    };
    // The fixture client has no OAuth flows.
    assert_eq!(
        error(post_form(&app, "token", &grant("authorization_code"), None).await),
        (400, "unauthorized_client".into())
    );
    assert_eq!(
        error(post_form(&app, "token", &grant("client_credentials"), None).await),
        (400, "unauthorized_client".into())
    );
    assert_eq!(
        error(post_form(&app, "token", &grant("password"), None).await),
        (400, "unsupported_grant_type".into())
    );
    assert_eq!(
        error(post_form(&app, "token", &[("client_id", &client_id)], None).await),
        (400, "invalid_request".into())
    );
    // An unknown client; a refresh token that is not one.
    assert_eq!(
        error(refresh_grant(&app, "nosuchclient0000000000000", refresh).await),
        (400, "invalid_client".into())
    );
    assert_eq!(
        error(refresh_grant(&app, &client_id, "not-a-refresh-token").await),
        (400, "invalid_grant".into())
    );
    // Not a form; a repeated parameter.
    let json = app
        .http
        .post(format!("{}/oauth2/token", app.endpoint))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(error(reply(json).await), (400, "invalid_request".into()));
    let repeated = [
        ("grant_type", "refresh_token"),
        ("grant_type", "refresh_token"),
        ("client_id", client_id.as_str()),
        ("refresh_token", refresh),
    ];
    assert_eq!(
        error(post_form(&app, "token", &repeated, None).await),
        (400, "invalid_request".into())
    );
    // None of the refusals spent the refresh token.
    assert_eq!(refresh_grant(&app, &client_id, refresh).await.status, 200);
}

async fn revoke_ends_the_refresh_token(app: TestApp) {
    let (pool_id, client_id) = fixture(&app).await;
    let tokens = sign_in(&app, &client_id, "alice", PASSWORD).await;
    let refresh = tokens.refresh_token().unwrap();
    let access = tokens.access_token().unwrap();

    // An access token is not revocable here.
    let form = [("token", access), ("client_id", client_id.as_str())];
    assert_eq!(
        post_form(&app, "revoke", &form, None).await.error(),
        (400, "unsupported_token_type".into())
    );
    let form = [("client_id", client_id.as_str())];
    assert_eq!(
        post_form(&app, "revoke", &form, None).await.error(),
        (400, "invalid_request".into())
    );

    let form = [("token", refresh), ("client_id", client_id.as_str())];
    let revoked = post_form(&app, "revoke", &form, None).await;
    assert_eq!((revoked.status, revoked.text.as_str()), (200, ""));
    assert_eq!(
        refresh_grant(&app, &client_id, refresh).await.error(),
        (400, "invalid_grant".into())
    );
    assert_refused(&user_info(&app, access).await);

    // A secret client: its secret is required, by Basic or in the form.
    let (secret_id, secret) = secret_client(&app, &pool_id).await;
    let refresh = secret_sign_in(&app, &secret_id, &secret).await;
    let form = [("token", refresh.as_str())];
    assert_eq!(
        post_form(&app, "revoke", &form, Some((&secret_id, "wrong-secret")))
            .await
            .error(),
        (400, "invalid_client".into())
    );
    let grant = [("grant_type", "refresh_token"), ("refresh_token", &refresh)];
    let basic = Some((secret_id.as_str(), secret.as_str()));
    // No client at all; the client without its secret.
    assert_eq!(
        post_form(&app, "revoke", &form, None).await.error(),
        (400, "invalid_request".into())
    );
    let no_secret = [
        ("token", refresh.as_str()),
        ("client_id", secret_id.as_str()),
    ];
    assert_eq!(
        post_form(&app, "revoke", &no_secret, None).await.error(),
        (400, "invalid_client".into())
    );
    assert_eq!(post_form(&app, "token", &grant, basic).await.status, 200);
    assert_eq!(post_form(&app, "revoke", &form, basic).await.status, 200);
    assert_eq!(
        post_form(&app, "token", &grant, basic).await.error(),
        (400, "invalid_grant".into())
    );
}

async fn revoke_needs_revocation_enabled(app: TestApp) {
    let (pool_id, _) = fixture(&app).await;
    let client_id = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("no-revocation")
        .set_explicit_auth_flows(Some(FIXTURE_FLOWS.to_vec()))
        .enable_token_revocation(false)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let refresh = sign_in_refresh_token(&app, &client_id).await;
    let form = [
        ("token", refresh.as_str()),
        ("client_id", client_id.as_str()),
    ];
    assert_eq!(
        post_form(&app, "revoke", &form, None).await.error(),
        (400, "invalid_request".into())
    );
    // Refused: the token still refreshes.
    assert_eq!(refresh_grant(&app, &client_id, &refresh).await.status, 200);
}

async fn hosted_pages_refuse_requests_without_a_client(app: TestApp) {
    // No trustworthy redirect URI without a known client: an error page, never a redirect.
    for path in [
        "/oauth2/authorize?response_type=code&client_id=x&redirect_uri=https://evil.example",
        "/oauth2/authorize?response_type=code",
        "/logout",
        "/logout?client_id=x&logout_uri=https://evil.example",
    ] {
        let page = app
            .http
            .get(format!("{}{path}", app.endpoint))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status().as_u16(), 400, "{path}");
        assert!(page.headers().get("location").is_none(), "{path}");
        let csp = page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(csp.starts_with("default-src 'none'"), "{csp}");
    }
}

async fn token_refresh_grant_rotates_when_the_client_does(app: TestApp) {
    let (pool_id, _) = fixture(&app).await;
    let client_id = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("rotating")
        .set_explicit_auth_flows(Some(FIXTURE_FLOWS.to_vec()))
        .refresh_token_rotation(
            RefreshTokenRotationType::builder()
                .feature(FeatureType::Enabled)
                .retry_grace_period_seconds(0)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let first = app
        .idp
        .get_tokens_from_refresh_token()
        .client_id(&client_id)
        .refresh_token(sign_in_refresh_token(&app, &client_id).await)
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    let old = first.refresh_token().unwrap();
    let rotated = refresh_grant(&app, &client_id, old).await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    let new = rotated.json()["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(new, old);
    // The old token is spent (no grace period); the new one works.
    assert_eq!(
        refresh_grant(&app, &client_id, old).await.error(),
        (400, "invalid_grant".into())
    );
    assert_eq!(refresh_grant(&app, &client_id, &new).await.status, 200);
}

/// A refresh token of alice's from a client whose flows REFRESH_TOKEN_AUTH may not serve
/// (rotation): the sign-in itself is USER_PASSWORD_AUTH.
async fn sign_in_refresh_token(app: &TestApp, client_id: &str) -> String {
    sign_in(app, client_id, "alice", PASSWORD)
        .await
        .refresh_token()
        .unwrap()
        .to_string()
}

/// Body limits apply to the form endpoints (the limit is lowered so that the whole body is
/// written before the server answers).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth_form_bodies_are_limited() {
    let app = TestApp::spawn_with(cognate_testkit::Backend::Sqlite, |config| {
        config.server.max_body_bytes = 1024;
    })
    .await
    .unwrap();
    let token = "a".repeat(2048);
    let form = [("grant_type", "refresh_token"), ("refresh_token", &token)];
    let reply = post_form(&app, "token", &form, None).await;
    assert_eq!(reply.error(), (413, "invalid_request".into()));
}
