//! Readiness and pool figures, as `cognate-store-sql` reads them.

use async_trait::async_trait;
use cognate_domain::{ConnectionStats, HealthStore, StoreError};
use cognate_store_sql::health;

use crate::dialect::Postgres;
use crate::{MIGRATOR, PgStore};

#[async_trait]
impl HealthStore for PgStore {
    async fn pending_migrations(&self) -> Result<usize, StoreError> {
        health::pending_migrations::<Postgres>(&self.pool, &MIGRATOR).await
    }

    fn connections(&self) -> ConnectionStats {
        health::connections(&self.pool)
    }
}
