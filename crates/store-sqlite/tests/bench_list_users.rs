//! ListUsers at scale on a SQLite file (ignored: run with
//! `BENCH_USERS=1000000 cargo test -p cognate-store-sqlite --release --test bench_list_users -- --ignored --nocapture`).

use std::sync::Arc;

use cognate_store_sqlite::SqliteStore;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark"]
async fn list_users_at_scale() {
    let users = std::env::var("BENCH_USERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let dir = std::env::temp_dir().join(format!("cognate-bench-{}", std::process::id()));
    let url = format!("sqlite://{}/bench.db", dir.display());
    let store = SqliteStore::connect(&url).await.expect("SQLite store");
    cognate_store_contract::bench::list_users_at_scale(Arc::new(store), "sqlite", users, 1).await;
    let _ = std::fs::remove_dir_all(&dir);
}
