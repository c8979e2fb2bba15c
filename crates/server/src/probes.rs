//! Probes for orchestrators and monitoring: `GET /health` (liveness: the process answers; in
//! `routes`), `GET /ready` (the database answers and has every migration of this build) and
//! `GET /metrics`. All three are unguarded in both `security.auth` modes: load balancers and
//! Prometheus do not sign requests, and they expose no identities, only counts.

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use crate::metrics::CONTENT_TYPE;
use crate::routes::AppState;

/// How long readiness waits for the database before calling it unreachable.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn ready(State(state): State<AppState>) -> Response {
    let check = tokio::time::timeout(READY_TIMEOUT, state.idp.store.pending_migrations()).await;
    let reason = match check {
        Ok(Ok(0)) => return axum::Json(json!({ "status": "ready" })).into_response(),
        Ok(Ok(pending)) => format!("{pending} database migrations pending"),
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness: the database does not answer");
            "the database does not answer".to_string()
        }
        Err(_) => "the database did not answer in time".to_string(),
    };
    let body = json!({ "status": "not ready", "reason": reason });
    (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response()
}

/// With `metrics.enabled`: `GET /metrics`, and every request of `router` (and of it) measured
/// by the outermost layer, so that refused requests count too. Without, `router` as it is.
pub fn with_metrics(router: Router, state: AppState) -> Router {
    if !state.metrics_enabled {
        return router;
    }
    router
        .merge(
            Router::new()
                .route("/metrics", get(metrics))
                .with_state(state.clone()),
        )
        .layer(axum::middleware::from_fn_with_state(
            state,
            crate::metrics::track,
        ))
}

async fn metrics(State(state): State<AppState>) -> Response {
    let text = state
        .metrics
        .render(&state.idp.hasher, state.idp.store.as_ref());
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response()
}
