//! The storage contract on Postgres with the store as `cognate serve` runs it: following the
//! change notifications, so keeping pools, clients, users and listed users decoded
//! (`cognate_store_sql::read_cache`). Skipped when `TEST_DATABASE_URL` is unset.

use std::sync::Arc;

use cognate_domain::invalidation::Invalidations;
use cognate_store_contract::{Harness, skip};
use cognate_store_postgres::{PgStore, create_scratch_database, drop_scratch_database};

async fn harness() -> Option<Harness> {
    let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
        return skip("TEST_DATABASE_URL is not set: Postgres contract not run");
    };
    let url = create_scratch_database(&admin_url)
        .await
        .expect("scratch database");
    let (store, listening) = PgStore::connect(&url)
        .await
        .expect("Postgres store")
        .follow_changes(Invalidations::default())
        .await
        .expect("following the change notifications");
    let listening = tokio::spawn(listening);
    let closing = store.clone();
    Some(Harness::with_teardown(Arc::new(store), async move {
        listening.abort();
        closing.close().await;
        if let Err(err) = drop_scratch_database(&admin_url, &url).await {
            eprintln!("dropping {url}: {err}");
        }
    }))
}

cognate_store_contract::store_contract_tests!(harness());
