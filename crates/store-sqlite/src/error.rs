//! sqlx errors to `StoreError`.

use cognate_domain::StoreError;
use sqlx::error::ErrorKind;

/// Maps a failed query. Unique violations become `Conflict` named after the constraint, foreign
/// key violations (a client, user or key for a pool that does not exist) `NotFound`.
pub(crate) fn map_err(err: sqlx::Error) -> StoreError {
    match &err {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db) => map_database_error(db.kind(), db.message())
            .unwrap_or_else(|| StoreError::Backend(err.to_string())),
        _ => StoreError::Backend(err.to_string()),
    }
}

/// The one mapping of SQLite's constraint errors. SQLite does not name the constraint: its
/// message lists the columns (`UNIQUE constraint failed: users.pool_id, users.username_key`),
/// which are mapped back to the constraint names of the migrations (the names Postgres reports).
fn map_database_error(kind: ErrorKind, message: &str) -> Option<StoreError> {
    match kind {
        ErrorKind::UniqueViolation => {
            let columns = message
                .strip_prefix("UNIQUE constraint failed: ")
                .unwrap_or(message);
            let constraint = match columns {
                "user_pools.id" => "user_pools_pkey",
                "refresh_tokens.token_hash" => "refresh_tokens_pkey",
                "app_clients.client_id" => "app_clients_pkey",
                "signing_keys.pool_id, signing_keys.kid" => "signing_keys_pkey",
                "signing_keys.pool_id, signing_keys.purpose" => "signing_keys_pool_purpose_key",
                "users.pool_id, users.username_key" => "users_pool_username_key",
                "users.pool_id, users.sub" => "users_pool_sub_key",
                "user_attributes.pool_id, user_attributes.username_key, user_attributes.name" => {
                    "user_attributes_pkey"
                }
                "user_aliases.pool_id, user_aliases.name, user_aliases.value_key" => {
                    "user_aliases_pool_alias_key"
                }
                "user_groups.pool_id, user_groups.name_key" => "user_groups_pool_name_key",
                "user_pool_domains.domain" => "user_pool_domains_pkey",
                "user_pool_domains.pool_id, user_pool_domains.custom" => {
                    "user_pool_domains_pool_kind_key"
                }
                "resource_servers.pool_id, resource_servers.identifier" => "resource_servers_pkey",
                "identity_providers.pool_id, identity_providers.name" => "identity_providers_pkey",
                "identity_provider_identifiers.pool_id, identity_provider_identifiers.identifier" => {
                    "identity_provider_identifiers_pkey"
                }
                other => other,
            };
            Some(StoreError::Conflict {
                constraint: constraint.to_owned(),
            })
        }
        ErrorKind::ForeignKeyViolation => Some(StoreError::NotFound),
        _ => None,
    }
}

pub(crate) fn json_err(err: serde_json::Error) -> StoreError {
    StoreError::Backend(format!("stored document: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conflict(constraint: &str) -> Option<StoreError> {
        Some(StoreError::Conflict {
            constraint: constraint.to_owned(),
        })
    }

    #[test]
    fn unique_violations_are_named_like_postgres_names_them() {
        let unique = |message: &str| map_database_error(ErrorKind::UniqueViolation, message);
        assert_eq!(
            unique("UNIQUE constraint failed: users.pool_id, users.username_key"),
            conflict("users_pool_username_key")
        );
        assert_eq!(
            unique("UNIQUE constraint failed: users.pool_id, users.sub"),
            conflict("users_pool_sub_key")
        );
        assert_eq!(
            unique(
                "UNIQUE constraint failed: user_aliases.pool_id, user_aliases.name, user_aliases.value_key"
            ),
            conflict("user_aliases_pool_alias_key")
        );
        assert_eq!(
            unique("UNIQUE constraint failed: user_pools.id"),
            conflict("user_pools_pkey")
        );
        assert_eq!(
            unique("UNIQUE constraint failed: app_clients.client_id"),
            conflict("app_clients_pkey")
        );
        assert_eq!(
            unique("UNIQUE constraint failed: signing_keys.pool_id, signing_keys.purpose"),
            conflict("signing_keys_pool_purpose_key")
        );
        assert_eq!(
            unique("UNIQUE constraint failed: user_groups.pool_id, user_groups.name_key"),
            conflict("user_groups_pool_name_key")
        );
        assert_eq!(
            unique("UNIQUE constraint failed: t.a, t.b"),
            conflict("t.a, t.b")
        );
    }

    #[test]
    fn foreign_key_violations_mean_the_parent_is_missing() {
        assert_eq!(
            map_database_error(
                ErrorKind::ForeignKeyViolation,
                "FOREIGN KEY constraint failed"
            ),
            Some(StoreError::NotFound)
        );
        assert_eq!(
            map_database_error(ErrorKind::Other, "database is locked"),
            None
        );
        assert_eq!(map_err(sqlx::Error::RowNotFound), StoreError::NotFound);
        assert!(matches!(
            map_err(sqlx::Error::PoolTimedOut),
            StoreError::Backend(_)
        ));
    }
}
