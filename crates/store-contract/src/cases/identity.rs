//! Identity pools, identities bound to logins and the identity issuer's keys.

use std::collections::BTreeMap;

use cognate_domain::identity::{Identity, IdentityKeyRecord, IdentityLogin, IdentityPool};
use cognate_domain::{Store, StoreError};

use crate::fixtures::T0;

const PROVIDER: &str = "cognito-idp.us-east-1.amazonaws.com/us-east-1_A";

fn identity_pool(n: u32) -> IdentityPool {
    IdentityPool {
        id: format!("us-east-1:00000000-0000-4000-8000-{n:012}"),
        name: format!("pool{n}"),
        config: serde_json::json!({"AllowUnauthenticatedIdentities": true}),
        tags: BTreeMap::from([("team".into(), "a".into())]),
        roles: BTreeMap::new(),
        role_mappings: serde_json::Value::Null,
        principal_tags: serde_json::Value::Null,
        created_at: T0,
        last_modified_at: T0,
    }
}

fn identity(pool: &IdentityPool, n: u32, logins: &[&str]) -> Identity {
    Identity {
        id: format!("us-east-1:11111111-0000-4000-8000-{n:012}"),
        pool_id: pool.id.clone(),
        logins: logins.iter().map(|l| l.to_string()).collect(),
        created_at: T0,
        last_modified_at: T0,
    }
}

fn login(pool: &IdentityPool, subject: &str) -> IdentityLogin {
    IdentityLogin {
        pool_id: pool.id.clone(),
        provider: PROVIDER.into(),
        subject: subject.into(),
    }
}

