//! Token refresh: REFRESH_TOKEN_AUTH / REFRESH_TOKEN and GetTokensFromRefreshToken, refusals,
//! SECRET_HASH for refresh, and refresh-token rotation with its grace period.

// Test code: a panic is how a failed expectation reports.

use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, AuthenticationResultType, FeatureType, RefreshTokenRotationType, TimeUnitsType,
    TokenValidityUnitsType,
};
use cognate_testkit::{FIXTURE_FLOWS, PASSWORD, TestApp, backend_tests};

use crate::auth::{claims, error_of, fixture, get_user, secret_hash, sign_in};

backend_tests!(
    refresh_keeps_the_sign_in,
    refresh_refusals,
    refresh_with_a_client_secret,
    rotation_with_grace_period,
    rotation_without_grace_period,
);

type RefreshResult = Result<
    aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput,
    aws_sdk_cognitoidentityprovider::error::SdkError<
        aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthError,
    >,
>;

pub async fn refresh(app: &TestApp, client_id: &str, token: &str) -> RefreshResult {
    app.idp
        .initiate_auth()
        .client_id(client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", token)
        .send()
        .await
}

type GetTokensResult = Result<
    AuthenticationResultType,
    aws_sdk_cognitoidentityprovider::error::SdkError<
        aws_sdk_cognitoidentityprovider::operation::get_tokens_from_refresh_token::GetTokensFromRefreshTokenError,
    >,
>;

async fn get_tokens(
    app: &TestApp,
    client_id: &str,
    token: &str,
    secret: Option<&str>,
) -> GetTokensResult {
    app.idp
        .get_tokens_from_refresh_token()
        .client_id(client_id)
        .refresh_token(token)
        .set_client_secret(secret.map(str::to_string))
        .send()
        .await
        .map(|output| output.authentication_result.expect("tokens"))
}

async fn refresh_keeps_the_sign_in(app: TestApp) {
    let (pool_id, client_id) = fixture(&app).await;
    let first = sign_in(&app, &client_id, "alice", PASSWORD).await;
    let refresh_token = first.refresh_token().unwrap().to_string();
    let old_id = claims(first.id_token().unwrap());
    let old_access = claims(first.access_token().unwrap());
    app.clock.advance_secs(10);

    for flow in [AuthFlowType::RefreshTokenAuth, AuthFlowType::RefreshToken] {
        let output = app
            .idp
            .initiate_auth()
            .client_id(&client_id)
            .auth_flow(flow.clone())
            .auth_parameters("REFRESH_TOKEN", &refresh_token)
            .send()
            .await
            .unwrap();
        let tokens = output.authentication_result.unwrap();
        assert_eq!(
            tokens.refresh_token(),
            None,
            "{flow:?}: no rotation, no new refresh token"
        );
        assert_eq!(tokens.expires_in(), 3600);
        assert_eq!(tokens.token_type(), Some("Bearer"));
        let id = claims(tokens.id_token().unwrap());
        let access = claims(tokens.access_token().unwrap());
        assert_eq!(id["sub"], old_id["sub"]);
        assert_eq!(
            id["auth_time"], old_id["auth_time"],
            "auth_time is the original sign-in's"
        );
        assert_eq!(access["auth_time"], old_access["auth_time"]);
        assert_eq!(id["origin_jti"], old_id["origin_jti"]);
        assert_eq!(access["origin_jti"], old_access["origin_jti"]);
        assert!(id["iat"].as_i64().unwrap() >= old_id["iat"].as_i64().unwrap() + 10);
        assert_ne!(access["jti"], old_access["jti"]);
        assert_ne!(access["event_id"], old_access["event_id"]);
        get_user(&app, tokens.access_token().unwrap())
            .await
            .unwrap();
    }

    let admin = app
        .idp
        .admin_initiate_auth()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", &refresh_token)
        .send()
        .await
        .unwrap();
    assert!(
        admin
            .authentication_result
            .unwrap()
            .refresh_token()
            .is_none()
    );

    let tokens = get_tokens(&app, &client_id, &refresh_token, None)
        .await
        .unwrap();
    assert_eq!(tokens.refresh_token(), None);
    assert_eq!(
        claims(tokens.id_token().unwrap())["origin_jti"],
        old_id["origin_jti"]
    );
}

async fn refresh_refusals(app: TestApp) {
    let (pool_id, client_id) = fixture(&app).await;
    let invalid = || {
        (
            "NotAuthorizedException".to_string(),
            "Invalid Refresh Token".to_string(),
        )
    };
    assert_eq!(
        error_of(refresh(&app, &client_id, "not-a-refresh-token").await),
        invalid()
    );

    let tokens = sign_in(&app, &client_id, "alice", PASSWORD).await;
    let token = tokens.refresh_token().unwrap();
    let other_client = app.client_for(&pool_id).await;
    assert_eq!(
        error_of(refresh(&app, &other_client, token).await),
        invalid()
    );

    // Disabled users cannot refresh (AdminDisableUser also revokes; either way, refused).
    app.confirmed_user(&pool_id, "dora", PASSWORD).await;
    let dora = sign_in(&app, &client_id, "dora", PASSWORD).await;
    app.idp
        .admin_disable_user()
        .user_pool_id(&pool_id)
        .username("dora")
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_of(refresh(&app, &client_id, dora.refresh_token().unwrap()).await).0,
        "NotAuthorizedException"
    );

    // A deleted user's refresh token (LEGACY client: the user is said not to exist).
    app.confirmed_user(&pool_id, "gone", PASSWORD).await;
    let gone = sign_in(&app, &client_id, "gone", PASSWORD).await;
    app.idp
        .admin_delete_user()
        .user_pool_id(&pool_id)
        .username("gone")
        .send()
        .await
        .unwrap();
    let deleted = error_of(refresh(&app, &client_id, gone.refresh_token().unwrap()).await);
    assert!(
        deleted.0 == "UserNotFoundException" || deleted.0 == "NotAuthorizedException",
        "{deleted:?}"
    );
    // A user created again under the same name is someone else (another sub).
    app.confirmed_user(&pool_id, "gone", PASSWORD).await;
    assert!(
        refresh(&app, &client_id, gone.refresh_token().unwrap())
            .await
            .is_err()
    );

    // Expiry, with the shortest refresh validity (60 minutes).
    let short = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("short")
        .set_explicit_auth_flows(Some(FIXTURE_FLOWS.to_vec()))
        .refresh_token_validity(60)
        .token_validity_units(
            TokenValidityUnitsType::builder()
                .refresh_token(TimeUnitsType::Minutes)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let tokens = sign_in(&app, &short, "alice", PASSWORD).await;
    let token = tokens.refresh_token().unwrap();
    app.clock.advance_secs(3599);
    refresh(&app, &short, token).await.unwrap();
    app.clock.advance_secs(2);
    assert_eq!(
        error_of(refresh(&app, &short, token).await),
        (
            "NotAuthorizedException".into(),
            "Refresh Token has expired".into()
        )
    );
}

async fn refresh_with_a_client_secret(app: TestApp) {
    let (pool_id, _) = fixture(&app).await;
    let client = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("server")
        .generate_secret(true)
        .set_explicit_auth_flows(Some(FIXTURE_FLOWS.to_vec()))
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let client_id = client.client_id().unwrap().to_string();
    let secret = client.client_secret().unwrap().to_string();
    let tokens = app
        .idp
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("PASSWORD", PASSWORD)
        .auth_parameters("SECRET_HASH", secret_hash("alice", &client_id, &secret))
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    let token = tokens.refresh_token().unwrap();
    let sub = claims(tokens.id_token().unwrap())["sub"]
        .as_str()
        .unwrap()
        .to_string();

    assert_eq!(
        error_of(refresh(&app, &client_id, token).await),
        (
            "NotAuthorizedException".into(),
            format!("Client {client_id} is configured for secret but secret was not received")
        )
    );
    let with_hash = |username: &str| {
        app.idp
            .initiate_auth()
            .client_id(&client_id)
            .auth_flow(AuthFlowType::RefreshTokenAuth)
            .auth_parameters("REFRESH_TOKEN", token)
            .auth_parameters("SECRET_HASH", secret_hash(username, &client_id, &secret))
            .send()
    };
    // SECRET_HASH over the user's username (or its sub), as Cognito computes it for refresh.
    with_hash("alice").await.unwrap();
    with_hash(&sub).await.unwrap();
    assert_eq!(
        error_of(with_hash("mallory").await),
        (
            "NotAuthorizedException".into(),
            format!("Unable to verify secret hash for client {client_id}")
        )
    );

    // GetTokensFromRefreshToken takes the secret itself.
    get_tokens(&app, &client_id, token, Some(&secret))
        .await
        .unwrap();
    assert_eq!(
        error_of(get_tokens(&app, &client_id, token, None).await).0,
        "NotAuthorizedException"
    );
    assert_eq!(
        error_of(get_tokens(&app, &client_id, token, Some("wrongsecret0123456789abcdef")).await).0,
        "NotAuthorizedException"
    );
}

async fn rotating_client(app: &TestApp, pool_id: &str, grace: i32) -> String {
    app.idp
        .create_user_pool_client()
        .user_pool_id(pool_id)
        .client_name("rotating")
        .set_explicit_auth_flows(Some(FIXTURE_FLOWS.to_vec()))
        .refresh_token_rotation(
            RefreshTokenRotationType::builder()
                .feature(FeatureType::Enabled)
                .retry_grace_period_seconds(grace)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap()
}

async fn rotation_with_grace_period(app: TestApp) {
    let (pool_id, _) = fixture(&app).await;
    let client_id = rotating_client(&app, &pool_id, 10).await;
    let first = sign_in(&app, &client_id, "alice", PASSWORD).await;
    let r1 = first.refresh_token().unwrap().to_string();
    let origin = claims(first.id_token().unwrap())["origin_jti"].clone();

    // Rotation is done with GetTokensFromRefreshToken only.
    assert_eq!(
        error_of(refresh(&app, &client_id, &r1).await).0,
        "InvalidParameterException"
    );

    let second = get_tokens(&app, &client_id, &r1, None).await.unwrap();
    let r2 = second
        .refresh_token()
        .expect("a rotated refresh token")
        .to_string();
    assert_ne!(r2, r1);
    assert_eq!(claims(second.id_token().unwrap())["origin_jti"], origin);
    // Within the grace period the old token still works (a client retrying).
    app.clock.advance_secs(5);
    let retry = get_tokens(&app, &client_id, &r1, None).await.unwrap();
    assert!(retry.refresh_token().is_some());
    // After it, the old token is a reuse.
    app.clock.advance_secs(6);
    let (code, _) = error_of(get_tokens(&app, &client_id, &r1, None).await);
    assert_eq!(code, "RefreshTokenReuseException");
    // The new one rotates in its turn.
    let third = get_tokens(&app, &client_id, &r2, None).await.unwrap();
    let r3 = third.refresh_token().unwrap();
    get_user(&app, third.access_token().unwrap()).await.unwrap();
    get_tokens(&app, &client_id, r3, None).await.unwrap();
}

async fn rotation_without_grace_period(app: TestApp) {
    let (pool_id, _) = fixture(&app).await;
    let client_id = rotating_client(&app, &pool_id, 0).await;
    let first = sign_in(&app, &client_id, "alice", PASSWORD).await;
    let r1 = first.refresh_token().unwrap().to_string();
    let second = get_tokens(&app, &client_id, &r1, None).await.unwrap();
    assert!(second.refresh_token().is_some());
    assert_eq!(
        error_of(get_tokens(&app, &client_id, &r1, None).await).0,
        "RefreshTokenReuseException"
    );
}
