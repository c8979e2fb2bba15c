//! Users: SQLite's SQL for the shared `cognate_store_sql::users` logic, and its own attribute
//! and alias rows (a statement a table, from JSON) and ListUsers statement.

use cognate_domain::StoreError;
use cognate_domain::user::User;
use cognate_store_sql::Dialect;
use cognate_store_sql::listing_sql::{KeyTables, ListingSql};
use cognate_store_sql::users::{UserDialect, UserSql};
use sqlx::{Sqlite, Transaction};

use crate::SqliteStore;
use crate::dialect;

const SQL: UserSql = UserSql {
    insert: "INSERT INTO users (pool_id, username_key, username, sub, status, enabled, \
             created_at, last_modified_at, data, version) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    get: "SELECT data FROM users WHERE pool_id = ?1 AND username_key = ?2",
    by_sub: "SELECT data FROM users WHERE pool_id = ?1 AND sub = ?2",
    by_alias: "SELECT u.data FROM user_aliases a CROSS JOIN users u \
               ON u.pool_id = a.pool_id AND u.username_key = a.username_key \
               WHERE a.pool_id = ?1 AND a.name = ?2 AND a.value_key = ?3",
    exists: "SELECT TRUE FROM users WHERE pool_id = ?1 AND username_key = ?2",
    update: "UPDATE users SET username = ?3, sub = ?4, status = ?5, enabled = ?6, created_at = ?7, \
             last_modified_at = ?8, data = ?9, version = ?10 + 1 \
             WHERE pool_id = ?1 AND username_key = ?2 AND version = ?10",
    update_extra: "UPDATE users SET data = ?3, version = ?4 + 1 \
                   WHERE pool_id = ?1 AND username_key = ?2 AND version = ?4",
    delete_attributes: "DELETE FROM user_attributes WHERE pool_id = ?1 AND username_key = ?2",
    delete_aliases: "DELETE FROM user_aliases WHERE pool_id = ?1 AND username_key = ?2",
    delete: "DELETE FROM users WHERE pool_id = ?1 AND username_key = ?2",
};

impl UserDialect for dialect::Sqlite {
    /// Writes the attribute and alias rows of `user` (whose old rows, if any, are gone).
    async fn insert_rows(
        tx: &mut Transaction<'static, Sqlite>,
        user: &User,
    ) -> Result<(), StoreError> {
        // One statement for all the rows of each table, like Postgres's UNNEST: on SQLite every
        // statement is a round trip to the connection's thread.
        if !user.attributes.is_empty() {
            let sql = "INSERT INTO user_attributes (pool_id, username_key, name, value) \
                       SELECT ?1, ?2, key, value FROM json_each(?3)";
            insert_json_rows(tx, sql, user, &user.attributes).await?;
        }
        if !user.aliases.is_empty() {
            let sql = "INSERT INTO user_aliases (pool_id, name, value_key, username_key) \
                       SELECT ?1, json_extract(value, '$[0]'), json_extract(value, '$[1]'), ?2 \
                       FROM json_each(?3)";
            let pairs: Vec<[&str; 2]> = user
                .aliases
                .iter()
                .map(|alias| [alias.name.as_str(), alias.value_key.as_str()])
                .collect();
            insert_json_rows(tx, sql, user, &pairs).await?;
        }
        Ok(())
    }

    const LISTING: ListingSql = ListingSql {
        // The index each filter walks is named (`INDEXED BY`), so that no plan can change under
        // the listing's order.
        key_tables: KeyTables {
            attributes: "FROM user_attributes a INDEXED BY user_attributes_filter_idx",
            users_by_status: "FROM users s INDEXED BY users_pool_status_idx",
            users_by_enabled: "FROM users s INDEXED BY users_pool_enabled_idx",
            users: "FROM users s",
        },
        listed_users: "SELECT json_group_array(json_array(u.username_key, u.username, u.status, \
            u.enabled, u.created_at, u.last_modified_at, json((SELECT json_group_object(ua.name, \
            ua.value) FROM user_attributes ua WHERE ua.pool_id = u.pool_id \
            AND ua.username_key = u.username_key)))) FROM (",
        walk: "SELECT json_group_array(json_array(p.v, p.k)) FROM (",
        keys_of_array: ("SELECT value AS k FROM json_each(", ")"),
        // CROSS JOIN keeps the page's keys the outer loop: each user is one primary key lookup.
        join_users: ") p CROSS JOIN users u ON u.pool_id = ",
    };
}

cognate_store_sql::impl_user_store!(SqliteStore, dialect::Sqlite, SQL, crate::bulk::create_users);

/// Runs `sql`, an INSERT of a row per element of `rows` (`json_each(?3)`), for `user`'s pool
/// (`?1`) and username key (`?2`).
async fn insert_json_rows(
    tx: &mut Transaction<'static, Sqlite>,
    sql: &'static str,
    user: &User,
    rows: &impl serde::Serialize,
) -> Result<(), StoreError> {
    let rows =
        serde_json::to_string(rows).map_err(|error| StoreError::Backend(error.to_string()))?;
    sqlx::query(sql)
        .bind(user.pool_id.as_str())
        .bind(&user.username_key)
        .bind(rows)
        .execute(&mut **tx)
        .await
        .map_err(<dialect::Sqlite as Dialect>::map_err)?;
    Ok(())
}
