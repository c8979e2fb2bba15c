//! GetId and GetCredentialsForIdentity right after a change: the identity pool, its identities
//! and the tokens they were given with are kept decoded between requests (the verified-token
//! cache on every backend, the store's read cache on SQLite), and no change may be missed.

use cognate_testkit::{TestApp, backend_tests, failure};

use crate::identity_credentials::{get_id_with, linked};
use crate::identity_pools::provider_name;

backend_tests!(
    a_pool_update_is_seen_by_the_next_request,
    a_deleted_user_pool_takes_its_tokens_with_it,
    deleted_and_unlinked_identities_are_not_served,
);

async fn a_pool_update_is_seen_by_the_next_request(app: TestApp) {
    let linked = linked(&app, true).await;
    let name = provider_name(&linked.user_pool);
    let id = get_id_with(&app, &linked.pool, &name, &linked.id_token).await;
    app.identity
        .get_id()
        .identity_pool_id(&linked.pool)
        .send()
        .await
        .unwrap();
    // No guests, and no user-pool provider: the same token is now refused.
    app.identity
        .update_identity_pool()
        .identity_pool_id(&linked.pool)
        .identity_pool_name("pool")
        .allow_unauthenticated_identities(false)
        .send()
        .await
        .unwrap();
    let (code, _) = failure(
        app.identity
            .get_id()
            .identity_pool_id(&linked.pool)
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
    let (code, _) = failure(
        app.identity
            .get_credentials_for_identity()
            .identity_id(&id)
            .logins(&name, &linked.id_token)
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
}

async fn a_deleted_user_pool_takes_its_tokens_with_it(app: TestApp) {
    let linked = linked(&app, false).await;
    let name = provider_name(&linked.user_pool);
    let id = get_id_with(&app, &linked.pool, &name, &linked.id_token).await;
    app.idp
        .delete_user_pool()
        .user_pool_id(&linked.user_pool)
        .send()
        .await
        .unwrap();
    let (code, _) = failure(
        app.identity
            .get_credentials_for_identity()
            .identity_id(&id)
            .logins(&name, &linked.id_token)
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
}

async fn deleted_and_unlinked_identities_are_not_served(app: TestApp) {
    let linked = linked(&app, false).await;
    let name = provider_name(&linked.user_pool);
    let first = get_id_with(&app, &linked.pool, &name, &linked.id_token).await;
    app.identity
        .get_credentials_for_identity()
        .identity_id(&first)
        .logins(&name, &linked.id_token)
        .send()
        .await
        .unwrap();
    app.identity
        .delete_identities()
        .identity_ids_to_delete(&first)
        .send()
        .await
        .unwrap();
    let (code, _) = failure(
        app.identity
            .get_credentials_for_identity()
            .identity_id(&first)
            .logins(&name, &linked.id_token)
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
    // The login is free again: a new identity, which then loses it to UnlinkIdentity.
    let second = get_id_with(&app, &linked.pool, &name, &linked.id_token).await;
    assert_ne!(second, first);
    app.identity
        .unlink_identity()
        .identity_id(&second)
        .logins(&name, &linked.id_token)
        .logins_to_remove(&name)
        .send()
        .await
        .unwrap();
    let (code, _) = failure(
        app.identity
            .get_credentials_for_identity()
            .identity_id(&second)
            .logins(&name, &linked.id_token)
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
    let third = get_id_with(&app, &linked.pool, &name, &linked.id_token).await;
    assert_ne!(third, second);
}
