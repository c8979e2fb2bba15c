//! What the SQLite and Postgres stores share: the logic of their queries (what is bound in which
//! order, how rows become domain values, what an empty update means), written once over
//! `sqlx::Database`. Each backend keeps its own SQL text (placeholders, conflict clauses, index
//! hints) and says how it differs in a `Dialect`; the contract suite runs every query on both.

pub mod auth_events;
pub mod clients;
pub mod federation;
pub mod groups;
pub mod health;
pub mod hosted;
pub mod identity;
pub mod import_jobs;
pub mod listed_users;
pub mod listing_sql;
pub mod pools;
pub mod read_cache;
pub mod tokens;
pub mod users;

use std::future::Future;

use cognate_domain::StoreError;
use sqlx::query::Query;
use sqlx::{Database, Encode, Pool, QueryBuilder, Transaction, Type};

/// For the `impl_*_store!` macros, so that the backends need not name the crate themselves.
#[doc(hidden)]
pub use async_trait::async_trait;

/// What differs between the backends beyond their SQL text.
pub trait Dialect: Send + Sync + 'static {
    type Db: Database;
    /// How a yes/no column is stored: SQLite `INTEGER`, Postgres `SMALLINT`.
    type Flag: From<bool> + for<'q> Encode<'q, Self::Db> + Type<Self::Db> + Send + 'static;

    /// A failed query as the domain sees it (constraint names as the migrations give them).
    fn map_err(err: sqlx::Error) -> StoreError;

    /// How many rows an insert, update or delete touched (sqlx has no trait for it).
    fn rows_affected(done: &<Self::Db as Database>::QueryResult) -> u64;

    /// A transaction that writes (SQLite takes its write lock up front).
    fn begin_write(
        pool: &Pool<Self::Db>,
    ) -> impl Future<Output = Result<Transaction<'static, Self::Db>, StoreError>> + Send;

    /// Runs `sql`, a delete by one key whose `ON DELETE CASCADE` reaches other tables, and
    /// returns the rows it deleted (SQLite under its write lock, Postgres as one statement).
    fn delete_cascading(
        pool: &Pool<Self::Db>,
        sql: &'static str,
        key: &str,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// `query.build()`, for shared code. Only code that names the backend can let the statement
    /// borrow the builder for less than what it binds (SQLite's arguments are covariant in
    /// that lifetime, which an associated type hides), so generic code cannot call `build`.
    fn build<'q, 'a: 'q>(
        query: &'q mut QueryBuilder<'a, Self::Db>,
    ) -> Query<'q, Self::Db, <Self::Db as Database>::Arguments<'q>>;
}

/// An update or delete that touched no row: the thing it names does not exist.
pub fn found(rows_affected: u64) -> Result<(), StoreError> {
    if rows_affected == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}
