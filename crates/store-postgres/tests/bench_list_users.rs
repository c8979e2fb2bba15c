//! ListUsers at scale on Postgres, a scratch database (ignored: run with TEST_DATABASE_URL and
//! `BENCH_USERS=1000000 cargo test -p cognate-store-postgres --release --test bench_list_users -- --ignored --nocapture`).

use std::sync::Arc;

use cognate_store_postgres::{PgStore, create_scratch_database, drop_scratch_database};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark"]
async fn list_users_at_scale() {
    let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
        eprintln!("TEST_DATABASE_URL is not set: benchmark not run");
        return;
    };
    let users = std::env::var("BENCH_USERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let url = create_scratch_database(&admin_url).await.expect("scratch");
    let store = PgStore::connect(&url).await.expect("Postgres store");
    cognate_store_contract::bench::list_users_at_scale(
        Arc::new(store.clone()),
        "postgres",
        users,
        4,
    )
    .await;
    store.close().await;
    let _ = drop_scratch_database(&admin_url, &url).await;
}
