//! Ending sessions: GlobalSignOut, AdminUserGlobalSignOut and RevokeToken, and what revoked
//! tokens then answer.

// Test code: a panic is how a failed expectation reports.

use aws_sdk_cognitoidentityprovider::types::{FeatureType, RefreshTokenRotationType};
use cognate_testkit::{FIXTURE_FLOWS, PASSWORD, TestApp, backend_tests};

use crate::auth::{error_of, fixture, get_user, sign_in};
use crate::refresh::refresh;

backend_tests!(
    global_sign_out_revokes_every_session,
    admin_global_sign_out,
    revoke_token_ends_one_sign_in,
    revoke_token_refusals,
    revoke_token_covers_rotated_tokens,
);

fn access_revoked() -> Result<(), (String, String)> {
    Err((
        "NotAuthorizedException".into(),
        "Access Token has been revoked".into(),
    ))
}

async fn revoke(
    app: &TestApp,
    client_id: &str,
    token: &str,
    secret: Option<&str>,
) -> Result<(), (String, String)> {
    let result = app
        .idp
        .revoke_token()
        .client_id(client_id)
        .token(token)
        .set_client_secret(secret.map(str::to_string))
        .send()
        .await;
    match result {
        Ok(_) => Ok(()),
        Err(error) => Err(error_of::<(), _, _>(Err(error))),
    }
}

async fn global_sign_out_revokes_every_session(app: TestApp) {
    let (_, client_id) = fixture(&app).await;
    let a = sign_in(&app, &client_id, "alice", PASSWORD).await;
    let b = sign_in(&app, &client_id, "alice", PASSWORD).await;
    get_user(&app, a.access_token().unwrap()).await.unwrap();
    app.idp
        .global_sign_out()
        .access_token(a.access_token().unwrap())
        .send()
        .await
        .unwrap();
    for session in [&a, &b] {
        assert_eq!(
            get_user(&app, session.access_token().unwrap()).await,
            access_revoked()
        );
        assert_eq!(
            error_of(refresh(&app, &client_id, session.refresh_token().unwrap()).await),
            (
                "NotAuthorizedException".into(),
                "Refresh Token has been revoked".into()
            )
        );
    }
    // Signing in again right away (same second) gives working tokens.
    let fresh = sign_in(&app, &client_id, "alice", PASSWORD).await;
    get_user(&app, fresh.access_token().unwrap()).await.unwrap();
    refresh(&app, &client_id, fresh.refresh_token().unwrap())
        .await
        .unwrap();
    // A revoked token cannot sign out again.
    let again = app
        .idp
        .global_sign_out()
        .access_token(a.access_token().unwrap())
        .send()
        .await;
    assert_eq!(error_of(again).1, "Access Token has been revoked");
}

async fn admin_global_sign_out(app: TestApp) {
    let (pool_id, client_id) = fixture(&app).await;
    app.confirmed_user(&pool_id, "bob", PASSWORD).await;
    let alice = sign_in(&app, &client_id, "alice", PASSWORD).await;
    let bob = sign_in(&app, &client_id, "bob", PASSWORD).await;
    app.idp
        .admin_user_global_sign_out()
        .user_pool_id(&pool_id)
        .username("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(
        get_user(&app, alice.access_token().unwrap()).await,
        access_revoked()
    );
    assert!(
        refresh(&app, &client_id, alice.refresh_token().unwrap())
            .await
            .is_err()
    );
    // Other users are untouched.
    get_user(&app, bob.access_token().unwrap()).await.unwrap();
    refresh(&app, &client_id, bob.refresh_token().unwrap())
        .await
        .unwrap();
    let unknown = app
        .idp
        .admin_user_global_sign_out()
        .user_pool_id(&pool_id)
        .username("ghost")
        .send()
        .await;
    assert_eq!(
        error_of(unknown),
        (
            "UserNotFoundException".into(),
            "User does not exist.".into()
        )
    );
}

