//! The SQLite backend: every storage trait of `cognate_domain::store` over sqlx's SQLite driver.
//!
//! Queries are runtime-checked (`sqlx::query` with binds); the contract suite
//! (`cognate-store-contract`, run by `tests/contract.rs`) exercises every one of them.

mod auth_events;
mod bulk;
mod clients;
mod dialect;
mod error;
#[cfg(test)]
mod explain_tests;
mod federation;
mod groups;
mod health;
mod hosted;
mod identity;
mod import_jobs;
mod pools;
mod tokens;
mod users;

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cognate_domain::StoreError;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{Connection, Sqlite, Transaction};

use crate::error::map_err;
use cognate_store_sql::read_cache::ReadCache;

/// How long a writer waits for another connection's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections to a database file: one writes at a time, readers proceed in parallel (WAL).
const FILE_POOL_SIZE: u32 = 8;
/// Connections to an in-memory database: as for a file, without WAL (readers and a writer
/// exclude each other, briefly: in-memory statements take microseconds).
const MEMORY_POOL_SIZE: u32 = 4;

/// This build's migrations, run at open and compared by readiness.
pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");

/// A SQLite database: a file (`sqlite://path`) or a private in-memory database.
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// For in-memory databases: a connection that is never used, held so that the database
    /// lives exactly as long as the store (see `in_memory`).
    _keeper: Option<Arc<Mutex<SqliteConnection>>>,
    /// Decoded pools and clients (`cognate_store_sql::read_cache`): exact, as this process is
    /// the database's only writer.
    cache: Arc<ReadCache>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("in_memory", &self._keeper.is_some())
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// What this store keeps decoded (`cognate_store_sql::read_cache`), for the shared query
    /// logic.
    fn read_cache(&self) -> Option<&ReadCache> {
        Some(&self.cache)
    }

    /// Opens (creating the file and its parent directory when missing) the database at
    /// `sqlite://path` and brings its schema up to date. WAL journal, a busy timeout, foreign
    /// keys on. `sqlite::memory:` (or `mode=memory`) gives the same as `in_memory`.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url).map_err(map_err)?;
        if url.contains(":memory:") || url.contains("mode=memory") {
            return Self::open_in_memory().await;
        }
        let path = options.get_filename().to_path_buf();
        if let Some(parent) = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).map_err(|err| {
                StoreError::Backend(format!("creating {}: {err}", parent.display()))
            })?;
        }
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // With WAL, NORMAL cannot corrupt the database; a power cut may lose the last commits.
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(FILE_POOL_SIZE)
            // An embedded database has no connection to go stale: skip the ping per acquire.
            .test_before_acquire(false)
            .after_release(|conn, _| Box::pin(outside_any_transaction(conn)))
            .connect_with(options)
            .await
            .map_err(map_err)?;
        Self::migrated(pool, None).await
    }

    /// A private, empty in-memory database, gone when the store (and its clones) are dropped.
    ///
    /// SQLite's `memdb` VFS under a process-unique name starting with '/', which lets several
    /// connections share the one in-memory database with SQLite's ordinary file locking (as a
    /// database file without WAL has): readers proceed in parallel, a writer waits for them
    /// (busy timeout) and they for it. One connection, as this was before, queued every query
    /// of every request behind one worker thread (sqlx runs each SQLite connection on its own
    /// thread), and shared-cache mode, the other way to share an in-memory database, fails
    /// (`SQLITE_LOCKED`) instead of waiting where two transactions cross. A second, idle
    /// connection held by the store keeps the database alive while the pool replaces its
    /// connections (the last connection to close a `memdb` database frees it).
    pub async fn in_memory() -> Result<Self, StoreError> {
        Self::open_in_memory().await
    }

    async fn open_in_memory() -> Result<Self, StoreError> {
        static DATABASES: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "/cognate-memory-{}-{}",
            std::process::id(),
            DATABASES.fetch_add(1, Ordering::Relaxed)
        );
        let options = SqliteConnectOptions::new()
            .filename(name)
            .vfs("memdb")
            .create_if_missing(true)
            // The rollback journal of a memdb database lives in memory anyway; say so.
            .journal_mode(SqliteJournalMode::Memory)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let keeper = SqliteConnection::connect_with(&options)
            .await
            .map_err(map_err)?;
        let pool = SqlitePoolOptions::new()
            .max_connections(MEMORY_POOL_SIZE)
            .test_before_acquire(false)
            .after_release(|conn, _| Box::pin(outside_any_transaction(conn)))
            .connect_with(options)
            .await
            .map_err(map_err)?;
        Self::migrated(pool, Some(Arc::new(Mutex::new(keeper)))).await
    }

    async fn migrated(
        pool: SqlitePool,
        keeper: Option<Arc<Mutex<SqliteConnection>>>,
    ) -> Result<Self, StoreError> {
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|err| StoreError::Backend(format!("migrating the SQLite database: {err}")))?;
        Ok(Self {
            pool,
            _keeper: keeper,
            cache: Arc::default(),
        })
    }

    /// The connection pool, for the server's own health checks.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes the pool's connections (waiting for those in use to come back).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A write transaction. `BEGIN IMMEDIATE` takes the write lock up front (waiting up to the
    /// busy timeout), so a transaction never fails half-way on upgrading a read lock.
    async fn write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(map_err)
    }
}

/// Whether a connection coming back to the pool may be used again: not when it is still in a
/// transaction by sqlx's count. That happens when a COMMIT fails (`SQLITE_FULL` on a full disk):
/// SQLite rolls the transaction back itself, so the ROLLBACK sqlx then queues fails too and its
/// count stays at 1, and every later `BEGIN` on the connection would fail ("attempted to call
/// begin_with at non-zero transaction depth") long after space is freed. Such a connection is
/// closed and the pool opens a fresh one.
async fn outside_any_transaction(conn: &mut SqliteConnection) -> Result<bool, sqlx::Error> {
    if !conn.is_in_transaction() {
        return Ok(true);
    }
    // A dropped transaction's rollback may still be queued: commands run in order, so after
    // the ping it has run (and brought the count down, unless it failed).
    conn.ping().await?;
    Ok(!conn.is_in_transaction())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a COMMIT failing for a full disk leaves behind (SQLite out of the transaction, sqlx
    /// still counting it), made here with a ROLLBACK sqlx does not see: the connection must
    /// not come back to the pool in that state (the in-memory pool has one connection, so the
    /// next write would use it).
    #[tokio::test]
    async fn a_connection_stuck_in_a_transaction_is_replaced() {
        let store = SqliteStore::in_memory().await.unwrap();
        let mut tx = store.write().await.unwrap();
        sqlx::query("ROLLBACK").execute(&mut *tx).await.unwrap();
        drop(tx);
        let mut again = store.write().await.expect("a fresh connection");
        let pools: i64 = sqlx::query_scalar("SELECT count(*) FROM user_pools")
            .fetch_one(&mut *again)
            .await
            .unwrap();
        assert_eq!(pools, 0, "the same database, through the new connection");
        again.commit().await.unwrap();
    }
}
