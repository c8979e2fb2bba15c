//! Refresh tokens (by hash) and the outbox of sent messages: SQLite's SQL for the shared
//! `cognate_store_sql::tokens` logic.

use cognate_store_sql::tokens::TokenSql;

use crate::SqliteStore;
use crate::dialect::Sqlite;

const SQL: TokenSql = TokenSql {
    insert: "INSERT INTO refresh_tokens (token_hash, pool_id, client_id, username_key, expires_at, \
             revoked, rotated_at, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    get: "SELECT data, revoked, rotated_at FROM refresh_tokens WHERE token_hash = ?1",
    revoke: "UPDATE refresh_tokens SET revoked = TRUE WHERE token_hash = ?1 \
             RETURNING data, revoked, rotated_at",
    mark_rotated: "UPDATE refresh_tokens SET rotated_at = ?2 \
                   WHERE token_hash = ?1 AND rotated_at IS NULL",
    revoke_user: "UPDATE refresh_tokens SET revoked = TRUE \
                  WHERE pool_id = ?1 AND username_key = ?2 AND NOT revoked",
    add_message: "INSERT INTO outbox (pool_id, username, kind, created_at, data) \
                  VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
};

cognate_store_sql::impl_token_store!(SqliteStore, Sqlite, SQL);
