use cognate_domain::keys::KeyPurpose;
use cognate_domain::user::{FilterField, UserFilter};
use cognate_domain::{Store, StoreError};
use serde_json::json;

use super::{filtered, pool_pages};
use crate::fixtures::*;

pub async fn pool_crud(store: &dyn Store) {
    let id = pool_id(1);
    let created = pool(&id);
    assert_eq!(store.get_pool(&id).await, Err(StoreError::NotFound));
    store.create_pool(&created, &[]).await.expect("create");
    assert_eq!(store.get_pool(&id).await.expect("get"), created);
    assert_eq!(
        store.create_pool(&created, &[]).await,
        Err(conflict("user_pools_pkey"))
    );

    let mut updated = created.clone();
    updated.name = "renamed ✓".into();
    updated.deletion_protection = true;
    updated.last_modified_at = T0.plus_secs(60);
    updated.tags.insert("env".into(), "staging".into());
    updated.settings.insert(
        "EmailConfiguration".into(),
        json!({ "EmailSendingAccount": "DEVELOPER", "n": 1.5 }),
    );
    store.update_pool(&updated).await.expect("update");
    assert_eq!(store.get_pool(&id).await.expect("get"), updated);

    let absent = pool(&pool_id(2));
    assert_eq!(store.update_pool(&absent).await, Err(StoreError::NotFound));
    assert_eq!(
        store.delete_pool(&absent.id).await,
        Err(StoreError::NotFound)
    );

    store.delete_pool(&id).await.expect("delete");
    assert_eq!(store.get_pool(&id).await, Err(StoreError::NotFound));
    assert_eq!(store.delete_pool(&id).await, Err(StoreError::NotFound));
    assert_eq!(store.update_pool(&updated).await, Err(StoreError::NotFound));
}

/// A pool whose keys cannot be written is not created either.
pub async fn pool_create_is_atomic(store: &dyn Store) {
    let id = pool_id(1);
    let stray = key(&pool_id(99), "stray", KeyPurpose::IdToken, T0);
    assert_eq!(
        store.create_pool(&pool(&id), &[stray]).await,
        Err(StoreError::NotFound)
    );
    assert_eq!(store.get_pool(&id).await, Err(StoreError::NotFound));
    assert!(
        store
            .list_pools(None, 10)
            .await
            .expect("list")
            .items
            .is_empty()
    );

    let keys = [
        key(&id, "k1", KeyPurpose::IdToken, T0),
        key(&id, "k2", KeyPurpose::AccessToken, T0),
    ];
    store.create_pool(&pool(&id), &keys).await.expect("create");
    assert_eq!(store.list_keys(&id).await.expect("keys"), keys);
}

pub async fn pool_list_pages_each_pool_once(store: &dyn Store) {
    let mut expected = Vec::new();
    for n in [5, 3, 7, 1, 6, 2, 4] {
        let id = pool_id(n);
        store.create_pool(&pool(&id), &[]).await.expect("create");
        expected.push(id.to_string());
    }
    expected.sort();
    for limit in [1, 2, 3, 6, 7, 8, 60] {
        assert_pages(&pool_pages(store, limit).await, limit, &expected);
    }
    // `after` need not be an existing id.
    let page = store
        .list_pools(Some("us-east-1_Pool00003x"), 60)
        .await
        .expect("list");
    let ids: Vec<String> = page.items.iter().map(|pool| pool.id.to_string()).collect();
    assert_eq!(ids, expected[3..]);
    let page = store.list_pools(Some(&expected[6]), 2).await.expect("list");
    assert_eq!(
        page,
        cognate_domain::Page {
            items: vec![],
            next: None
        }
    );
    // Pools come back whole.
    let page = store.list_pools(None, 1).await.expect("list");
    assert_eq!(page.items, vec![pool(&pool_id(1))]);
}

