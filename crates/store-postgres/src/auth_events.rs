use async_trait::async_trait;
use cognate_domain::auth_event::{AuthEvent, AuthEventFeedback, AuthEventStore};
use cognate_domain::ids::UserPoolId;
use cognate_domain::{Page, StoreError};
use sqlx::Row;
use sqlx::types::Json;

use crate::PgStore;
use crate::error::map_err;
use cognate_domain::listing::{fetch_limit, page};

/// The page key after the last event: its sequence number (newest first, so "after" is lower).
fn parse_after(after: Option<&str>) -> i64 {
    after
        .and_then(|key| key.parse::<i64>().ok())
        .unwrap_or(i64::MAX)
}

#[async_trait]
impl AuthEventStore for PgStore {
    async fn add_auth_event(&self, event: &AuthEvent) -> Result<(), StoreError> {
        // A missing user fails the foreign key: NotFound.
        sqlx::query(
            "INSERT INTO auth_events (pool_id, username_key, event_id, created_at, data) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(event.pool_id.as_str())
        .bind(&event.username_key)
        .bind(&event.event_id)
        .bind(event.created_at.millis())
        .bind(Json(event))
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn list_auth_events(
        &self,
        pool_id: &UserPoolId,
        username_key: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<AuthEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, data FROM auth_events WHERE pool_id = $1 AND username_key = $2 \
             AND seq < $3 ORDER BY seq DESC LIMIT $4",
        )
        .bind(pool_id.as_str())
        .bind(username_key)
        .bind(parse_after(after))
        .bind(fetch_limit(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        let mut events = Vec::with_capacity(rows.len());
        for row in rows {
            let seq: i64 = row.try_get("seq").map_err(map_err)?;
            let Json(event): Json<AuthEvent> = row.try_get("data").map_err(map_err)?;
            events.push((seq, event));
        }
        let page = page(events, limit, |(seq, _)| seq.to_string());
        Ok(Page {
            items: page.items.into_iter().map(|(_, event)| event).collect(),
            next: page.next,
        })
    }

    async fn set_auth_event_feedback(
        &self,
        pool_id: &UserPoolId,
        username_key: &str,
        event_id: &str,
        feedback: &AuthEventFeedback,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE auth_events SET data = jsonb_set(data, '{feedback}', $4) \
             WHERE pool_id = $1 AND username_key = $2 AND event_id = $3",
        )
        .bind(pool_id.as_str())
        .bind(username_key)
        .bind(event_id)
        .bind(Json(feedback))
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }
}
