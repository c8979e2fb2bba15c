//! Readiness and pool figures: the migrations this build carries that the database has not
//! applied, and the connection pool's use.

use async_trait::async_trait;
use cognate_domain::{ConnectionStats, HealthStore, StoreError};

use crate::error::map_err;
use crate::{MIGRATOR, PgStore};

#[async_trait]
impl HealthStore for PgStore {
    async fn pending_migrations(&self) -> Result<usize, StoreError> {
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
        Ok(MIGRATOR
            .iter()
            .filter(|migration| !migration.migration_type.is_down_migration())
            .filter(|migration| !applied.contains(&migration.version))
            .count())
    }

    fn connections(&self) -> ConnectionStats {
        let idle = u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX);
        ConnectionStats {
            open: self.pool.size(),
            idle,
            max: self.pool.options().get_max_connections(),
        }
    }
}
