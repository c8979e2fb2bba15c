//! Refresh tokens (stored by hash) and the outbox.

use cognate_domain::tokens::{OutboxFilter, OutboxMessage, RefreshTokenRecord};
use cognate_domain::{Store, StoreError};

use crate::fixtures::*;

fn refresh(
    hash: &str,
    pool: &cognate_domain::ids::UserPoolId,
    username: &str,
) -> RefreshTokenRecord {
    let user = user(pool, username);
    RefreshTokenRecord {
        token_hash: hash.into(),
        pool_id: pool.clone(),
        client_id: client_id(1),
        username_key: user.username_key,
        sub: user.sub,
        origin_jti: format!("origin-{hash}"),
        auth_time: T0.secs(),
        issued_at: T0,
        expires_at: T0.plus_secs(30 * 86_400),
        revoked: false,
        rotated_at: None,
        scopes: None,
    }
}

/// A pool with client 1 and users alice and bob.
async fn setup(store: &dyn Store) -> cognate_domain::ids::UserPoolId {
    let id = pool_id(1);
    store.create_pool(&pool(&id), &[]).await.expect("pool");
    store
        .create_client(&client(&id, &client_id(1)))
        .await
        .expect("client");
    for name in ["alice", "bob"] {
        store.create_user(&user(&id, name)).await.expect("user");
    }
    id
}

pub async fn refresh_token_round_trip_and_revoke(store: &dyn Store) {
    let id = setup(store).await;
    let record = refresh("h1", &id, "alice");
    store.insert_refresh_token(&record).await.expect("insert");
    assert_eq!(store.get_refresh_token("h1").await, Ok(record.clone()));
    assert_eq!(
        store.insert_refresh_token(&record).await,
        Err(conflict("refresh_tokens_pkey"))
    );
    assert_eq!(
        store.get_refresh_token("unknown").await,
        Err(StoreError::NotFound)
    );

    let revoked = store.revoke_refresh_token("h1").await.expect("revoke");
    assert!(revoked.revoked);
    assert_eq!(revoked.origin_jti, record.origin_jti);
    assert!(store.get_refresh_token("h1").await.expect("get").revoked);
    assert_eq!(
        store.revoke_refresh_token("unknown").await,
        Err(StoreError::NotFound)
    );
}

pub async fn refresh_token_rotates_once(store: &dyn Store) {
    let id = setup(store).await;
    store
        .insert_refresh_token(&refresh("h1", &id, "alice"))
        .await
        .expect("insert");
    // Read first, so a store that keeps it must forget it when it rotates.
    assert_eq!(
        store.get_refresh_token("h1").await.map(|r| r.rotated_at),
        Ok(None)
    );
    let at = T0.plus_secs(60);
    store
        .mark_refresh_token_rotated("h1", at)
        .await
        .expect("first rotation");
    assert_eq!(
        store
            .mark_refresh_token_rotated("h1", T0.plus_secs(61))
            .await,
        Err(conflict("refresh_tokens_rotated"))
    );
    assert_eq!(
        store.get_refresh_token("h1").await.expect("get").rotated_at,
        Some(at)
    );
    assert_eq!(
        store.mark_refresh_token_rotated("unknown", at).await,
        Err(StoreError::NotFound)
    );
}

pub async fn refresh_tokens_of_a_user_are_revoked_together(store: &dyn Store) {
    let id = setup(store).await;
    for (hash, name) in [("a1", "alice"), ("a2", "alice"), ("b1", "bob")] {
        store
            .insert_refresh_token(&refresh(hash, &id, name))
            .await
            .expect("insert");
        // Read first, so a store that keeps them must forget them when they are revoked.
        assert!(!store.get_refresh_token(hash).await.expect("get").revoked);
    }
    assert_eq!(store.revoke_user_refresh_tokens(&id, "alice").await, Ok(2));
    assert_eq!(store.revoke_user_refresh_tokens(&id, "alice").await, Ok(0));
    assert!(store.get_refresh_token("a1").await.expect("a1").revoked);
    assert!(store.get_refresh_token("a2").await.expect("a2").revoked);
    assert!(!store.get_refresh_token("b1").await.expect("b1").revoked);
}

