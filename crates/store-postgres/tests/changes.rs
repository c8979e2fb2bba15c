//! The change listener against a real Postgres (skipped when `TEST_DATABASE_URL` is unset):
//! the triggers of migrations 0008 and 0010 notify committed writes, and the listener
//! publishes them.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cognate_domain::invalidation::{Change, Invalidations};
use cognate_store_postgres::{PgStore, create_scratch_database, drop_scratch_database};
use tokio::time::Instant;

const DEADLINE: Duration = Duration::from_secs(10);

struct Seen(Arc<Mutex<Vec<Change>>>);

impl Seen {
    fn following(invalidations: &Invalidations) -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        invalidations.subscribe(move |change| sink.lock().unwrap().push(change.clone()));
        Self(seen)
    }

    /// Waits until `change` was published; returns everything published up to it, and forgets it.
    async fn until(&self, change: &Change) -> Vec<Change> {
        let started = Instant::now();
        loop {
            {
                let mut seen = self.0.lock().unwrap();
                if let Some(at) = seen.iter().position(|c| c == change) {
                    return seen.drain(..=at).collect();
                }
            }
            assert!(started.elapsed() < DEADLINE, "{change:?} never published");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

fn pool(id: &str) -> Change {
    Change::Pool { pool_id: id.into() }
}

fn user(pool: &str, key: &str) -> Change {
    Change::User {
        pool_id: pool.into(),
        username_key: key.into(),
    }
}

/// Reads the user until `wanted` holds for what `store` answers (another replica's write shows
/// once its notification is handled); fails after `DEADLINE`.
async fn read_until(
    store: &PgStore,
    pool_id: &cognate_domain::ids::UserPoolId,
    username_key: &str,
    wanted: impl Fn(&cognate_domain::user::User) -> bool,
) -> cognate_domain::user::User {
    use cognate_domain::store::UserStore;
    let started = Instant::now();
    loop {
        let read = store.get_user(pool_id, username_key).await.unwrap();
        if wanted(&read) {
            return read;
        }
        assert!(
            started.elapsed() < DEADLINE,
            "another replica's write was never seen"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn exec(store: &PgStore, sql: &str) {
    sqlx::raw_sql(sql).execute(store.pool()).await.unwrap();
}

#[tokio::test]
async fn committed_writes_are_published_rolled_back_ones_are_not() {
    let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
        eprintln!("TEST_DATABASE_URL is not set: change listener test not run");
        return;
    };
    let url = create_scratch_database(&admin_url).await.unwrap();
    let store = PgStore::connect(&url).await.unwrap();
    let invalidations = Invalidations::default();
    let seen = Seen::following(&invalidations);
    let listening = tokio::spawn(store.listen_for_changes(invalidations).await.unwrap());

    exec(&store, "INSERT INTO user_pools VALUES ('p1', 'n', 0, '{}')").await;
    exec(
        &store,
        "INSERT INTO app_clients VALUES ('c1', 'p1', 'n', 0, '{}')",
    )
    .await;
    exec(
        &store,
        "INSERT INTO users VALUES ('p1', 'alice', 'alice', 's1', 'CONFIRMED', true, 0, 0, '{}')",
    )
    .await;
    exec(
        &store,
        "UPDATE users SET enabled = false WHERE username_key = 'alice'",
    )
    .await;
    // Inserts tell nothing (no cache can hold what did not exist); the update does.
    assert_eq!(
        seen.until(&user("p1", "alice")).await,
        [user("p1", "alice")]
    );

    exec(&store, "UPDATE app_clients SET name = 'm'").await;
    let client = Change::Client {
        pool_id: "p1".into(),
        client_id: "c1".into(),
    };
    assert_eq!(seen.until(&client).await, [client]);

    // A rolled back write tells nothing: the next committed one comes first.
    exec(&store, "BEGIN; UPDATE user_pools SET name = 'x'; ROLLBACK").await;
    exec(&store, "UPDATE users SET enabled = true").await;
    assert_eq!(
        seen.until(&user("p1", "alice")).await,
        [user("p1", "alice")]
    );

    // Past 64 rows, one statement tells once per pool.
    exec(
        &store,
        "INSERT INTO users SELECT 'p1', 'u' || n, 'u' || n, 'sub-' || n, 'CONFIRMED', true, 0, 0, '{}'
         FROM generate_series(1, 100) AS n",
    )
    .await;
    exec(&store, "UPDATE users SET enabled = false").await;
    assert_eq!(seen.until(&pool("p1")).await, [pool("p1")]);

    // Migration 0010. A membership added or removed is its user's change; a group's update or
    // deletion, its pool's groups'.
    exec(
        &store,
        "INSERT INTO user_groups VALUES ('p1', 'g', 'g', 0, '{}')",
    )
    .await;
    exec(
        &store,
        "INSERT INTO group_members VALUES ('p1', 'g', 'alice')",
    )
    .await;
    assert_eq!(
        seen.until(&user("p1", "alice")).await,
        [user("p1", "alice")]
    );
    exec(&store, "UPDATE user_groups SET data = '{\"x\": 1}'").await;
    let groups = Change::Groups {
        pool_id: "p1".into(),
    };
    assert_eq!(seen.until(&groups).await, [groups]);

    // An identity pool's update names it; an identity's or a login's tells of all identities.
    exec(
        &store,
        "INSERT INTO identity_pools VALUES ('ip1', 'n', 0, '{}');
         INSERT INTO identities VALUES ('i1', 'ip1', 0, '{}');
         INSERT INTO identity_logins VALUES ('ip1', 'provider', 'subject', 'i1')",
    )
    .await;
    exec(&store, "UPDATE identity_pools SET name = 'm'").await;
    let identity_pool = Change::IdentityPool {
        identity_pool_id: "ip1".into(),
    };
    assert_eq!(seen.until(&identity_pool).await, [identity_pool]);
    exec(&store, "DELETE FROM identity_logins").await;
    assert_eq!(seen.until(&Change::Identities).await, [Change::Identities]);
    exec(&store, "UPDATE identities SET data = '{\"x\": 1}'").await;
    assert_eq!(seen.until(&Change::Identities).await, [Change::Identities]);

    listening.abort();
    store.close().await;
    drop_scratch_database(&admin_url, &url).await.unwrap();
}

/// A store that follows the notifications keeps users, pools and clients decoded, and drops
/// what another store (another replica) writes: its next read after the notification is fresh.
/// Its own writes drop its cache at once, before the notification.
#[tokio::test]
async fn a_following_store_serves_another_replicas_writes() {
    use cognate_domain::store::{PoolStore, UserStore};
    use cognate_store_contract::fixtures;

    let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
        eprintln!("TEST_DATABASE_URL is not set: cache-following test not run");
        return;
    };
    let url = create_scratch_database(&admin_url).await.unwrap();
    let other = PgStore::connect(&url).await.unwrap();
    let (store, listening) = PgStore::connect(&url)
        .await
        .unwrap()
        .follow_changes(Invalidations::default())
        .await
        .unwrap();
    let listening = tokio::spawn(listening);

    let pool_id = fixtures::pool_id(1);
    store
        .create_pool(&fixtures::pool(&pool_id), &[])
        .await
        .unwrap();
    let alice = fixtures::user(&pool_id, "alice");
    store.create_user(&alice).await.unwrap();
    let cached = store.get_user(&pool_id, &alice.username_key).await.unwrap();
    assert!(cached.enabled);

    // Its own write: seen at once.
    store
        .update_user(&cognate_domain::user::User {
            enabled: false,
            ..cached.clone()
        })
        .await
        .unwrap();
    let own = store.get_user(&pool_id, &alice.username_key).await.unwrap();
    assert!(!own.enabled);

    // Another replica's write: seen once its notification is handled.
    other
        .update_user(&cognate_domain::user::User {
            enabled: true,
            ..own
        })
        .await
        .unwrap();
    // Polled, not awaited through `seen`: the notifications of this store's own create and
    // update of alice name the same user and may still be on their way.
    let theirs = read_until(&store, &pool_id, &alice.username_key, |user| user.enabled).await;

    // Another replica's save of the document alone (a sign-in's lockout claim) notifies as
    // well: the cached copy here goes, and the next read has the new version.
    let mut claimed = theirs.clone();
    claimed
        .extra
        .insert("claimed".into(), serde_json::Value::Bool(true));
    other.update_user_extra(&claimed).await.unwrap();
    let read = read_until(&store, &pool_id, &alice.username_key, |user| {
        user.version == theirs.version + 1
    })
    .await;
    assert_eq!(read.extra["claimed"], serde_json::Value::Bool(true));

    // A pool's deletion by another replica drops its users here.
    // Polled: the notification of this store's own create of the pool names it too.
    other.delete_pool(&pool_id).await.unwrap();
    let started = Instant::now();
    while store.get_user(&pool_id, &alice.username_key).await.is_ok() {
        assert!(
            started.elapsed() < DEADLINE,
            "another replica's deletion was never seen"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(store.get_pool(&pool_id).await.is_err());

    listening.abort();
    store.close().await;
    other.close().await;
    drop_scratch_database(&admin_url, &url).await.unwrap();
}
