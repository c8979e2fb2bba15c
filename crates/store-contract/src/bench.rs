//! A ListUsers benchmark both backends run (ignored tests, numbers printed, never asserted):
//! bulk-loads a pool (`create_users_bulk`, batches of `LOAD_BATCH`), then times `email ^=` filters that each select a handful of users.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cognate_domain::Store;
use cognate_domain::user::{FilterField, UserFilter};
use futures::StreamExt as _;

use crate::fixtures::{pool, pool_id, user};

const QUERIES: usize = 2000;
/// Users per `create_users_bulk` call: one transaction each.
const LOAD_BATCH: usize = 1000;

/// Loads `users` users into a new pool with `writers` concurrent bulk calls (1 for SQLite,
/// which runs one writer at a time; more for Postgres), then times ListUsers filters over it
/// and prints the result.
#[allow(clippy::disallowed_methods)] // Wall-clock latency is what a benchmark measures.
pub async fn list_users_at_scale(store: Arc<dyn Store>, label: &str, users: usize, writers: usize) {
    let id = pool_id(1);
    store.create_pool(&pool(&id), &[]).await.expect("pool");
    let started = Instant::now();
    let batches: Vec<std::ops::Range<usize>> = (0..users)
        .step_by(LOAD_BATCH)
        .map(|from| from..(from + LOAD_BATCH).min(users))
        .collect();
    futures::stream::iter(batches)
        .map(|batch| {
            let store = store.clone();
            let id = id.clone();
            async move {
                let batch: Vec<_> = batch
                    .map(|n| {
                        let mut u = user(&id, &format!("user{n:07}"));
                        u.attributes
                            .insert("email".into(), format!("e{:07}@example.com", mix(n, users)));
                        u
                    })
                    .collect();
                let results = store.create_users_bulk(&batch).await.expect("bulk load");
                assert!(results.iter().all(Result::is_ok), "every user loads");
            }
        })
        .buffer_unordered(writers.max(1))
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
