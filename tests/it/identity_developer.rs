//! Developer-authenticated identities: GetOpenIdTokenForDeveloperIdentity registers or finds the
//! developer's user, LookupDeveloperIdentity both ways, MergeDeveloperIdentities,
//! UnlinkDeveloperIdentity, and credentials with the issued token. Both backends.

use cognate_testkit::{TestApp, backend_tests, failure};

use crate::auth::claims;
use crate::identity_pools::{AUTH_ROLE, UNAUTH_ROLE};

backend_tests!(
    developer_users_map_to_one_identity,
    lookup_merge_and_unlink,
    developer_tokens_buy_credentials_for_their_identity_only,
);

const DEVELOPER: &str = "login.acceptance";

async fn developer_pool(app: &TestApp) -> String {
    let pool = app
        .identity
        .create_identity_pool()
        .identity_pool_name("developer")
        .allow_unauthenticated_identities(false)
        .developer_provider_name(DEVELOPER)
        .send()
        .await
        .unwrap()
        .identity_pool_id;
    app.identity
        .set_identity_pool_roles()
        .identity_pool_id(&pool)
        .roles("authenticated", AUTH_ROLE)
        .roles("unauthenticated", UNAUTH_ROLE)
        .send()
        .await
        .unwrap();
    pool
}

async fn token_for(app: &TestApp, pool: &str, user: &str) -> (String, String) {
    let out = app
        .identity
        .get_open_id_token_for_developer_identity()
        .identity_pool_id(pool)
        .logins(DEVELOPER, user)
        .send()
        .await
        .unwrap();
    (out.identity_id.unwrap(), out.token.unwrap())
}

async fn developer_users_map_to_one_identity(app: TestApp) {
    let pool = developer_pool(&app).await;
    let (alice, token) = token_for(&app, &pool, "alice").await;
    let c = claims(&token);
    assert_eq!(c["sub"], alice.as_str());
    assert_eq!(c["aud"], pool.as_str());
    assert_eq!(c["amr"][0], "authenticated");
    assert_eq!(c["amr"][1], DEVELOPER);
    let (again, _) = token_for(&app, &pool, "alice").await;
    assert_eq!(again, alice);
    let (bob, _) = token_for(&app, &pool, "bob").await;
    assert_ne!(bob, alice);

    // Linking a user to an identity of choice, and refusing to move a linked one that way.
    let linked = app
        .identity
        .get_open_id_token_for_developer_identity()
        .identity_pool_id(&pool)
        .identity_id(&alice)
        .logins(DEVELOPER, "alice-2")
        .send()
        .await
        .unwrap();
    assert_eq!(linked.identity_id.as_deref(), Some(alice.as_str()));
    let (code, _) = failure(
        app.identity
            .get_open_id_token_for_developer_identity()
            .identity_pool_id(&pool)
            .identity_id(&alice)
            .logins(DEVELOPER, "bob")
            .send()
            .await,
    );
    assert_eq!(code, "ResourceConflictException");
    // Another provider name than the pool's is refused.
    let (code, _) = failure(
        app.identity
            .get_open_id_token_for_developer_identity()
            .identity_pool_id(&pool)
            .logins("login.other", "alice")
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
}

async fn lookup_merge_and_unlink(app: TestApp) {
    let pool = developer_pool(&app).await;
    let (alice, _) = token_for(&app, &pool, "alice").await;
    let (bob, bob_token) = token_for(&app, &pool, "bob").await;
    let found = app
        .identity
        .lookup_developer_identity()
        .identity_pool_id(&pool)
        .developer_user_identifier("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(found.identity_id.as_deref(), Some(alice.as_str()));
    assert_eq!(
        found.developer_user_identifier_list,
        Some(vec!["alice".to_string()])
    );

    let merged = app
        .identity
        .merge_developer_identities()
        .identity_pool_id(&pool)
        .developer_provider_name(DEVELOPER)
        .source_user_identifier("bob")
        .destination_user_identifier("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(merged.identity_id.as_deref(), Some(alice.as_str()));
    let users = app
        .identity
        .lookup_developer_identity()
        .identity_pool_id(&pool)
        .identity_id(&alice)
        .send()
        .await
        .unwrap()
        .developer_user_identifier_list
        .unwrap();
    assert_eq!(users, vec!["alice".to_string(), "bob".to_string()]);
    let bob_now = app
        .identity
        .describe_identity()
        .identity_id(&bob)
        .send()
        .await
        .unwrap();
    assert!(bob_now.logins.unwrap_or_default().is_empty());
    // Bob's old identity lost its only login: disabled, hidden by HideDisabled, inaccessible.
    let shown = app
        .identity
        .list_identities()
        .identity_pool_id(&pool)
        .max_results(60)
        .hide_disabled(true)
        .send()
        .await
        .unwrap()
        .identities
        .unwrap_or_default();
    let shown: Vec<_> = shown.into_iter().filter_map(|i| i.identity_id).collect();
    assert_eq!(shown, vec![alice.clone()]);
    for logins in [None, Some(bob_token.as_str())] {
        let (code, _) = failure(
            app.identity
                .get_credentials_for_identity()
                .identity_id(&bob)
                .set_logins(logins.map(|token| {
                    [(
                        "cognito-identity.amazonaws.com".to_string(),
                        token.to_string(),
                    )]
                    .into()
                }))
                .send()
                .await,
        );
        assert_eq!(code, "NotAuthorizedException");
    }

    app.identity
        .unlink_developer_identity()
        .identity_pool_id(&pool)
        .identity_id(&alice)
        .developer_provider_name(DEVELOPER)
        .developer_user_identifier("bob")
        .send()
        .await
        .unwrap();
    let (code, _) = failure(
        app.identity
            .lookup_developer_identity()
            .identity_pool_id(&pool)
            .developer_user_identifier("bob")
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
    let (code, _) = failure(
        app.identity
            .unlink_developer_identity()
            .identity_pool_id(&pool)
            .identity_id(&alice)
            .developer_provider_name(DEVELOPER)
            .developer_user_identifier("bob")
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
}

async fn developer_tokens_buy_credentials_for_their_identity_only(app: TestApp) {
    let pool = developer_pool(&app).await;
    let (alice, alice_token) = token_for(&app, &pool, "alice").await;
    let (bob, _) = token_for(&app, &pool, "bob").await;
    let out = app
        .identity
        .get_credentials_for_identity()
        .identity_id(&alice)
        .logins("cognito-identity.amazonaws.com", &alice_token)
        .send()
        .await
        .unwrap();
    assert!(
        out.credentials
            .unwrap()
            .access_key_id
            .unwrap()
            .starts_with("ASIA")
    );
    let (code, _) = failure(
        app.identity
            .get_credentials_for_identity()
            .identity_id(&bob)
            .logins("cognito-identity.amazonaws.com", &alice_token)
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
    let (code, _) = failure(
        app.identity
            .get_credentials_for_identity()
            .identity_id(&alice)
            .logins("cognito-identity.amazonaws.com", format!("{alice_token}x"))
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
}
