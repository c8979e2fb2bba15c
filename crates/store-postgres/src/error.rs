//! sqlx errors to `StoreError`.

use cognate_domain::StoreError;
use sqlx::error::ErrorKind;

/// Maps a failed query. Unique violations become `Conflict` named after the constraint that
/// Postgres reports, foreign key violations (a client, user or key for a pool that does not
/// exist) `NotFound`.
pub(crate) fn map_err(err: sqlx::Error) -> StoreError {
    match &err {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db) => map_database_error(db.kind(), db.constraint())
            .unwrap_or_else(|| StoreError::Backend(err.to_string())),
        _ => StoreError::Backend(err.to_string()),
    }
}

/// The one mapping of Postgres's constraint errors: the constraint (or unique index) name is in
/// the error, and the migrations name every constraint the callers look for.
fn map_database_error(kind: ErrorKind, constraint: Option<&str>) -> Option<StoreError> {
    match kind {
        ErrorKind::UniqueViolation => Some(StoreError::Conflict {
            constraint: constraint.unwrap_or("unknown").to_owned(),
        }),
        ErrorKind::ForeignKeyViolation => Some(StoreError::NotFound),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_violations_carry_the_constraint_name() {
        assert_eq!(
            map_database_error(ErrorKind::UniqueViolation, Some("users_pool_username_key")),
            Some(StoreError::Conflict {
                constraint: "users_pool_username_key".into()
            })
        );
        assert_eq!(
            map_database_error(ErrorKind::UniqueViolation, None),
            Some(StoreError::Conflict {
                constraint: "unknown".into()
            })
        );
        assert_eq!(
            map_database_error(ErrorKind::ForeignKeyViolation, Some("users_pool_fkey")),
            Some(StoreError::NotFound)
        );
        assert_eq!(map_database_error(ErrorKind::Other, None), None);
        assert_eq!(map_err(sqlx::Error::RowNotFound), StoreError::NotFound);
        assert!(matches!(
            map_err(sqlx::Error::PoolTimedOut),
            StoreError::Backend(_)
        ));
    }
}
