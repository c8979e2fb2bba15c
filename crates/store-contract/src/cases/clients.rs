use cognate_domain::{Store, StoreError};
use serde_json::json;

use super::client_pages;
use crate::fixtures::*;

pub async fn client_crud(store: &dyn Store) {
    let (id, other) = (pool_id(1), pool_id(2));
    store
        .create_pool(&pool(&id), &[])
        .await
        .expect("create pool");
    store
        .create_pool(&pool(&other), &[])
        .await
        .expect("create pool");
    let created = client(&id, &client_id(1));
    assert_eq!(
        store.get_client(&created.client_id).await,
        Err(StoreError::NotFound)
    );
    store.create_client(&created).await.expect("create");
    assert_eq!(
        store.get_client(&created.client_id).await.expect("get"),
        created
    );
    // Client ids are unique across pools.
    let clash = client(&other, &client_id(1));
    assert_eq!(
        store.create_client(&clash).await,
        Err(conflict("app_clients_pkey"))
    );

    let mut updated = created.clone();
    updated.name = "renamed".into();
    updated.secrets.clear();
    updated.refresh_token_rotation = None;
    updated
        .settings
        .insert("LogoutURLs".into(), json!(["https://app.example.com/bye"]));
    store.update_client(&updated).await.expect("update");
    assert_eq!(
        store.get_client(&created.client_id).await.expect("get"),
        updated
    );
    // A client is updated and deleted only through its own pool.
    assert_eq!(store.update_client(&clash).await, Err(StoreError::NotFound));
    assert_eq!(
        store.update_client(&client(&id, &client_id(2))).await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.delete_client(&other, &created.client_id).await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.get_client(&created.client_id).await.expect("get"),
        updated
    );

    store
        .delete_client(&id, &created.client_id)
        .await
        .expect("delete");
    assert_eq!(
        store.get_client(&created.client_id).await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.delete_client(&id, &created.client_id).await,
        Err(StoreError::NotFound)
    );
    // The id is free again, in any pool.
    store
        .create_client(&clash)
        .await
        .expect("create in the other pool");
}

pub async fn client_for_missing_pool_is_not_found(store: &dyn Store) {
    let orphan = client(&pool_id(1), &client_id(1));
    assert_eq!(
        store.create_client(&orphan).await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.get_client(&orphan.client_id).await,
        Err(StoreError::NotFound)
    );
}

pub async fn client_list_pages_each_client_once(store: &dyn Store) {
    let (id, other) = (pool_id(1), pool_id(2));
    store
        .create_pool(&pool(&id), &[])
        .await
        .expect("create pool");
    store
        .create_pool(&pool(&other), &[])
        .await
        .expect("create pool");
    let mut expected = Vec::new();
    for n in [9, 4, 1, 7, 3, 8, 2] {
        let client = client(&id, &client_id(n));
        store.create_client(&client).await.expect("create");
        expected.push(client.client_id.to_string());
        // Interleaved clients of another pool never show.
        store
            .create_client(&crate::fixtures::client(&other, &client_id(100 + n)))
            .await
            .expect("create");
    }
    expected.sort();
    for limit in [1, 2, 3, 7, 8, 60] {
        assert_pages(&client_pages(store, &id, limit).await, limit, &expected);
    }
    let page = store.list_clients(&id, None, 1).await.expect("list");
    assert_eq!(page.items, vec![client(&id, &client_id(1))]);
    assert!(
        store
            .list_clients(&pool_id(3), None, 10)
            .await
            .expect("list")
            .items
            .is_empty()
    );
}
