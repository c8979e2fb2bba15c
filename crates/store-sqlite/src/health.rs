//! Readiness and pool figures, as `cognate-store-sql` reads them.

use async_trait::async_trait;
use cognate_domain::{ConnectionStats, HealthStore, StoreError};
use cognate_store_sql::health;

use crate::dialect::Sqlite;
use crate::{MIGRATOR, SqliteStore};

#[async_trait]
impl HealthStore for SqliteStore {
    async fn pending_migrations(&self) -> Result<usize, StoreError> {
        health::pending_migrations::<Sqlite>(&self.pool, &MIGRATOR).await
    }

    fn connections(&self) -> ConnectionStats {
        health::connections(&self.pool)
    }
}
