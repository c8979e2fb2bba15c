//! A guest who signs in: GetCredentialsForIdentity / GetOpenIdToken with the guest identity's id
//! and the user's logins, as Amplify calls them after sign-in. AWS's "Switching unauthenticated
//! users to authenticated users": a login no identity holds yet is linked to the guest identity,
//! which keeps its id; a login that already has an identity makes that identity answer and the
//! guest identity is merged into it. On both backends.

use cognate_testkit::{PASSWORD, TestApp, backend_tests, failure};

use crate::auth::sign_in;
use crate::identity_credentials::{get_id_with, linked};
use crate::identity_pools::provider_name;

backend_tests!(
    a_new_login_keeps_the_guest_identity,
    a_known_login_answers_with_its_own_identity,
    open_id_token_switches_too,
    a_guest_of_another_pool_or_a_bad_token_is_refused,
);

async fn guest(app: &TestApp, pool: &str) -> String {
    app.identity
        .get_id()
        .identity_pool_id(pool)
        .send()
        .await
        .unwrap()
        .identity_id
        .unwrap()
}

async fn linked_providers(app: &TestApp, id: &str) -> Vec<String> {
    app.identity
        .describe_identity()
        .identity_id(id)
        .send()
        .await
        .unwrap()
        .logins
        .unwrap_or_default()
}

async fn a_new_login_keeps_the_guest_identity(app: TestApp) {
    let linked = linked(&app, true).await;
    let name = provider_name(&linked.user_pool);
    let guest = guest(&app, &linked.pool).await;
    let out = app
        .identity
        .get_credentials_for_identity()
        .identity_id(&guest)
        .logins(&name, &linked.id_token)
        .send()
        .await
        .unwrap();
    assert_eq!(out.identity_id.as_deref(), Some(guest.as_str()));
    assert!(out.credentials.unwrap().access_key_id.is_some());
    assert_eq!(linked_providers(&app, &guest).await, vec![name.clone()]);
    // The identity is the user's now: GetId with the login finds it, and it is no guest any more.
    assert_eq!(
        get_id_with(&app, &linked.pool, &name, &linked.id_token).await,
        guest
    );
    let (code, _) = failure(
        app.identity
            .get_credentials_for_identity()
            .identity_id(&guest)
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
}

async fn a_known_login_answers_with_its_own_identity(app: TestApp) {
    let linked = linked(&app, true).await;
    let name = provider_name(&linked.user_pool);
    let alice = get_id_with(&app, &linked.pool, &name, &linked.id_token).await;
    let guest = guest(&app, &linked.pool).await;
    let out = app
        .identity
        .get_credentials_for_identity()
        .identity_id(&guest)
        .logins(&name, &linked.id_token)
        .send()
        .await
        .unwrap();
    assert_eq!(out.identity_id.as_deref(), Some(alice.as_str()));
    assert!(out.credentials.unwrap().access_key_id.is_some());
    // The guest identity was merged: it no longer opens for anyone, and is hidden as disabled.
    let (code, _) = failure(
        app.identity
            .get_credentials_for_identity()
            .identity_id(&guest)
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
    let listed = app
        .identity
        .list_identities()
        .identity_pool_id(&linked.pool)
        .max_results(60)
        .hide_disabled(true)
        .send()
        .await
        .unwrap()
        .identities
        .unwrap_or_default();
    let ids: Vec<_> = listed
        .iter()
        .filter_map(|i| i.identity_id.clone())
        .collect();
    assert_eq!(ids, vec![alice.clone()]);
    // Alice's identity still answers Alice.
    let again = app
        .identity
        .get_credentials_for_identity()
        .identity_id(&alice)
        .logins(&name, &linked.id_token)
        .send()
        .await
        .unwrap();
    assert_eq!(again.identity_id.as_deref(), Some(alice.as_str()));
}

async fn open_id_token_switches_too(app: TestApp) {
    let linked = linked(&app, true).await;
    let name = provider_name(&linked.user_pool);
    let guest = guest(&app, &linked.pool).await;
    let out = app
        .identity
        .get_open_id_token()
        .identity_id(&guest)
        .logins(&name, &linked.id_token)
        .send()
        .await
        .unwrap();
    assert_eq!(out.identity_id.as_deref(), Some(guest.as_str()));
    assert!(out.token.is_some());
    assert_eq!(linked_providers(&app, &guest).await, vec![name.clone()]);

    // Bob already has an identity: a second guest signing in as Bob gets Bob's.
    app.confirmed_user(&linked.user_pool, "bob", PASSWORD).await;
    let bob_token = sign_in(&app, &linked.client, "bob", PASSWORD)
        .await
        .id_token
        .unwrap();
    let bob = get_id_with(&app, &linked.pool, &name, &bob_token).await;
    let second_guest = self::guest(&app, &linked.pool).await;
    let out = app
        .identity
        .get_open_id_token()
        .identity_id(&second_guest)
        .logins(&name, &bob_token)
        .send()
        .await
        .unwrap();
    assert_eq!(out.identity_id.as_deref(), Some(bob.as_str()));
}

async fn a_guest_of_another_pool_or_a_bad_token_is_refused(app: TestApp) {
    let linked = linked(&app, true).await;
    let name = provider_name(&linked.user_pool);
    let guest = guest(&app, &linked.pool).await;
    // A token that does not verify links nothing.
    let mut forged = linked.id_token.clone();
    forged.push('x');
    let (code, _) = failure(
        app.identity
            .get_credentials_for_identity()
            .identity_id(&guest)
            .logins(&name, &forged)
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
    assert!(linked_providers(&app, &guest).await.is_empty());
    // The guest identity is still a guest.
    let out = app
        .identity
        .get_credentials_for_identity()
        .identity_id(&guest)
        .send()
        .await
        .unwrap();
    assert_eq!(out.identity_id.as_deref(), Some(guest.as_str()));
}
