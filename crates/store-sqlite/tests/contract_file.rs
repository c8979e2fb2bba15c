//! The storage contract on a fresh SQLite database file per test: the production setup (WAL,
//! a pool of connections, `BEGIN IMMEDIATE` writers, busy timeout).

mod common;

use std::sync::Arc;

use cognate_store_contract::Harness;
use cognate_store_sqlite::SqliteStore;

async fn harness() -> Option<Harness> {
    let dir = common::scratch_dir("contract");
    let url = format!("sqlite://{}/nested/cognate.db", dir.display());
    let store = SqliteStore::connect(&url).await.expect("SQLite file store");
    let closing = store.clone();
    Some(Harness::with_teardown(Arc::new(store), async move {
        closing.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }))
}

cognate_store_contract::store_contract_tests!(harness());
