//! ListUsers filters are index lookups: checked on Postgres's plans, when `TEST_DATABASE_URL`
//! names a server.

use cognate_domain::ids::UserPoolId;
use cognate_domain::user::{FilterField, UserFilter};
use std::future::Future;

use sqlx::{Executor, PgConnection, Row};

use cognate_store_sql::listing_sql::list_users_query;
use cognate_store_sql::users::UserDialect;

use crate::dialect;
use crate::{PgStore, create_scratch_database, drop_scratch_database};
use cognate_domain::listing::FilterPlan;
use cognate_store_sql::listed_users::After;

fn filters() -> Vec<(UserFilter, &'static str)> {
    let filter = |field, prefix, value: &str| UserFilter {
        field,
        prefix,
        value: value.into(),
    };
    let attr = |name: &str| FilterField::Attribute(name.into());
    vec![
        (
            filter(attr("phone_number"), true, "+1555"),
            "user_attributes_filter_idx",
        ),
        (
            filter(attr("email"), false, "user0000042@example.com"),
            "user_attributes_filter_idx",
        ),
        (
            filter(attr("given_name"), true, &"é".repeat(300)),
            "user_attributes_filter_idx",
        ),
        (
            filter(FilterField::Username, true, "user00004"),
            "users_pool_username_key",
        ),
        (
            filter(FilterField::UserStatus, false, "UNCONFIRMED"),
            "users_pool_status_idx",
        ),
        (
            filter(FilterField::Enabled, false, "Disabled"),
            "users_pool_enabled_idx",
        ),
    ]
}

async fn plan(
    conn: &mut PgConnection,
    head: &str,
    pool: &UserPoolId,
    filter: &UserFilter,
    after: Option<&str>,
) -> Vec<String> {
    let plan = FilterPlan::new(Some(filter));
    let rows = list_users_query(
        &<dialect::Postgres as UserDialect>::LISTING,
        head,
        pool.as_str(),
        &plan,
        after.map(|key| After::near(&plan, key)).as_ref(),
        60,
    )
    .build()
    .fetch_all(&mut *conn)
    .await
    .expect("explain");
    rows.iter().map(|row| row.get::<String, _>(0)).collect()
}

fn assert_index_lookup(lines: &[String], index: &str, filter: &UserFilter) {
    assert!(
        lines.iter().any(|line| line.contains(index)),
        "{filter:?}: {lines:#?}"
    );
    assert!(
        !lines.iter().any(|line| line.contains("Seq Scan")),
        "{filter:?} scans: {lines:#?}"
    );
}

/// Runs `body` on a store over a scratch database, dropped afterwards even when `body` panics;
/// skipped without `TEST_DATABASE_URL`.
async fn with_scratch<F, Fut>(body: F)
where
    F: FnOnce(PgStore) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Ok(admin) = std::env::var("TEST_DATABASE_URL") else {
        eprintln!("skipped: TEST_DATABASE_URL is not set");
        return;
    };
    let url = create_scratch_database(&admin)
        .await
        .expect("scratch database");
    let store = PgStore::connect(&url).await.expect("store");
    let outcome = tokio::spawn(body(store.clone())).await;
    store.close().await;
    drop_scratch_database(&admin, &url)
        .await
        .expect("drop scratch database");
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
}

/// Fills a pool with `count` users, set-based (not through the store API), and analyzes.
async fn populate(store: &PgStore, count: u32) {
    let users = format!(
        "INSERT INTO users SELECT 'us-east-1_Plan', u.name, u.name, 'sub-' || i, u.status, i % 7 <> 0, 0, 0,
            jsonb_build_object('pool_id', 'us-east-1_Plan', 'username', u.name, 'username_key', u.name,
                'sub', 'sub-' || i, 'status', CASE WHEN i % 10 = 0 THEN 'Unconfirmed' ELSE 'Confirmed' END,
                'enabled', i % 7 <> 0, 'created_at', 0, 'last_modified_at', 0,
                'attributes', jsonb_build_object('email', u.name || '@example.com',
                    'phone_number', format('+%s%s', 1 + i % 50, lpad(((i::bigint * 7919) % 1000000000)::text, 9, '0'))),
                'aliases', '[]'::jsonb, 'password', null, 'password_history', '[]'::jsonb, 'extra', '{{}}'::jsonb)
         FROM generate_series(1, {count}) AS i,
            LATERAL (SELECT 'user' || lpad(i::text, 7, '0') AS name,
                            CASE WHEN i % 10 = 0 THEN 'UNCONFIRMED' ELSE 'CONFIRMED' END AS status) AS u"
    );
    for sql in [
        "INSERT INTO user_pools (id, name, created_at, data) VALUES ('us-east-1_Plan', 'p', 0, '{}')",
        &users,
        "INSERT INTO user_attributes SELECT pool_id, username_key, a.key, a.value
         FROM users, jsonb_each_text(data -> 'attributes') AS a",
        "VACUUM ANALYZE",
    ] {
        store.pool().execute(sql).await.expect(sql);
    }
}

/// With statistics of a pool of 20,000 users, every filter (and its next pages) is planned on
/// its index: the predicates are index-shaped (collation, the `substr` expression).
#[tokio::test]
async fn filters_are_index_lookups() {
    with_scratch(|store| async move {
        populate(&store, 20_000).await;
        let pool = UserPoolId::new("us-east-1_Plan");
        {
            let mut conn = store.pool().acquire().await.expect("connection");
            for (filter, index) in filters() {
                for after in [None, Some("user0000010")] {
                    assert_index_lookup(
                        &plan(&mut conn, "EXPLAIN ", &pool, &filter, after).await,
                        index,
                        &filter,
                    );
                }
            }
        }
    })
    .await;
}

/// A pool of a million users: prints the plans and timings of the filters. Run by hand:
/// `TEST_DATABASE_URL=... cargo test -p cognate-store-postgres --release -- --ignored --nocapture million`
#[tokio::test]
#[ignore]
#[allow(clippy::disallowed_methods)] // wall-clock timings for the report
async fn million_users_filters_stay_index_lookups() {
    use cognate_domain::store::UserStore;

    with_scratch(|store| async move {
        let started = std::time::Instant::now();
        populate(&store, 1_000_000).await;
        println!("populated in {:?}", started.elapsed());
        let pool = UserPoolId::new("us-east-1_Plan");
        let mut conn = store.pool().acquire().await.expect("connection");
        for (filter, index) in filters() {
            for after in [None, Some("user0500000")] {
                let lines = plan(
                    &mut conn,
                    "EXPLAIN (ANALYZE, BUFFERS) ",
                    &pool,
                    &filter,
                    after,
                )
                .await;
                println!("{filter:?} after {after:?}\n  {}", lines.join("\n  "));
                assert_index_lookup(&lines, index, &filter);
                let position =
                    after.map(|key| After::near(&FilterPlan::new(Some(&filter)), key).encode());
                let started = std::time::Instant::now();
                let page = store
                    .list_users(&pool, Some(&filter), position.as_deref(), 60)
                    .await
                    .expect("list");
                println!(
                    "  -> {} users, next {:?}, in {:?}",
                    page.items.len(),
                    page.next,
                    started.elapsed()
                );
            }
        }
    })
    .await;
}
