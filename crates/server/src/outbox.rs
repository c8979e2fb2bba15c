//! `GET /_cognate/outbox?pool_id=&username=&kind=&limit=`: the messages Cognate "sent" (codes,
//! temporary passwords), newest first, for tests and developers to read.
//!
//! `username` may be any name the pool signs the user in with (an email in an email-as-username
//! pool, an alias): it is resolved to the stored username when `pool_id` is given and the user
//! exists.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cognate_domain::ids::UserPoolId;
use cognate_domain::tokens::{OutboxFilter, OutboxMessage};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::routes::AppState;

const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 1000;

#[derive(Debug, Deserialize)]
pub struct OutboxQuery {
    pool_id: Option<String>,
    username: Option<String>,
    kind: Option<String>,
    limit: Option<usize>,
}

pub async fn list(State(state): State<AppState>, Query(query): Query<OutboxQuery>) -> Response {
    let username = match (&query.pool_id, query.username) {
        (Some(pool_id), Some(given)) => Some(stored_username(&state, pool_id, given).await),
        (_, username) => username,
    };
    let filter = OutboxFilter {
        pool_id: query.pool_id.map(UserPoolId::new),
        username,
        kind: query.kind,
    };
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    match state.idp.store.list_messages(&filter, limit).await {
        Ok(messages) => {
            let messages: Vec<Value> = messages.iter().map(message_json).collect();
            Json(json!({ "messages": messages })).into_response()
        }
        Err(error) => {
            tracing::error!(%error, "listing the outbox failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the outbox could not be read",
            )
                .into_response()
        }
    }
}

/// The username messages were recorded under: the user's stored name when `given` finds one.
async fn stored_username(state: &AppState, pool_id: &str, given: String) -> String {
    let Ok(pool) = state.idp.pool(pool_id).await else {
        return given;
    };
    match state.idp.find_user(&pool, &given).await {
        Ok(Some(user)) => user.username,
        _ => given,
    }
}

fn message_json(message: &OutboxMessage) -> Value {
    json!({
        "id": message.id,
        "pool_id": message.pool_id.as_str(),
        "username": message.username,
        "kind": message.kind,
        "medium": message.medium,
        "destination": message.destination,
        "subject": message.subject,
        "body": message.body,
        "code": message.code,
        "created_at": message.created_at.secs(),
    })
}
