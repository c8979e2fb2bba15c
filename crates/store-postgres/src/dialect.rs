//! How Postgres differs from SQLite for the shared query logic of `cognate-store-sql`.

use cognate_domain::StoreError;
use cognate_store_sql::Dialect;

/// Postgres through sqlx: flags are `SMALLINT`, constraint names come with the error.
pub(crate) struct Postgres;

impl Dialect for Postgres {
    type Db = sqlx::Postgres;
    type Flag = i16;

    fn map_err(err: sqlx::Error) -> StoreError {
        crate::error::map_err(err)
    }

    fn rows_affected(done: &sqlx::postgres::PgQueryResult) -> u64 {
        done.rows_affected()
    }
}
