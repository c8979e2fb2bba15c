//! The Postgres backend: every storage trait of `cognate_domain::store` over sqlx's Postgres
//! driver. Replicas share the database and nothing else.
//!
//! Queries are runtime-checked (`sqlx::query` with binds); the contract suite
//! (`cognate-store-contract`, run by `tests/contract.rs`) exercises every one of them.

mod auth_events;
mod bulk;
mod changes;
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
mod scratch;
mod tokens;
mod users;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use cognate_domain::StoreError;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use crate::error::map_err;
use cognate_store_sql::read_cache::ReadCache;

pub use crate::scratch::{create_scratch_database, drop_scratch_database};

const POOL_SIZE: u32 = 10;
/// How long a request waits for a connection. While Postgres is down, sqlx keeps retrying a
/// refused connection until this runs out: short, so that requests fail (500,
/// `InternalErrorException`) within seconds instead of hanging for sqlx's default 30 s, and so
/// that its back-off between attempts (up to a fifth of it) is short and service resumes within
/// a second or so of the database coming back.
pub(crate) const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);
/// At start-up the database may still be coming up (a compose file starting both): this many
/// acquire time-outs in a row are waited out before giving up (30 s, sqlx's default wait).
const STARTUP_ATTEMPTS: u32 = 10;

/// This build's migrations, run at connect and compared by readiness.
pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

/// A Postgres database (`postgres://user@host:port/database`).
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    /// Decoded pools, clients and users, only while this store follows the change
    /// notifications (`follow_changes`): replicas share the database, and another's write
    /// would otherwise go unseen here.
    cache: Option<Arc<ReadCache>>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("cached", &self.cache.is_some())
            .finish_non_exhaustive()
    }
}

impl PgStore {
    /// What this store keeps decoded (`cognate_store_sql::read_cache`), for the shared query
    /// logic.
    fn read_cache(&self) -> Option<&ReadCache> {
        self.cache.as_deref()
    }

    /// Connects and brings the schema up to date (migrations take an advisory lock, so replicas
    /// starting together migrate once).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url).map_err(map_err)?;
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_lazy_with(options);
        wait_for_database(&pool).await?;
        MIGRATOR.run(&pool).await.map_err(|err| {
            StoreError::Backend(format!("migrating the Postgres database: {err}"))
        })?;
        Ok(Self { pool, cache: None })
    }

    /// The connection pool, for the server's own health checks.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes the pool's connections (waiting for those in use to come back).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Waits for a first connection, through `STARTUP_ATTEMPTS` acquire time-outs (a database still
/// starting refuses connections); any other error (a wrong password, an unknown database) ends
/// the wait at once.
async fn wait_for_database(pool: &PgPool) -> Result<(), StoreError> {
    let mut attempts = 0;
    loop {
        match pool.acquire().await {
            Ok(_) => return Ok(()),
            Err(sqlx::Error::PoolTimedOut) if attempts + 1 < STARTUP_ATTEMPTS => attempts += 1,
            Err(err) => return Err(map_err(err)),
        }
    }
}
