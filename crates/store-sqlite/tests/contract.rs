//! The storage contract on a fresh in-memory SQLite database per test.

use std::sync::Arc;

use cognate_store_contract::Harness;
use cognate_store_sqlite::SqliteStore;

async fn harness() -> Option<Harness> {
    let store = SqliteStore::in_memory()
        .await
        .expect("in-memory SQLite store");
    Some(Harness::new(Arc::new(store)))
}

cognate_store_contract::store_contract_tests!(harness());
