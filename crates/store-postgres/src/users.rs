//! Users: Postgres's SQL for the shared `cognate_store_sql::users` logic, and its own attribute
//! and alias rows (a statement each, over arrays) and ListUsers statement.

use cognate_domain::StoreError;
use cognate_domain::user::User;
use cognate_store_sql::Dialect;
use cognate_store_sql::listing_sql::{KeyTables, ListingSql};
use cognate_store_sql::users::{UserDialect, UserSql};
use sqlx::{Postgres, Transaction};

use crate::PgStore;
use crate::dialect;

const SQL: UserSql = UserSql {
    insert: "INSERT INTO users (pool_id, username_key, username, sub, status, enabled, \
             created_at, last_modified_at, data, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    get: "SELECT data FROM users WHERE pool_id = $1 AND username_key = $2",
    by_sub: "SELECT data FROM users WHERE pool_id = $1 AND sub = $2",
    by_alias: "SELECT u.data FROM user_aliases a JOIN users u \
               ON u.pool_id = a.pool_id AND u.username_key = a.username_key \
               WHERE a.pool_id = $1 AND a.name = $2 AND a.value_key = $3",
    exists: "SELECT TRUE FROM users WHERE pool_id = $1 AND username_key = $2",
    update: "UPDATE users SET username = $3, sub = $4, status = $5, enabled = $6, created_at = $7, \
             last_modified_at = $8, data = $9, version = $10 + 1 \
             WHERE pool_id = $1 AND username_key = $2 AND version = $10",
    update_extra: "UPDATE users SET data = $3, version = $4 + 1 \
                   WHERE pool_id = $1 AND username_key = $2 AND version = $4",
    delete_attributes: "DELETE FROM user_attributes WHERE pool_id = $1 AND username_key = $2",
    delete_aliases: "DELETE FROM user_aliases WHERE pool_id = $1 AND username_key = $2",
    delete: "DELETE FROM users WHERE pool_id = $1 AND username_key = $2",
};

impl UserDialect for dialect::Postgres {
    /// Writes the attribute and alias rows of `user` (whose old rows, if any, are gone): one
    /// statement each, whatever the number of rows.
    async fn insert_rows(
        tx: &mut Transaction<'static, Postgres>,
        user: &User,
    ) -> Result<(), StoreError> {
        if !user.attributes.is_empty() {
            let (names, values): (Vec<&str>, Vec<&str>) = user
                .attributes
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_str()))
                .unzip();
            sqlx::query(
                "INSERT INTO user_attributes (pool_id, username_key, name, value) \
                 SELECT $1, $2, name, value FROM UNNEST($3::text[], $4::text[]) AS t (name, value)",
            )
            .bind(user.pool_id.as_str())
            .bind(&user.username_key)
            .bind(names)
            .bind(values)
            .execute(&mut **tx)
            .await
            .map_err(Self::map_err)?;
        }
        if !user.aliases.is_empty() {
            let (names, values): (Vec<&str>, Vec<&str>) = user
                .aliases
                .iter()
                .map(|alias| (alias.name.as_str(), alias.value_key.as_str()))
                .unzip();
            sqlx::query(
                "INSERT INTO user_aliases (pool_id, name, value_key, username_key) \
                 SELECT $1, name, value_key, $2 FROM UNNEST($3::text[], $4::text[]) AS t (name, value_key)",
            )
            .bind(user.pool_id.as_str())
            .bind(&user.username_key)
            .bind(names)
            .bind(values)
            .execute(&mut **tx)
            .await
            .map_err(Self::map_err)?;
        }
        Ok(())
    }

    const LISTING: ListingSql = ListingSql {
        key_tables: KeyTables {
            attributes: "FROM user_attributes a",
            users_by_status: "FROM users s",
            users_by_enabled: "FROM users s",
            users: "FROM users s",
        },
        listed_users: "SELECT coalesce(json_agg(json_build_array(u.username_key, u.username, \
            u.status, u.enabled::int, u.created_at, u.last_modified_at, \
            (SELECT coalesce(json_object_agg(ua.name, ua.value), '{}') FROM user_attributes ua \
            WHERE ua.pool_id = u.pool_id AND ua.username_key = u.username_key))), '[]')::text FROM (",
        walk: "SELECT coalesce(json_agg(json_build_array(p.v, p.k)), '[]')::text FROM (",
        keys_of_array: ("SELECT jsonb_array_elements_text(CAST(", " AS jsonb)) AS k"),
        join_users: ") p JOIN users u ON u.pool_id = ",
    };
}

cognate_store_sql::impl_user_store!(PgStore, dialect::Postgres, SQL, crate::bulk::create_users);