pub async fn pool_delete_cascades(store: &dyn Store) {
    let (doomed, kept) = (pool_id(1), pool_id(2));
    for (n, id) in [(1, &doomed), (2, &kept)] {
        let keys = [
            key(id, &format!("id{n}"), KeyPurpose::IdToken, T0),
            key(id, &format!("ac{n}"), KeyPurpose::AccessToken, T0),
        ];
        store
            .create_pool(&pool(id), &keys)
            .await
            .expect("create pool");
        store
            .create_client(&client(id, &client_id(n)))
            .await
            .expect("create client");
        let mut alice = user(id, "alice");
        alice.aliases = vec![alias("email", "alice@example.com")];
        store.create_user(&alice).await.expect("create user");
        store
            .create_user(&user(id, "bob"))
            .await
            .expect("create user");
    }
    store.delete_pool(&doomed).await.expect("delete");

    assert_eq!(store.get_pool(&doomed).await, Err(StoreError::NotFound));
    assert_eq!(
        store.get_client(&client_id(1)).await,
        Err(StoreError::NotFound)
    );
    assert!(
        store
            .list_clients(&doomed, None, 10)
            .await
            .expect("clients")
            .items
            .is_empty()
    );
    assert!(store.list_keys(&doomed).await.expect("keys").is_empty());
    assert_eq!(
        store.get_user(&doomed, "alice").await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store
            .get_user_by_sub(&doomed, &user(&doomed, "alice").sub)
            .await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store
            .get_user_by_alias(&doomed, "email", "alice@example.com")
            .await,
        Err(StoreError::NotFound)
    );
    assert!(
        store
            .list_users(&doomed, None, None, 10)
            .await
            .expect("users")
            .items
            .is_empty()
    );
    assert_eq!(store.count_users(&doomed).await, Err(StoreError::NotFound));

    // The other pool is untouched.
    assert_eq!(
        store
            .get_client(&client_id(2))
            .await
            .expect("client")
            .pool_id,
        kept
    );
    assert_eq!(store.list_keys(&kept).await.expect("keys").len(), 2);
    assert_eq!(
        store
            .get_user_by_alias(&kept, "email", "alice@example.com")
            .await
            .expect("alias")
            .pool_id,
        kept
    );
    assert_eq!(store.count_users(&kept).await, Ok(2));

    // Nothing of the deleted pool lingers: the same pool, client, keys and users can come back.
    let keys = [key(&doomed, "id1", KeyPurpose::IdToken, T0)];
    store
        .create_pool(&pool(&doomed), &keys)
        .await
        .expect("re-create pool");
    assert_eq!(store.list_keys(&doomed).await.expect("keys"), keys);
    store
        .create_client(&client(&doomed, &client_id(1)))
        .await
        .expect("re-create client");
    let mut alice = user(&doomed, "alice");
    alice.aliases = vec![alias("email", "alice@example.com")];
    store.create_user(&alice).await.expect("re-create user");
    let by_email = UserFilter {
        field: FilterField::Attribute("email".into()),
        prefix: false,
        value: "alice@example.com".into(),
    };
    assert_eq!(filtered(store, &doomed, &by_email).await, ["alice"]);
    assert_eq!(store.count_users(&doomed).await, Ok(1));
}

pub async fn count_users_counts_the_pools_users(store: &dyn Store) {
    let (id, other) = (pool_id(1), pool_id(2));
    assert_eq!(store.count_users(&id).await, Err(StoreError::NotFound));
    store.create_pool(&pool(&id), &[]).await.expect("create");
    store.create_pool(&pool(&other), &[]).await.expect("create");
    assert_eq!(store.count_users(&id).await, Ok(0));
    for name in ["a", "b", "c"] {
        store
            .create_user(&user(&id, name))
            .await
            .expect("create user");
    }
    store
        .create_user(&user(&other, "a"))
        .await
        .expect("create user");
    assert_eq!(store.count_users(&id).await, Ok(3));
    store.delete_user(&id, "b").await.expect("delete user");
    assert_eq!(store.count_users(&id).await, Ok(2));
    assert_eq!(store.count_users(&other).await, Ok(1));
}

pub async fn health_reports_a_current_schema_and_the_pool(store: &dyn Store) {
    assert_eq!(
        store
            .pending_migrations()
            .await
            .expect("the database answers"),
        0,
        "a store just opened has applied every migration"
    );
    let connections = store.connections();
    assert!(connections.max >= 1, "{connections:?}");
    assert!(connections.idle <= connections.open, "{connections:?}");
}
