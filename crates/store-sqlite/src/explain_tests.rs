//! ListUsers filters are index lookups: checked on SQLite's plans (`EXPLAIN QUERY PLAN`).

use cognate_domain::ids::UserPoolId;
use cognate_domain::user::{FilterField, UserFilter};
use sqlx::{QueryBuilder, Row, Sqlite};

use crate::SqliteStore;
use cognate_store_sql::listing_sql::{
    ListingSql, list_users_query, listed_users_query, page_keys_query,
};
use cognate_store_sql::users::UserDialect;

use crate::dialect;

const LISTING: &ListingSql = &<dialect::Sqlite as UserDialect>::LISTING;
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
            "sqlite_autoindex_users_1",
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

/// The plan of `query` (built with the head `EXPLAIN QUERY PLAN `), one line per step.
async fn explain(store: &SqliteStore, mut query: QueryBuilder<'_, Sqlite>) -> Vec<String> {
    query
        .build()
        .fetch_all(store.pool())
        .await
        .expect("explain")
        .iter()
        .map(|row| row.get::<String, _>("detail"))
        .collect()
}

/// The plans of a page's statements: the whole page in one (`list_users_query`) and the index
/// walk alone (`page_keys_query`).
async fn plans(
    store: &SqliteStore,
    pool: &UserPoolId,
    filter: &UserFilter,
    after: Option<&str>,
) -> [Vec<String>; 2] {
    let plan = FilterPlan::new(Some(filter));
    let after = after.map(|key| After::near(&plan, key));
    let head = "EXPLAIN QUERY PLAN ";
    [
        explain(
            store,
            list_users_query(LISTING, head, pool.as_str(), &plan, after.as_ref(), 60),
        )
        .await,
        explain(
            store,
            page_keys_query(LISTING, head, pool.as_str(), &plan, after.as_ref(), 60),
        )
        .await,
    ]
}

/// A page's walk: a search of `index`, no other scan than of the walk's own rows.
fn assert_index_walk(lines: &[String], index: &str, filter: &UserFilter) {
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("SEARCH") && line.contains(index)),
        "{filter:?}: {lines:#?}"
    );
    // `SCAN p` walks the page's own keys (at most 61), found by the index ranges above; `same`
    // and `later` are the two walks of a prefix filter's page after a position (at most 61
    // entries each, `listing_sql::push_attribute_keys`), which SQLite sorts to merge them.
    let walks = ["SCAN p", "SCAN same", "SCAN later"];
    assert!(
        !lines
            .iter()
            .any(|line| line.starts_with("SCAN") && !walks.contains(&line.as_str())),
        "{filter:?} scans: {lines:#?}"
    );
    // No sort of every match: only of a walk's own (at most 61) rows.
    assert!(
        lines.windows(2).all(|pair| !pair[1].contains("TEMP B-TREE")
            || ["SCAN same", "SCAN later"].contains(&pair[0].as_str())),
        "{filter:?} sorts: {lines:#?}"
    );
}

/// A whole page: its walk, then each user and its attributes by primary key.
fn assert_index_lookup(lines: &[String], index: &str, filter: &UserFilter) {
    assert_index_walk(lines, index, filter);
    assert_users_by_key(lines);
}

fn assert_users_by_key(lines: &[String]) {
    for step in [
        "SEARCH u USING INDEX sqlite_autoindex_users_1",
        "SEARCH ua USING PRIMARY KEY",
    ] {
        assert!(
            lines.iter().any(|line| line.starts_with(step)),
            "{step}: {lines:#?}"
        );
    }
}

#[tokio::test]
async fn filters_are_index_lookups() {
    let store = SqliteStore::in_memory().await.expect("store");
    let pool = UserPoolId::new("us-east-1_Plan");
    for (filter, index) in filters() {
        for after in [None, Some("user0000010")] {
            let [page, walk] = plans(&store, &pool, &filter, after).await;
            assert_index_lookup(&page, index, &filter);
            assert_index_walk(&walk, index, &filter);
        }
    }
}

