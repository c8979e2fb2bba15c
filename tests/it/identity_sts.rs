//! STS on the same port: GetCallerIdentity verifies the SigV4 signature of minted credentials
//! and names the assumed role; AssumeRoleWithWebIdentity serves the classic flow with
//! GetOpenIdToken's token; other actions answer a clear error. Both backends.

use std::collections::HashMap;

use aws_sdk_sts as sts;
use cognate_testkit::identity::types::Credentials;
use cognate_testkit::{PASSWORD, TestApp, backend_tests, failure};

use crate::auth::sign_in;
use crate::identity_pools::{AUTH_ROLE, UNAUTH_ROLE, identity_pool, provider, provider_name};

backend_tests!(
    caller_identity_names_the_assumed_role,
    tampered_or_expired_credentials_are_refused,
    credentials_die_with_their_identity,
    classic_flow_assumes_the_role_asked,
    other_actions_are_refused_clearly,
);

fn sts_client(app: &TestApp, key: &str, secret: &str, token: Option<&str>) -> sts::Client {
    let config = sts::Config::builder()
        .behavior_version(sts::config::BehaviorVersion::latest())
        .region(sts::config::Region::new("us-east-1"))
        .endpoint_url(&app.endpoint)
        .credentials_provider(sts::config::Credentials::new(
            key,
            secret,
            token.map(str::to_string),
            None,
            "identity-test",
        ))
        .build();
    sts::Client::from_conf(config)
}

pub fn client_for(app: &TestApp, credentials: &Credentials) -> sts::Client {
    sts_client(
        app,
        credentials.access_key_id.as_deref().unwrap(),
        credentials.secret_key.as_deref().unwrap(),
        credentials.session_token.as_deref(),
    )
}

async fn roles(app: &TestApp, pool: &str) {
    app.identity
        .set_identity_pool_roles()
        .identity_pool_id(pool)
        .roles("authenticated", AUTH_ROLE)
        .roles("unauthenticated", UNAUTH_ROLE)
        .send()
        .await
        .unwrap();
}

/// GetId, then GetCredentialsForIdentity, for a new identity of `pool`: a guest's, or with
/// `login` (provider name, ID token) an authenticated one's.
async fn mint(app: &TestApp, pool: &str, login: Option<(&str, &str)>) -> (String, Credentials) {
    let logins = login.map(|(provider, token)| HashMap::from([(provider.into(), token.into())]));
    let id = app
        .identity
        .get_id()
        .identity_pool_id(pool)
        .set_logins(logins.clone())
        .send()
        .await
        .unwrap()
        .identity_id
        .unwrap();
    let credentials = app
        .identity
        .get_credentials_for_identity()
        .identity_id(&id)
        .set_logins(logins)
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    (id, credentials)
}

async fn caller_identity_names_the_assumed_role(app: TestApp) {
    let (user_pool, client) = app.pool_with_client().await;
    app.confirmed_user(&user_pool, "alice", PASSWORD).await;
    let id_token = sign_in(&app, &client, "alice", PASSWORD)
        .await
        .id_token
        .unwrap();
    let pool = identity_pool(&app, true, vec![provider(&user_pool, &client)]).await;
    roles(&app, &pool).await;
    let name = provider_name(&user_pool);

    // Enhanced flow, authenticated: the authenticated role.
    let (_, credentials) = mint(&app, &pool, Some((&name, &id_token))).await;
    let caller = client_for(&app, &credentials)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        caller.arn.as_deref(),
        Some("arn:aws:sts::123456789012:assumed-role/auth/CognitoIdentityCredentials")
    );
    assert_eq!(caller.account.as_deref(), Some("123456789012"));
    assert!(
        caller
            .user_id
            .unwrap()
            .ends_with(":CognitoIdentityCredentials")
    );

    // Unauthenticated: the unauthenticated role.
    let (_, credentials) = mint(&app, &pool, None).await;
    let caller = client_for(&app, &credentials)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        caller.arn.as_deref(),
        Some("arn:aws:sts::123456789012:assumed-role/unauth/CognitoIdentityCredentials")
    );
}

async fn tampered_or_expired_credentials_are_refused(app: TestApp) {
    let pool = identity_pool(&app, true, vec![]).await;
    roles(&app, &pool).await;
    let (_, credentials) = mint(&app, &pool, None).await;
    let key = credentials.access_key_id.as_deref().unwrap();
    let secret = credentials.secret_key.as_deref().unwrap();
    let token = credentials.session_token.as_deref().unwrap();

    let mut wrong_secret = secret.to_string();
    wrong_secret.pop();
    wrong_secret.push(if secret.ends_with('A') { 'B' } else { 'A' });
    let (code, _) = failure(
        sts_client(&app, key, &wrong_secret, Some(token))
            .get_caller_identity()
            .send()
            .await,
    );
    assert_eq!(code, "SignatureDoesNotMatch");
    let (code, _) = failure(
        sts_client(&app, key, secret, Some("forged-token"))
            .get_caller_identity()
            .send()
            .await,
    );
    assert_eq!(code, "InvalidClientTokenId");
    let (code, _) = failure(
        sts_client(&app, "ASIAAAAAAAAAAAAAAAAA", secret, Some(token))
            .get_caller_identity()
            .send()
            .await,
    );
    assert_eq!(code, "InvalidClientTokenId");
    // Unsigned.
    let response = app
        .http
        .post(format!("{}/", app.endpoint))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("Action=GetCallerIdentity&Version=2011-06-15")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("MissingAuthenticationToken")
    );

    // Valid for an hour, then refused. (The signer uses the real clock, so only the server's
    // clock moves: past 15 minutes the signature date is refused as well, either way refused.)
    client_for(&app, &credentials)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    app.clock.advance_secs(3601);
    let (code, _) = failure(
        client_for(&app, &credentials)
            .get_caller_identity()
            .send()
            .await,
    );
    assert!(
        code == "InvalidClientTokenId" || code == "SignatureDoesNotMatch",
        "{code}"
    );
}

