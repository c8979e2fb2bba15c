//! `GET /_cognate/invocations?pool_id=&trigger=&trigger_source=&limit=`: the Lambda trigger
//! invocations, newest first, each with its event and reply (passwords, answers and codes
//! redacted), duration and outcome, so a developer can see what their function received and
//! answered.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use cognate_lambda::InvocationFilter;
use serde::Deserialize;
use serde_json::json;

use crate::routes::AppState;

const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 1000;

#[derive(Debug, Deserialize)]
pub struct InvocationQuery {
    pool_id: Option<String>,
    /// A `LambdaConfig` name (`PreSignUp`) or a trigger source (`PreSignUp_SignUp`).
    trigger: Option<String>,
    trigger_source: Option<String>,
    limit: Option<usize>,
}

pub async fn list(State(state): State<AppState>, Query(query): Query<InvocationQuery>) -> Response {
    let filter = InvocationFilter {
        pool_id: query.pool_id,
        trigger: query.trigger.or(query.trigger_source),
    };
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let invocations = state.idp.triggers.invocations(&filter, limit);
    Json(json!({ "invocations": invocations })).into_response()
}
