//! How SQLite differs from Postgres for the shared query logic of `cognate-store-sql`.

use cognate_domain::StoreError;
use cognate_store_sql::Dialect;

/// SQLite through sqlx: flags are `INTEGER`, constraint names are recovered from messages.
pub(crate) struct Sqlite;

impl Dialect for Sqlite {
    type Db = sqlx::Sqlite;
    type Flag = i64;

    fn map_err(err: sqlx::Error) -> StoreError {
        crate::error::map_err(err)
    }

    fn rows_affected(done: &sqlx::sqlite::SqliteQueryResult) -> u64 {
        done.rows_affected()
    }
}
