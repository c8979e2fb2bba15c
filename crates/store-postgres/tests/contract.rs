//! The storage contract on Postgres, a scratch database per test, when `TEST_DATABASE_URL`
//! names a server (e.g. postgres://postgres@127.0.0.1:5432/postgres); skipped otherwise.

use std::sync::Arc;

use cognate_store_contract::{Harness, skip};
use cognate_store_postgres::{PgStore, create_scratch_database, drop_scratch_database};

async fn harness() -> Option<Harness> {
    let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
        return skip("TEST_DATABASE_URL is not set: Postgres contract not run");
    };
    let url = create_scratch_database(&admin_url)
        .await
        .expect("scratch database");
    let store = PgStore::connect(&url).await.expect("Postgres store");
    let closing = store.clone();
    Some(Harness::with_teardown(Arc::new(store), async move {
        closing.close().await;
        if let Err(err) = drop_scratch_database(&admin_url, &url).await {
            eprintln!("dropping {url}: {err}");
        }
    }))
}

cognate_store_contract::store_contract_tests!(harness());
