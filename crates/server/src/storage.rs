//! Picks the storage backend from the database URL scheme.

use std::sync::Arc;

use anyhow::{Context, bail};
use cognate_domain::Store;
use cognate_store_postgres::PgStore;
use cognate_store_sqlite::SqliteStore;

use crate::config::DatabaseConfig;

pub async fn open(config: &DatabaseConfig) -> anyhow::Result<Arc<dyn Store>> {
    if config.in_memory {
        return Ok(Arc::new(
            SqliteStore::in_memory()
                .await
                .context("opening the in-memory database")?,
        ));
    }
    let url = config.url.as_str();
    if url.starts_with("sqlite:") {
        Ok(Arc::new(
            SqliteStore::connect(url)
                .await
                .context("opening the SQLite database")?,
        ))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(
            PgStore::connect(url)
                .await
                .context("connecting to Postgres")?,
        ))
    } else {
        bail!("unsupported database URL scheme (use sqlite://... or postgres://...)")
    }
}
