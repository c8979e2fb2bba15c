//! The sign-in history: SQLite's SQL for the shared `cognate_store_sql::auth_events` logic.

use cognate_store_sql::auth_events::AuthEventSql;

use crate::SqliteStore;
use crate::dialect::Sqlite;

const SQL: AuthEventSql = AuthEventSql {
    add: "INSERT INTO auth_events (pool_id, username_key, event_id, created_at, data) \
          VALUES (?1, ?2, ?3, ?4, ?5)",
    list: "SELECT seq, data FROM auth_events WHERE pool_id = ?1 AND username_key = ?2 \
           AND seq < ?3 ORDER BY seq DESC LIMIT ?4",
    set_feedback: "UPDATE auth_events SET data = json_set(data, '$.feedback', json(?4)) \
                   WHERE pool_id = ?1 AND username_key = ?2 AND event_id = ?3",
};

cognate_store_sql::impl_auth_event_store!(SqliteStore, Sqlite, SQL);
