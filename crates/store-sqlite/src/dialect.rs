//! How SQLite differs from Postgres for the shared query logic of `cognate-store-sql`.

use cognate_domain::StoreError;
use cognate_store_sql::Dialect;
use sqlx::query::Query;
use sqlx::sqlite::{SqliteArguments, SqliteQueryResult};
use sqlx::{QueryBuilder, SqlitePool, Transaction};

use crate::error::map_err;

/// SQLite through sqlx: flags are `INTEGER`, constraint names are recovered from messages.
pub(crate) struct Sqlite;

impl Dialect for Sqlite {
    type Db = sqlx::Sqlite;
    type Flag = i64;

    fn map_err(err: sqlx::Error) -> StoreError {
        map_err(err)
    }

    fn rows_affected(done: &SqliteQueryResult) -> u64 {
        done.rows_affected()
    }

    /// `BEGIN IMMEDIATE` takes the write lock up front (waiting up to the busy timeout), so a
    /// transaction never fails half-way on upgrading a read lock.
    async fn begin_write(
        pool: &SqlitePool,
    ) -> Result<Transaction<'static, sqlx::Sqlite>, StoreError> {
        pool.begin_with("BEGIN IMMEDIATE").await.map_err(map_err)
    }

    async fn delete_cascading(
        pool: &SqlitePool,
        sql: &'static str,
        key: &str,
    ) -> Result<u64, StoreError> {
        let mut tx = Self::begin_write(pool).await?;
        let done = sqlx::query(sql)
            .bind(key)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok(done.rows_affected())
    }

    fn build<'q, 'a: 'q>(
        query: &'q mut QueryBuilder<'a, sqlx::Sqlite>,
    ) -> Query<'q, sqlx::Sqlite, SqliteArguments<'q>> {
        query.build()
    }
}