pub async fn identity_pool_crud_and_paging(store: &dyn Store) {
    let mut pools: Vec<IdentityPool> = (1..=5).map(identity_pool).collect();
    for pool in &pools {
        store.create_identity_pool(pool).await.expect("create");
    }
    assert!(matches!(
        store.create_identity_pool(&pools[0]).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(
        store.get_identity_pool(&pools[0].id).await,
        Ok(pools[0].clone())
    );
    pools[0].name = "renamed".into();
    store.update_identity_pool(&pools[0]).await.expect("update");
    assert_eq!(
        store.get_identity_pool(&pools[0].id).await,
        Ok(pools[0].clone())
    );
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store
            .list_identity_pools(after.as_deref(), 2)
            .await
            .expect("list");
        assert!(page.items.len() <= 2);
        seen.extend(page.items.iter().map(|p| p.id.clone()));
        after = page.next;
        if after.is_none() {
            break;
        }
    }
    assert_eq!(seen, pools.iter().map(|p| p.id.clone()).collect::<Vec<_>>());
    store
        .delete_identity_pool(&pools[0].id)
        .await
        .expect("delete");
    assert_eq!(
        store.get_identity_pool(&pools[0].id).await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.delete_identity_pool(&pools[0].id).await,
        Err(StoreError::NotFound)
    );
    let missing = identity_pool(99);
    assert_eq!(
        store.update_identity_pool(&missing).await,
        Err(StoreError::NotFound)
    );
}

pub async fn identity_logins_bind_one_identity(store: &dyn Store) {
    let pool = identity_pool(1);
    store.create_identity_pool(&pool).await.expect("pool");
    let alice = identity(&pool, 1, &[PROVIDER]);
    let stored = store
        .create_identity(&alice, Some(&login(&pool, "alice")))
        .await
        .expect("create");
    assert_eq!(stored, alice);
    // A second identity for the same login gives back the first, writing nothing.
    let again = identity(&pool, 2, &[PROVIDER]);
    let stored = store
        .create_identity(&again, Some(&login(&pool, "alice")))
        .await
        .expect("existing");
    assert_eq!(stored.id, alice.id);
    assert_eq!(
        store.get_identity(&again.id).await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.find_identity_by_login(&login(&pool, "alice")).await,
        Ok(Some(alice.clone()))
    );
    assert_eq!(
        store.find_identity_by_login(&login(&pool, "bob")).await,
        Ok(None)
    );
    // An identity for a missing pool is refused.
    let orphan = identity(&identity_pool(9), 3, &[]);
    assert_eq!(
        store.create_identity(&orphan, None).await,
        Err(StoreError::NotFound)
    );
    // Unlinking frees the login.
    let unlinked = store
        .unlink_logins(&alice.id, &[login(&pool, "alice").provider])
        .await
        .expect("unlink");
    assert!(unlinked.logins.is_empty());
    assert_eq!(
        store.find_identity_by_login(&login(&pool, "alice")).await,
        Ok(None)
    );
}

pub async fn identity_concurrent_first_logins_converge(store: &dyn Store) {
    let pool = identity_pool(1);
    store.create_identity_pool(&pool).await.expect("pool");
    let carol = login(&pool, "carol");
    let (a, b) = (
        identity(&pool, 1, &[PROVIDER]),
        identity(&pool, 2, &[PROVIDER]),
    );
    let (ra, rb) = tokio::join!(
        store.create_identity(&a, Some(&carol)),
        store.create_identity(&b, Some(&carol))
    );
    let (ra, rb) = (ra.expect("first"), rb.expect("second"));
    assert_eq!(ra.id, rb.id, "both callers get the one identity");
    let page = store
        .list_identities(&pool.id, None, 60)
        .await
        .expect("list");
    assert_eq!(page.items.len(), 1);
}

pub async fn identity_list_delete_and_cascade(store: &dyn Store) {
    let pool = identity_pool(1);
    store.create_identity_pool(&pool).await.expect("pool");
    let identities: Vec<Identity> = (1..=3).map(|n| identity(&pool, n, &[])).collect();
    for identity in &identities {
        store.create_identity(identity, None).await.expect("create");
    }
    let first = store
        .list_identities(&pool.id, None, 2)
        .await
        .expect("page 1");
    assert_eq!(first.items.len(), 2);
    let second = store
        .list_identities(&pool.id, first.next.as_deref(), 2)
        .await
        .expect("page 2");
    assert_eq!(second.items, vec![identities[2].clone()]);
    assert_eq!(second.next, None);

    store
        .delete_identity(&identities[0].id)
        .await
        .expect("delete");
    assert_eq!(
        store.delete_identity(&identities[0].id).await,
        Err(StoreError::NotFound)
    );
    store.delete_identity_pool(&pool.id).await.expect("pool");
    assert_eq!(
        store.get_identity(&identities[1].id).await,
        Err(StoreError::NotFound)
    );
}

pub async fn identity_issuer_keys_converge(store: &dyn Store) {
    let key = |kid: &str| IdentityKeyRecord {
        kid: kid.into(),
        sealed_private_key: vec![9, 9],
        public_jwk: format!("{{\"kid\":\"{kid}\"}}"),
        created_at: T0,
    };
    assert_eq!(store.list_identity_keys().await, Ok(vec![]));
    store.add_identity_key(&key("k1")).await.expect("first");
    store
        .add_identity_key(&key("k2"))
        .await
        .expect("second is skipped");
    assert_eq!(store.list_identity_keys().await, Ok(vec![key("k1")]));
}

pub async fn identity_logins_link_move_and_remove(store: &dyn Store) {
    let pool = identity_pool(1);
    store.create_identity_pool(&pool).await.expect("pool");
    let (a, b) = (identity(&pool, 1, &[]), identity(&pool, 2, &[]));
    store.create_identity(&a, None).await.expect("a");
    store.create_identity(&b, None).await.expect("b");
    let linked = store
        .link_login(&a.id, &login(&pool, "alice"))
        .await
        .expect("link");
    assert_eq!(linked.logins, vec![PROVIDER.to_string()]);
    assert_eq!(
        store.link_login(&b.id, &login(&pool, "alice")).await,
        Err(StoreError::Conflict {
            constraint: "identity_logins_pkey".into()
        })
    );
    assert_eq!(
        store.list_logins(&a.id).await,
        Ok(vec![login(&pool, "alice")])
    );
    let moved = store
        .move_login(&login(&pool, "alice"), &b.id)
        .await
        .expect("move");
    assert_eq!(moved.id, b.id);
    assert_eq!(moved.logins, vec![PROVIDER.to_string()]);
    assert_eq!(
        store.get_identity(&a.id).await.map(|i| i.logins),
        Ok(vec![])
    );
    assert_eq!(
        store.move_login(&login(&pool, "nobody"), &b.id).await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.remove_login(&a.id, &login(&pool, "alice")).await,
        Err(StoreError::NotFound)
    );
    let removed = store
        .remove_login(&b.id, &login(&pool, "alice"))
        .await
        .expect("remove");
    assert!(removed.logins.is_empty());
    assert_eq!(store.list_logins(&b.id).await, Ok(vec![]));
}