async fn revoke_token_ends_one_sign_in(app: TestApp) {
    let (_, client_id) = fixture(&app).await;
    let a = sign_in(&app, &client_id, "alice", PASSWORD).await;
    let b = sign_in(&app, &client_id, "alice", PASSWORD).await;
    let a_refresh = a.refresh_token().unwrap();
    // Tokens refreshed from A before the revocation belong to A's sign-in too.
    let a_refreshed = refresh(&app, &client_id, a_refresh)
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    revoke(&app, &client_id, a_refresh, None).await.unwrap();
    assert_eq!(
        get_user(&app, a.access_token().unwrap()).await,
        access_revoked()
    );
    assert_eq!(
        get_user(&app, a_refreshed.access_token().unwrap()).await,
        access_revoked()
    );
    assert_eq!(
        error_of(refresh(&app, &client_id, a_refresh).await),
        (
            "NotAuthorizedException".into(),
            "Refresh Token has been revoked".into()
        )
    );
    // Another sign-in of the same user is unaffected.
    get_user(&app, b.access_token().unwrap()).await.unwrap();
    refresh(&app, &client_id, b.refresh_token().unwrap())
        .await
        .unwrap();
    // Revoking twice, or a token we never issued, is not an error.
    revoke(&app, &client_id, a_refresh, None).await.unwrap();
    revoke(&app, &client_id, "never-issued-token", None)
        .await
        .unwrap();
}

async fn revoke_token_refusals(app: TestApp) {
    let (pool_id, client_id) = fixture(&app).await;
    let tokens = sign_in(&app, &client_id, "alice", PASSWORD).await;
    // Access and ID tokens are not revocable this way.
    for jwt in [tokens.access_token().unwrap(), tokens.id_token().unwrap()] {
        assert_eq!(
            revoke(&app, &client_id, jwt, None).await.unwrap_err().0,
            "UnsupportedTokenTypeException"
        );
    }
    // The token belongs to another client.
    let other = app.client_for(&pool_id).await;
    assert_eq!(
        revoke(&app, &other, tokens.refresh_token().unwrap(), None)
            .await
            .unwrap_err()
            .0,
        "UnauthorizedException"
    );
    assert_eq!(
        revoke(
            &app,
            "nosuchclient0000000000000",
            tokens.refresh_token().unwrap(),
            None
        )
        .await
        .unwrap_err()
        .0,
        "UnauthorizedException"
    );
    // A client without token revocation.
    let no_revocation = app
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
    let theirs = sign_in(&app, &no_revocation, "alice", PASSWORD).await;
    assert_eq!(
        revoke(&app, &no_revocation, theirs.refresh_token().unwrap(), None)
            .await
            .unwrap_err()
            .0,
        "UnsupportedOperationException"
    );
    // A client with a secret must give it.
    let server = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("server")
        .generate_secret(true)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let server_id = server.client_id().unwrap();
    assert_eq!(
        revoke(&app, server_id, "some-token", None)
            .await
            .unwrap_err()
            .0,
        "UnauthorizedException"
    );
    assert_eq!(
        revoke(
            &app,
            server_id,
            "some-token",
            Some("wrongsecret0123456789abcdef")
        )
        .await
        .unwrap_err()
        .0,
        "UnauthorizedException"
    );
    revoke(&app, server_id, "some-token", server.client_secret())
        .await
        .unwrap();
    // Nothing of the refusals revoked anything.
    get_user(&app, tokens.access_token().unwrap())
        .await
        .unwrap();
    refresh(&app, &client_id, tokens.refresh_token().unwrap())
        .await
        .unwrap();
}

async fn revoke_token_covers_rotated_tokens(app: TestApp) {
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
                .retry_grace_period_seconds(30)
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
    let first = sign_in(&app, &client_id, "alice", PASSWORD).await;
    let r1 = first.refresh_token().unwrap();
    let rotated = app
        .idp
        .get_tokens_from_refresh_token()
        .client_id(&client_id)
        .refresh_token(r1)
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    let r2 = rotated.refresh_token().unwrap();
    revoke(&app, &client_id, r1, None).await.unwrap();
    // The successor belongs to the same sign-in: revoked with it.
    let after = app
        .idp
        .get_tokens_from_refresh_token()
        .client_id(&client_id)
        .refresh_token(r2)
        .send()
        .await;
    assert_eq!(error_of(after).1, "Refresh Token has been revoked");
    assert_eq!(
        get_user(&app, rotated.access_token().unwrap()).await,
        access_revoked()
    );
}
