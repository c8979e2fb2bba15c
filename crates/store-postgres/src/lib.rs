//! The Postgres backend: every storage trait of `cognate_domain::store` over sqlx's Postgres
//! driver. Replicas share the database and nothing else.
//!
//! Queries are runtime-checked (`sqlx::query` with binds); the contract suite
//! (`cognate-store-contract`, run by `tests/contract.rs`) exercises every one of them.

mod auth_events;
mod bulk;
mod clients;
mod error;
#[cfg(test)]
mod explain_tests;
mod federation;
mod groups;
mod hosted;
mod identity;
mod import_jobs;
mod keys;
mod pools;
mod scratch;
mod tokens;
mod users;

use cognate_domain::StoreError;
use sqlx::postgres::{PgPool, PgPoolOptions};

use crate::error::map_err;

pub use crate::scratch::{create_scratch_database, drop_scratch_database};

const POOL_SIZE: u32 = 10;

/// A Postgres database (`postgres://user@host:port/database`).
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects and brings the schema up to date (migrations take an advisory lock, so replicas
    /// starting together migrate once).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .connect(url)
            .await
            .map_err(map_err)?;
        sqlx::migrate!("../../migrations/postgres")
            .run(&pool)
            .await
            .map_err(|err| {
                StoreError::Backend(format!("migrating the Postgres database: {err}"))
            })?;
        Ok(Self { pool })
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