pub async fn refresh_tokens_die_with_their_user_and_client(store: &dyn Store) {
    let id = setup(store).await;
    store
        .insert_refresh_token(&refresh("a1", &id, "alice"))
        .await
        .expect("insert");
    store
        .insert_refresh_token(&refresh("b1", &id, "bob"))
        .await
        .expect("insert");
    // Read first, so a store that keeps them must forget them when they cascade away.
    for hash in ["a1", "b1"] {
        store.get_refresh_token(hash).await.expect("get");
    }
    store.delete_user(&id, "alice").await.expect("delete user");
    store
        .create_user(&user(&id, "alice"))
        .await
        .expect("re-create");
    assert_eq!(
        store.get_refresh_token("a1").await,
        Err(StoreError::NotFound)
    );
    store
        .delete_client(&id, &client_id(1))
        .await
        .expect("delete client");
    assert_eq!(
        store.get_refresh_token("b1").await,
        Err(StoreError::NotFound)
    );
    let mut orphan = refresh("c1", &id, "carol");
    orphan.username_key = "carol".into();
    assert_eq!(
        store.insert_refresh_token(&orphan).await,
        Err(StoreError::NotFound)
    );

    // And with their pool.
    store
        .create_client(&client(&id, &client_id(1)))
        .await
        .expect("client again");
    store
        .insert_refresh_token(&refresh("b2", &id, "bob"))
        .await
        .expect("insert");
    store.get_refresh_token("b2").await.expect("get");
    store.delete_pool(&id).await.expect("delete pool");
    assert_eq!(
        store.get_refresh_token("b2").await,
        Err(StoreError::NotFound)
    );
}

fn message(pool: &cognate_domain::ids::UserPoolId, username: &str, kind: &str) -> OutboxMessage {
    OutboxMessage {
        id: 0,
        pool_id: pool.clone(),
        username: username.into(),
        kind: kind.into(),
        medium: "EMAIL".into(),
        destination: format!("{username}@example.com"),
        subject: Some("Your code".into()),
        body: "Your code is 123456".into(),
        code: Some("123456".into()),
        created_at: T0,
    }
}

pub async fn outbox_lists_newest_first_by_filter(store: &dyn Store) {
    let id = setup(store).await;
    let other = pool_id(2);
    store.create_pool(&pool(&other), &[]).await.expect("pool");
    let mut ids = Vec::new();
    for (pool, name, kind) in [
        (&id, "alice", "SIGN_UP"),
        (&id, "bob", "SIGN_UP"),
        (&id, "alice", "FORGOT_PASSWORD"),
        (&other, "alice", "SIGN_UP"),
    ] {
        ids.push(
            store
                .add_message(&message(pool, name, kind))
                .await
                .expect("add"),
        );
    }
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "{ids:?}");

    let alice = OutboxFilter {
        pool_id: Some(id.clone()),
        username: Some("alice".into()),
        kind: None,
    };
    let listed = store.list_messages(&alice, 10).await.expect("list");
    assert_eq!(
        listed.iter().map(|m| m.id).collect::<Vec<_>>(),
        [ids[2], ids[0]]
    );
    assert_eq!(listed[0].kind, "FORGOT_PASSWORD");
    assert_eq!(listed[0].code.as_deref(), Some("123456"));

    let sign_ups = OutboxFilter {
        kind: Some("SIGN_UP".into()),
        ..OutboxFilter::default()
    };
    assert_eq!(
        store
            .list_messages(&sign_ups, 10)
            .await
            .expect("list")
            .len(),
        3
    );
    assert_eq!(
        store.list_messages(&sign_ups, 1).await.expect("list")[0].id,
        ids[3]
    );

    store.delete_pool(&other).await.expect("delete pool");
    assert_eq!(
        store
            .list_messages(&sign_ups, 10)
            .await
            .expect("list")
            .len(),
        2
    );
}
