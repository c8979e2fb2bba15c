//! Throw-away databases for tests: one per test, on the server `TEST_DATABASE_URL` names.

use cognate_domain::StoreError;
use sqlx::{Connection, Executor, PgConnection};

use crate::error::map_err;

const SCRATCH_PREFIX: &str = "cognate_test_";

/// Creates an empty database `cognate_test_<random>` on the server of `admin_url` (a URL whose
/// user may create databases) and returns its URL.
pub async fn create_scratch_database(admin_url: &str) -> Result<String, StoreError> {
    let name = format!("{SCRATCH_PREFIX}{}", uuid::Uuid::new_v4().simple());
    let url = with_database(admin_url, &name)?;
    let mut admin = PgConnection::connect(admin_url).await.map_err(map_err)?;
    // A plain string runs as a simple query: CREATE DATABASE cannot be a prepared statement.
    let created = admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .map_err(map_err);
    admin.close().await.map_err(map_err)?;
    created?;
    Ok(url)
}

/// Drops a database made by `create_scratch_database`, disconnecting whoever is still on it.
/// Refuses any other database name.
pub async fn drop_scratch_database(admin_url: &str, url: &str) -> Result<(), StoreError> {
    let name = database_name(url).unwrap_or_default();
    let is_scratch = name.strip_prefix(SCRATCH_PREFIX).is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    });
    if !is_scratch {
        return Err(StoreError::Backend(format!(
            "not a scratch database: {name:?}"
        )));
    }
    let mut admin = PgConnection::connect(admin_url).await.map_err(map_err)?;
    let dropped = admin
        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await
        .map_err(map_err);
    admin.close().await.map_err(map_err)?;
    dropped.map(|_| ())
}

/// Splits `scheme://authority/path?query` into (before the path, path without '/', query).
fn split_url(url: &str) -> Result<(&str, &str, Option<&str>), StoreError> {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority = base
        .find("://")
        .map(|at| at + 3)
        .ok_or_else(|| StoreError::Backend(format!("not a database URL: {url:?}")))?;
    let path = base[authority..]
        .find('/')
        .map_or(base.len(), |at| authority + at);
    let database = base.get(path + 1..).unwrap_or("");
    Ok((&base[..path], database, query))
}

fn with_database(url: &str, database: &str) -> Result<String, StoreError> {
    let (server, _, query) = split_url(url)?;
    Ok(match query {
        Some(query) => format!("{server}/{database}?{query}"),
        None => format!("{server}/{database}"),
    })
}

fn database_name(url: &str) -> Option<&str> {
    split_url(url).ok().map(|(_, database, _)| database)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_get_their_database_replaced() {
        let db = "cognate_test_x";
        for (admin, expected) in [
            (
                "postgres://postgres@127.0.0.1:5432/postgres",
                "postgres://postgres@127.0.0.1:5432/cognate_test_x",
            ),
            (
                "postgres://u:p@h/postgres?sslmode=disable",
                "postgres://u:p@h/cognate_test_x?sslmode=disable",
            ),
            ("postgres://h:5432", "postgres://h:5432/cognate_test_x"),
            (
                "postgresql://h?host=/run/pg",
                "postgresql://h/cognate_test_x?host=/run/pg",
            ),
        ] {
            assert_eq!(with_database(admin, db).as_deref(), Ok(expected));
            assert_eq!(database_name(expected), Some(db));
        }
        assert!(with_database("nonsense", db).is_err());
    }
}
