//! Readiness and pool figures: the migrations this build carries that the database has not
//! applied, and the connection pool's use.

use cognate_domain::{ConnectionStats, StoreError};
use sqlx::migrate::Migrator;
use sqlx::{ColumnIndex, Database, Decode, Executor, IntoArguments, Pool, Type};

use crate::Dialect;

/// The applied versions, as sqlx records them (the same table on both backends).
const APPLIED: &str = "SELECT version FROM _sqlx_migrations WHERE success";

/// How many of `migrator`'s migrations the database has not applied.
pub async fn pending_migrations<D: Dialect>(
    pool: &Pool<D::Db>,
    migrator: &Migrator,
) -> Result<usize, StoreError>
where
    for<'c> &'c mut <D::Db as Database>::Connection: Executor<'c, Database = D::Db>,
    for<'q> <D::Db as Database>::Arguments<'q>: IntoArguments<'q, D::Db>,
    usize: ColumnIndex<<D::Db as Database>::Row>,
    i64: for<'r> Decode<'r, D::Db> + Type<D::Db>,
{
    let applied: Vec<i64> = sqlx::query_scalar(APPLIED)
        .fetch_all(pool)
        .await
        .map_err(D::map_err)?;
    Ok(migrator
        .iter()
        .filter(|migration| !migration.migration_type.is_down_migration())
        .filter(|migration| !applied.contains(&migration.version))
        .count())
}

/// The pool's open, idle and maximum connections.
pub fn connections<DB: Database>(pool: &Pool<DB>) -> ConnectionStats {
    let idle = u32::try_from(pool.num_idle()).unwrap_or(u32::MAX);
    ConnectionStats {
        open: pool.size(),
        idle,
        max: pool.options().get_max_connections(),
    }
}
