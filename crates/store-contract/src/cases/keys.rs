use cognate_domain::keys::KeyPurpose;
use cognate_domain::{Store, StoreError, Timestamp};

use crate::fixtures::*;

pub async fn keys_add_and_list_oldest_first(store: &dyn Store) {
    let (id, other) = (pool_id(1), pool_id(2));
    store
        .create_pool(&pool(&id), &[])
        .await
        .expect("create pool");
    store
        .create_pool(&pool(&other), &[key(&other, "o1", KeyPurpose::IdToken, T0)])
        .await
        .expect("create pool");
    assert!(store.list_keys(&id).await.expect("keys").is_empty());
    // Listed by age, not by kid or insertion order.
    let newer = key(&id, "a-newer", KeyPurpose::AccessToken, T0.plus_secs(10));
    let older = key(&id, "z-older", KeyPurpose::IdToken, T0);
    store
        .add_keys(&[newer.clone(), older.clone()])
        .await
        .expect("add");
    assert_eq!(store.list_keys(&id).await.expect("keys"), [older, newer]);
    assert_eq!(store.list_keys(&other).await.expect("keys").len(), 1);
    store.add_keys(&[]).await.expect("adding nothing");
}

pub async fn keys_filled_slot_is_skipped(store: &dyn Store) {
    let id = pool_id(1);
    let first = key(&id, "first", KeyPurpose::IdToken, T0);
    store
        .create_pool(&pool(&id), std::slice::from_ref(&first))
        .await
        .expect("create pool");
    // The id-token slot is taken: that key is skipped, the access-token one is added.
    let second = key(&id, "second", KeyPurpose::IdToken, T0.plus_secs(1));
    let access = key(&id, "access", KeyPurpose::AccessToken, T0.plus_secs(2));
    store
        .add_keys(&[second, access.clone()])
        .await
        .expect("add");
    assert_eq!(
        store.list_keys(&id).await.expect("keys"),
        [first.clone(), access.clone()]
    );
    // A repeated kid is skipped too.
    store
        .add_keys(&[key(&id, "first", KeyPurpose::AccessToken, T0)])
        .await
        .expect("add");
    assert_eq!(store.list_keys(&id).await.expect("keys"), [first, access]);
}

/// Replicas racing to fill a pool's keys converge on one key per purpose.
pub async fn keys_racing_writers_converge(store: &dyn Store) {
    let id = pool_id(1);
    store
        .create_pool(&pool(&id), &[])
        .await
        .expect("create pool");
    let set = |n: i64| {
        vec![
            key(
                &id,
                &format!("id-{n}"),
                KeyPurpose::IdToken,
                Timestamp(T0.0 + n),
            ),
            key(
                &id,
                &format!("ac-{n}"),
                KeyPurpose::AccessToken,
                Timestamp(T0.0 + n),
            ),
        ]
    };
    let (a, b, c, d) = (set(1), set(2), set(3), set(4));
    let results = tokio::join!(
        store.add_keys(&a),
        store.add_keys(&b),
        store.add_keys(&c),
        store.add_keys(&d)
    );
    assert_eq!(results, (Ok(()), Ok(()), Ok(()), Ok(())));
    let keys = store.list_keys(&id).await.expect("keys");
    let mut purposes: Vec<KeyPurpose> = keys.iter().map(|key| key.purpose).collect();
    purposes.sort_by_key(|purpose| purpose.as_str());
    assert_eq!(
        purposes,
        [KeyPurpose::AccessToken, KeyPurpose::IdToken],
        "{keys:?}"
    );
}

pub async fn keys_for_missing_pool_are_not_found(store: &dyn Store) {
    let id = pool_id(1);
    assert_eq!(
        store
            .add_keys(&[key(&id, "k", KeyPurpose::IdToken, T0)])
            .await,
        Err(StoreError::NotFound)
    );
    assert!(store.list_keys(&id).await.expect("keys").is_empty());
}
