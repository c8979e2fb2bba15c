//! Refresh tokens (by hash) and the outbox of sent messages.

use async_trait::async_trait;
use cognate_domain::ids::UserPoolId;
use cognate_domain::store::{OutboxStore, RefreshTokenStore};
use cognate_domain::tokens::{OutboxFilter, OutboxMessage, RefreshTokenRecord};
use cognate_domain::{StoreError, Timestamp};
use sqlx::{QueryBuilder, Row, Sqlite};

use crate::SqliteStore;
use crate::error::{json_err, map_err};

const TOKEN_COLUMNS: &str = "data, revoked, rotated_at";

/// The stored record with the authoritative columns laid over the document.
fn decode_token(row: &sqlx::sqlite::SqliteRow) -> Result<RefreshTokenRecord, StoreError> {
    let data: String = row.try_get("data").map_err(map_err)?;
    let mut record: RefreshTokenRecord = serde_json::from_str(&data).map_err(json_err)?;
    record.revoked = row.try_get("revoked").map_err(map_err)?;
    record.rotated_at = row
        .try_get::<Option<i64>, _>("rotated_at")
        .map_err(map_err)?
        .map(Timestamp);
    Ok(record)
}

#[async_trait]
impl RefreshTokenStore for SqliteStore {
    async fn insert_refresh_token(&self, record: &RefreshTokenRecord) -> Result<(), StoreError> {
        let data = serde_json::to_string(record).map_err(json_err)?;
        sqlx::query(
            "INSERT INTO refresh_tokens (token_hash, pool_id, client_id, username_key, expires_at, \
             revoked, rotated_at, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(&record.token_hash)
        .bind(record.pool_id.as_str())
        .bind(record.client_id.as_str())
        .bind(&record.username_key)
        .bind(record.expires_at.millis())
        .bind(record.revoked)
        .bind(record.rotated_at.map(Timestamp::millis))
        .bind(&data)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn get_refresh_token(&self, token_hash: &str) -> Result<RefreshTokenRecord, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {TOKEN_COLUMNS} FROM refresh_tokens WHERE token_hash = ?1"
        ))
        .bind(token_hash)
        .fetch_one(&self.pool)
        .await
        .map_err(map_err)?;
        decode_token(&row)
    }

    async fn revoke_refresh_token(
        &self,
        token_hash: &str,
    ) -> Result<RefreshTokenRecord, StoreError> {
        let row = sqlx::query(&format!(
            "UPDATE refresh_tokens SET revoked = TRUE WHERE token_hash = ?1 RETURNING {TOKEN_COLUMNS}"
        ))
        .bind(token_hash)
        .fetch_one(&self.pool)
        .await
        .map_err(map_err)?;
        decode_token(&row)
    }

    async fn mark_refresh_token_rotated(
        &self,
        token_hash: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE refresh_tokens SET rotated_at = ?2 WHERE token_hash = ?1 AND rotated_at IS NULL",
        )
        .bind(token_hash)
        .bind(at.millis())
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 1 {
            return Ok(());
        }
        // Either unknown, or another request rotated it first.
        self.get_refresh_token(token_hash).await?;
        Err(StoreError::Conflict {
            constraint: "refresh_tokens_rotated".into(),
        })
    }

    async fn revoke_user_refresh_tokens(
        &self,
        pool_id: &UserPoolId,
        username_key: &str,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE refresh_tokens SET revoked = TRUE \
             WHERE pool_id = ?1 AND username_key = ?2 AND NOT revoked",
        )
        .bind(pool_id.as_str())
        .bind(username_key)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(done.rows_affected())
    }
}

#[async_trait]
impl OutboxStore for SqliteStore {
    async fn add_message(&self, message: &OutboxMessage) -> Result<i64, StoreError> {
        let data = serde_json::to_string(message).map_err(json_err)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO outbox (pool_id, username, kind, created_at, data) \
             VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
        )
        .bind(message.pool_id.as_str())
        .bind(&message.username)
        .bind(&message.kind)
        .bind(message.created_at.millis())
        .bind(&data)
        .fetch_one(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(id)
    }

    async fn list_messages(
        &self,
        filter: &OutboxFilter,
        limit: usize,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let mut query = QueryBuilder::<Sqlite>::new("SELECT id, data FROM outbox WHERE 1 = 1");
        if let Some(pool_id) = &filter.pool_id {
            query.push(" AND pool_id = ").push_bind(pool_id.as_str());
        }
        if let Some(username) = &filter.username {
            query.push(" AND username = ").push_bind(username);
        }
        if let Some(kind) = &filter.kind {
            query.push(" AND kind = ").push_bind(kind);
        }
        query
            .push(" ORDER BY id DESC LIMIT ")
            .push_bind(i64::try_from(limit).unwrap_or(i64::MAX));
        let rows = query.build().fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter()
            .map(|row| {
                let data: String = row.try_get("data").map_err(map_err)?;
                let mut message: OutboxMessage = serde_json::from_str(&data).map_err(json_err)?;
                message.id = row.try_get("id").map_err(map_err)?;
                Ok(message)
            })
            .collect()
    }
}
