//! Opening SQLite databases: files, in-memory, persistence.

mod common;

use cognate_domain::StoreError;
use cognate_domain::ids::UserPoolId;
use cognate_domain::store::{PoolStore, UserStore};
use cognate_store_contract::fixtures::{pool, user};
use cognate_store_sqlite::SqliteStore;

#[tokio::test]
async fn a_file_database_is_created_with_its_directory_and_persists() {
    let dir = common::scratch_dir("connect");
    let path = dir.join("a/b/cognate.db");
    let url = format!("sqlite://{}", path.display());
    let id = UserPoolId::new("us-east-1_Persisted");
    {
        let store = SqliteStore::connect(&url).await.expect("create");
        assert!(path.exists());
        store
            .create_pool(&pool(&id), &[])
            .await
            .expect("create pool");
        store
            .create_user(&user(&id, "alice"))
            .await
            .expect("create user");
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(store.pool())
            .await
            .expect("pragma");
        assert_eq!(mode, "wal");
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(store.pool())
            .await
            .expect("pragma");
        assert_eq!(fk, 1);
        let timeout: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(store.pool())
            .await
            .expect("pragma");
        assert!(timeout >= 1000, "busy_timeout {timeout}");
        store.close().await;
    }
    // Reopened (migrations already applied): the data is there.
    let store = SqliteStore::connect(&url).await.expect("reopen");
    assert_eq!(store.get_pool(&id).await.expect("pool"), pool(&id));
    assert_eq!(
        store.get_user(&id, "alice").await.expect("user"),
        user(&id, "alice")
    );
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn in_memory_databases_are_private() {
    let id = UserPoolId::new("us-east-1_Private");
    let one = SqliteStore::in_memory().await.expect("one");
    let two = SqliteStore::in_memory().await.expect("two");
    let three = SqliteStore::connect("sqlite::memory:")
        .await
        .expect("three");
    one.create_pool(&pool(&id), &[]).await.expect("create");
    assert!(one.get_pool(&id).await.is_ok());
    assert_eq!(two.get_pool(&id).await, Err(StoreError::NotFound));
    assert_eq!(three.get_pool(&id).await, Err(StoreError::NotFound));
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(one.pool())
        .await
        .expect("pragma");
    assert_eq!(fk, 1);
}

/// The in-memory database outlives the pool's connection: the store keeps it open.
#[tokio::test]
async fn in_memory_database_survives_its_pool_connection() {
    let id = UserPoolId::new("us-east-1_Survivor");
    let store = SqliteStore::in_memory().await.expect("store");
    store.create_pool(&pool(&id), &[]).await.expect("create");
    // Close the pool's only connection by hand, as an error or an idle timeout would.
    let conn = store.pool().acquire().await.expect("connection");
    conn.detach();
    assert_eq!(store.get_pool(&id).await.expect("still there"), pool(&id));
}

#[tokio::test]
async fn a_bad_url_is_a_backend_error() {
    let err = SqliteStore::connect("sqlite:///nonexistent-dir/\u{0}/x.db?mode=bogus").await;
    assert!(matches!(err, Err(StoreError::Backend(_))), "{err:?}");
}
