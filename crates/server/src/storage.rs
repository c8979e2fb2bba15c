//! Picks the storage backend from the database URL scheme.

use std::sync::Arc;

use anyhow::{Context, bail};
use cognate_domain::Store;
use cognate_domain::invalidation::Invalidations;
use cognate_store_postgres::PgStore;
use cognate_store_sqlite::SqliteStore;

use crate::config::DatabaseConfig;

/// Opens the store. On Postgres, also starts the change listener that publishes other replicas'
/// writes to `invalidations` (SQLite has one writer, this process: nothing to listen to).
pub async fn open(
    config: &DatabaseConfig,
    invalidations: &Invalidations,
) -> anyhow::Result<Arc<dyn Store>> {
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
        let store = PgStore::connect(url)
            .await
            .context("connecting to Postgres")?;
        let (store, listening) = store
            .follow_changes(invalidations.clone())
            .await
            .context("listening for other replicas' changes")?;
        tokio::spawn(listening);
        Ok(Arc::new(store))
    } else {
        bail!("unsupported database URL scheme (use sqlite://... or postgres://...)")
    }
}
