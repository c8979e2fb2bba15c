//! How Postgres differs from SQLite for the shared query logic of `cognate-store-sql`.

use cognate_domain::StoreError;
use cognate_store_sql::Dialect;
use sqlx::postgres::{PgArguments, PgQueryResult};
use sqlx::query::Query;
use sqlx::{PgPool, QueryBuilder, Transaction};

use crate::error::map_err;

/// Postgres through sqlx: flags are `SMALLINT`, constraint names come with the error.
pub(crate) struct Postgres;

impl Dialect for Postgres {
    type Db = sqlx::Postgres;
    type Flag = i16;

    fn map_err(err: sqlx::Error) -> StoreError {
        map_err(err)
    }

    fn rows_affected(done: &PgQueryResult) -> u64 {
        done.rows_affected()
    }

    async fn begin_write(
        pool: &PgPool,
    ) -> Result<Transaction<'static, sqlx::Postgres>, StoreError> {
        pool.begin().await.map_err(map_err)
    }

    /// A statement is its own transaction: the cascade is atomic without a `BEGIN`.
    async fn delete_cascading(
        pool: &PgPool,
        sql: &'static str,
        key: &str,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(sql)
            .bind(key)
            .execute(pool)
            .await
            .map_err(map_err)?;
        Ok(done.rows_affected())
    }

    fn build<'q, 'a: 'q>(
        query: &'q mut QueryBuilder<'a, sqlx::Postgres>,
    ) -> Query<'q, sqlx::Postgres, PgArguments> {
        query.build()
    }
}
