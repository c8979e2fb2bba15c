//! A ListUsers benchmark both backends run (ignored tests, numbers printed, never asserted):
//! bulk-loads a pool, then times `email ^=` filters that each select a handful of users.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cognate_domain::Store;
use cognate_domain::user::{FilterField, UserFilter};
use futures::StreamExt as _;

use crate::fixtures::{pool, pool_id, user};

/// Concurrent writers during the load (SQLite serialises them; Postgres uses its pool).
const LOAD_CONCURRENCY: usize = 8;
const QUERIES: usize = 2000;

/// Loads `users` users into a new pool and times ListUsers filters over it; prints the result.
#[allow(clippy::disallowed_methods)] // Wall-clock latency is what a benchmark measures.
pub async fn list_users_at_scale(store: Arc<dyn Store>, label: &str, users: usize) {
    let id = pool_id(1);
    store.create_pool(&pool(&id), &[]).await.expect("pool");
    let started = Instant::now();
    futures::stream::iter(0..users)
        .map(|n| {
            let store = store.clone();
            let id = id.clone();
            async move {
                let mut u = user(&id, &format!("user{n:07}"));
                u.attributes
                    .insert("email".into(), format!("e{:07}@example.com", mix(n, users)));
                store.create_user(&u).await.expect("create user");
            }
        })
        .buffer_unordered(LOAD_CONCURRENCY)
        .collect::<Vec<()>>()
        .await;
    let load = started.elapsed();
    let mut times = Vec::with_capacity(QUERIES);
    for q in 0..QUERIES {
        // A 6-digit prefix of a 7-digit number: up to ten users per query.
        let n = mix(q.wrapping_mul(7919), users);
        let filter = UserFilter {
            field: FilterField::Attribute("email".into()),
            prefix: true,
            value: format!("e{:06}", n / 10),
        };
        let t = Instant::now();
        let page = store
            .list_users(&id, Some(&filter), None, 60)
            .await
            .expect("list users");
        times.push(t.elapsed());
        assert!(
            !page.items.is_empty(),
            "the prefix of a loaded user matches"
        );
    }
    times.sort();
    let pct = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)];
    println!(
        "{label}: loaded {users} users in {:.1} s ({:.0} users/s); ListUsers email ^= (60/page) \
         over {QUERIES} queries: p50 {} p99 {} max {}",
        load.as_secs_f64(),
        users as f64 / load.as_secs_f64(),
        ms(pct(50)),
        ms(pct(99)),
        ms(times[times.len() - 1]),
    );
}

/// A bijection-ish scramble of `n` within `0..m` so emails are not in username order.
fn mix(n: usize, m: usize) -> usize {
    (n.wrapping_mul(2_654_435_761) % m.max(1)).min(m.saturating_sub(1))
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