/// The users of a walk's keys (those a cache does not hold): each by primary key, whatever
/// their number.
#[tokio::test]
async fn listed_users_are_primary_key_lookups() {
    let store = SqliteStore::in_memory().await.expect("store");
    let pool = UserPoolId::new("us-east-1_Plan");
    let keys = vec!["user0000001".to_owned(), "user0000002".to_owned()];
    let lines = explain(
        &store,
        listed_users_query(LISTING, "EXPLAIN QUERY PLAN ", pool.as_str(), &keys),
    )
    .await;
    assert_users_by_key(&lines);
    assert!(
        lines
            .iter()
            .filter(|line| line.starts_with("SCAN"))
            .all(|line| line.contains("json_each")),
        "{lines:#?}"
    );
}

/// Fills a pool with a million users (set-based SQL, not the store API) and prints the plans and
/// timings of prefix filters. Run by hand:
/// `cargo test -p cognate-store-sqlite --release -- --ignored --nocapture million`
#[tokio::test]
#[ignore]
#[allow(clippy::disallowed_methods)] // wall-clock timings for the report
async fn million_users_filters_stay_index_lookups() {
    use cognate_domain::store::UserStore;

    let store = SqliteStore::in_memory().await.expect("store");
    let pool = UserPoolId::new("us-east-1_Million");
    let started = std::time::Instant::now();
    for sql in [
        "INSERT INTO user_pools (id, name, created_at, data) VALUES ('us-east-1_Million', 'm', 0, '{}')",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
         INSERT INTO users SELECT 'us-east-1_Million', printf('user%07d', i), printf('user%07d', i),
            printf('sub-%07d', i), CASE WHEN i % 10 = 0 THEN 'UNCONFIRMED' ELSE 'CONFIRMED' END, i % 7 <> 0, 0, 0,
            json_object('pool_id', 'us-east-1_Million', 'username', printf('user%07d', i),
                'username_key', printf('user%07d', i), 'sub', printf('sub-%07d', i),
                'status', CASE WHEN i % 10 = 0 THEN 'Unconfirmed' ELSE 'Confirmed' END,
                'enabled', json(CASE WHEN i % 7 <> 0 THEN 'true' ELSE 'false' END),
                'created_at', 0, 'last_modified_at', 0,
                'attributes', json_object('email', printf('user%07d@example.com', i),
                    'phone_number', printf('+%d%09d', 1 + i % 50, (i * 7919) % 1000000000)),
                'aliases', json_array(), 'password', json('null'), 'password_history', json_array(),
                'extra', json_object()), 0
         FROM n",
        "INSERT INTO user_attributes SELECT pool_id, username_key, 'email', json_extract(data, '$.attributes.email') FROM users",
        "INSERT INTO user_attributes SELECT pool_id, username_key, 'phone_number', json_extract(data, '$.attributes.phone_number') FROM users",
        "ANALYZE",
    ] {
        sqlx::query(sql).execute(store.pool()).await.expect(sql);
    }
    println!("populated in {:?}", started.elapsed());
    for (filter, index) in filters() {
        for after in [None, Some("user0500000")] {
            let [lines, walk] = plans(&store, &pool, &filter, after).await;
            println!("{filter:?} after {after:?}\n  {}", lines.join("\n  "));
            assert_index_lookup(&lines, index, &filter);
            assert_index_walk(&walk, index, &filter);
            let position =
                after.map(|key| After::near(&FilterPlan::new(Some(&filter)), key).encode());
            // Twice: the first read finds none of the page's users kept (the read cache's
            // `listed_users`), the second finds them all.
            for read in ["first", "again"] {
                let started = std::time::Instant::now();
                let page = store
                    .list_users(&pool, Some(&filter), position.as_deref(), 60)
                    .await
                    .expect("list");
                println!(
                    "  -> {read}: {} users, next {:?}, in {:?}",
                    page.items.len(),
                    page.next,
                    started.elapsed()
                );
            }
        }
    }
}