/// Credentials are verified without being stored, yet deleting their identity (or its pool)
/// still revokes them.
async fn credentials_die_with_their_identity(app: TestApp) {
    let pool = identity_pool(&app, true, vec![]).await;
    roles(&app, &pool).await;
    let mut minted = Vec::new();
    for _ in 0..2 {
        let (guest, credentials) = mint(&app, &pool, None).await;
        client_for(&app, &credentials)
            .get_caller_identity()
            .send()
            .await
            .unwrap();
        minted.push((guest, credentials));
    }
    // Opaque like AWS's: base64, nothing readable in it.
    let token = minted[0].1.session_token.as_deref().unwrap();
    assert!(token.len() > 100, "{token}");
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)),
        "{token}"
    );
    assert!(!token.contains(&minted[0].0) && !token.contains("arn"));

    app.identity
        .delete_identities()
        .identity_ids_to_delete(&minted[0].0)
        .send()
        .await
        .unwrap();
    let (code, _) = failure(
        client_for(&app, &minted[0].1)
            .get_caller_identity()
            .send()
            .await,
    );
    assert_eq!(code, "InvalidClientTokenId");
    client_for(&app, &minted[1].1)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    app.identity
        .delete_identity_pool()
        .identity_pool_id(&pool)
        .send()
        .await
        .unwrap();
    let (code, _) = failure(
        client_for(&app, &minted[1].1)
            .get_caller_identity()
            .send()
            .await,
    );
    assert_eq!(code, "InvalidClientTokenId");
}

async fn classic_flow_assumes_the_role_asked(app: TestApp) {
    let classic = app
        .identity
        .create_identity_pool()
        .identity_pool_name("classic")
        .allow_unauthenticated_identities(true)
        .allow_classic_flow(true)
        .send()
        .await
        .unwrap()
        .identity_pool_id;
    let guest = app
        .identity
        .get_id()
        .identity_pool_id(&classic)
        .send()
        .await
        .unwrap()
        .identity_id
        .unwrap();
    let token = app
        .identity
        .get_open_id_token()
        .identity_id(&guest)
        .send()
        .await
        .unwrap()
        .token
        .unwrap();
    let anonymous = sts_client(&app, "unused", "unused", None);
    let role = "arn:aws:iam::123456789012:role/classic";
    let assumed = anonymous
        .assume_role_with_web_identity()
        .role_arn(role)
        .role_session_name("web")
        .web_identity_token(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        assumed.subject_from_web_identity_token.as_deref(),
        Some(guest.as_str())
    );
    assert_eq!(assumed.audience.as_deref(), Some(classic.as_str()));
    let user = assumed.assumed_role_user.unwrap();
    assert_eq!(
        user.arn,
        "arn:aws:sts::123456789012:assumed-role/classic/web"
    );
    let credentials = assumed.credentials.unwrap();
    assert!(credentials.access_key_id.starts_with("ASIA"));
    let caller = sts_client(
        &app,
        &credentials.access_key_id,
        &credentials.secret_access_key,
        Some(&credentials.session_token),
    )
    .get_caller_identity()
    .send()
    .await
    .unwrap();
    assert_eq!(caller.arn.as_deref(), Some(user.arn.as_str()));

    // A tampered token, and a pool without the classic flow, are refused.
    let (code, _) = failure(
        anonymous
            .assume_role_with_web_identity()
            .role_arn(role)
            .role_session_name("web")
            .web_identity_token(format!("{token}x"))
            .send()
            .await,
    );
    assert_eq!(code, "InvalidIdentityToken");
    let enhanced = identity_pool(&app, true, vec![]).await;
    let other = app
        .identity
        .get_id()
        .identity_pool_id(&enhanced)
        .send()
        .await
        .unwrap()
        .identity_id
        .unwrap();
    let token = app
        .identity
        .get_open_id_token()
        .identity_id(&other)
        .send()
        .await
        .unwrap()
        .token
        .unwrap();
    let (code, _) = failure(
        anonymous
            .assume_role_with_web_identity()
            .role_arn(role)
            .role_session_name("web")
            .web_identity_token(token)
            .send()
            .await,
    );
    assert_eq!(code, "InvalidIdentityToken");
}

async fn other_actions_are_refused_clearly(app: TestApp) {
    let (code, message) = failure(
        sts_client(&app, "AKIDEXAMPLE", "secret", None)
            .get_session_token()
            .send()
            .await,
    );
    assert_eq!(code, "UnsupportedOperation");
    assert!(message.contains("GetSessionToken"), "{message}");
}
