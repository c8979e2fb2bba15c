//! The HTTP surface: both AWS JSON services on `POST /`, the OIDC documents, health, and the
//! operator/test extensions under `/_cognate/`.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use cognate_awsjson::{ApiError, BodyLimits, Registry, is_form};

use crate::admin_auth::{AdminAuth, SignedRequest};
use crate::audit;
use crate::quotas::Quotas;
use cognate_domain::TestClock;
use cognate_idp::Idp;
use serde::Deserialize;
use tracing::Instrument;

#[derive(Clone)]
pub struct AppState {
    pub registry: Arc<Registry>,
    pub idp: Idp,
    pub identity: cognate_identity::Identity,
    pub test_clock: Option<Arc<TestClock>>,
    /// How large a request body may be and how long it may take to arrive, whole.
    pub body_limits: BodyLimits,
    /// The SigV4 guard (`auth = "sigv4"`); `None` in `open` mode.
    pub admin_auth: Option<Arc<AdminAuth>>,
    /// AWS's request-rate quotas (`[quotas] enabled = true`); `None` when off.
    pub quotas: Option<Arc<Quotas>>,
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Whether requests are measured and `GET /metrics` served (`metrics.enabled`).
    pub metrics_enabled: bool,
}

pub fn router(state: AppState) -> Router {
    let router = Router::new()
        .route("/", post(aws_json))
        .route("/health", get(health))
        .route("/ready", get(crate::probes::ready))
        .route(
            "/cognito-identity/.well-known/jwks.json",
            get(identity_jwks),
        )
        .route(
            "/cognito-identity/.well-known/openid-configuration",
            get(identity_openid_configuration),
        )
        .route("/{pool_id}/.well-known/jwks.json", get(jwks))
        .route(
            "/{pool_id}/.well-known/openid-configuration",
            get(openid_configuration),
        )
        .merge(extensions(state.clone()))
        .route(
            "/_cognate/import/{pool_id}/{job_id}",
            put(crate::import_upload::put),
        )
        .with_state(state.clone())
        // The authorization server and hosted pages: /oauth2/*, /login, /logout.
        .merge(cognate_oauth::router(cognate_oauth::OAuthState {
            idp: state.idp.clone(),
            body_limits: state.body_limits,
        }))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::null_characters::refuse,
        ));
    crate::probes::with_metrics(router, state)
}

/// The operator and test extensions under `/_cognate/`, behind the SigV4 guard in `sigv4` mode.
/// (The import upload is not among them: its pre-signed URL is its authorisation, as S3's is.)
fn extensions(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/_cognate/clock", get(clock).post(advance_clock))
        .route("/_cognate/outbox", get(crate::outbox::list))
        .route("/_cognate/invocations", get(crate::invocations::list))
        .route_layer(axum::middleware::from_fn_with_state(state, guard_extension))
}

/// `/_cognate/*` in `sigv4` mode: signed for cognito-idp with a configured key.
async fn guard_extension(
    State(state): State<AppState>,
    request: Request,
    next: axum::middleware::Next,
) -> Response {
    let Some(auth) = state.admin_auth.clone() else {
        return next.run(request).await;
    };
    let request_id = request_id();
    let (parts, body) = request.into_parts();
    let body = match read_body(&parts.headers, body, &state).await {
        Ok(body) => body,
        Err(error) => return body_error(&request_id, &error),
    };
    if let Err(error) = check_signature(&auth, &parts, &body, "cognito-idp") {
        return cognate_awsjson::error_response(&request_id, &error);
    }
    next.run(Request::from_parts(parts, Body::from(body))).await
}

fn check_signature(
    auth: &AdminAuth,
    parts: &axum::http::request::Parts,
    body: &[u8],
    service: &str,
) -> Result<String, ApiError> {
    auth.check(
        &SignedRequest {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query: parts.uri.query().unwrap_or_default(),
            headers: &parts.headers,
            body,
        },
        service,
    )
}

/// Whether AWS serves `target` without a signature (SignUp, InitiateAuth, GetId…: the model
/// marks them); every other operation is an admin or management call.
fn is_unsigned(target: &str) -> bool {
    cognate_model::idp::op::UNSIGNED_OPERATIONS.contains(&target)
        || cognate_model::identity::op::UNSIGNED_OPERATIONS.contains(&target)
}

/// In `sigv4` mode, an operation AWS signs needs a valid signature for its service; the ones the
/// model marks unsigned pass as they are. The caller's access key when checked.
fn guard_operation(
    state: &AppState,
    parts: &axum::http::request::Parts,
    target: &str,
    body: &[u8],
) -> Result<Option<String>, ApiError> {
    let Some(auth) = &state.admin_auth else {
        return Ok(None);
    };
    if is_unsigned(target) {
        return Ok(None);
    }
    let service = if target.starts_with("AWSCognitoIdentityService.") {
        "cognito-identity"
    } else {
        "cognito-idp"
    };
    check_signature(auth, parts, body, service).map(Some)
}

fn request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

async fn aws_json(State(state): State<AppState>, request: Request) -> Response {
    let request_id = request_id();
    let (parts, body) = request.into_parts();
    let body = match read_body(&parts.headers, body, &state).await {
        Ok(body) => body,
        Err(error) => return body_error(&request_id, &error),
    };
    let span = tracing::info_span!("request", request_id = %request_id);
    if is_sts(&parts.headers) {
        return sts(&state, request_id, &parts, body).instrument(span).await;
    }
    let target = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let caller = match guard_operation(&state, &parts, &target, &body) {
        Ok(caller) => caller,
        Err(error) => {
            tracing::info!(request_id, code = %error.code, "signature refused");
            let response = cognate_awsjson::error_response(&request_id, &error);
            audit::record(&request_id, &target, &body, None, &response);
            return response;
        }
    };
    let audited = !is_unsigned(&target);
    if let Some(quotas) = &state.quotas
        && let Err(error) = quotas.admit(&target)
    {
        tracing::info!(request_id, code = %error.code, "request rate quota exceeded");
        let response = cognate_awsjson::error_response(&request_id, &error);
        // A throttled admin call is still a call: audited with its refusal.
        if audited {
            audit::record(&request_id, &target, &body, caller.as_deref(), &response);
        }
        return response;
    }
    let input = audited.then(|| body.clone());
    let response =
        cognate_awsjson::dispatch(&state.registry, request_id.clone(), parts.headers, body)
            .instrument(span)
            .await;
    if let Some(input) = input {
        audit::record(&request_id, &target, &input, caller.as_deref(), &response);
    }
    response
}

/// A form POST without `X-Amz-Target` is the AWS Query protocol: STS.
fn is_sts(headers: &HeaderMap) -> bool {
    is_form(headers) && !headers.contains_key("x-amz-target")
}

async fn sts(
    state: &AppState,
    request_id: String,
    parts: &axum::http::request::Parts,
    body: Bytes,
) -> Response {
    let headers = parts
        .headers
        .iter()
        .filter_map(|(name, value)| Some((name.to_string(), value.to_str().ok()?.to_string())))
        .collect();
    let request = cognate_identity::sts::StsRequest {
        request_id: request_id.clone(),
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or_default().to_string(),
        headers,
        body: body.to_vec(),
    };
    let reply = cognate_identity::sts::handle(&state.identity, request).await;
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [
            (header::CONTENT_TYPE, "text/xml".to_string()),
            (
                header::HeaderName::from_static("x-amzn-requestid"),
                request_id,
            ),
        ],
        reply.body,
    )
        .into_response()
}

/// The answer to a body that could not be read: the connection is closed after it, since what
/// is left of the body on the wire is unknown.
fn body_error(request_id: &str, error: &ApiError) -> Response {
    let mut response = cognate_awsjson::error_response(request_id, error);
    response.headers_mut().insert(
        header::CONNECTION,
        axum::http::HeaderValue::from_static("close"),
    );
    response
}

/// The request's body within the server's limits (`cognate_awsjson::read_body`).
pub(crate) async fn read_body(
    headers: &HeaderMap,
    body: Body,
    state: &AppState,
) -> Result<Bytes, ApiError> {
    cognate_awsjson::read_body(headers, body, state.body_limits).await
}

async fn health() -> impl IntoResponse {
    axum::Json(serde_json::json!({ "status": "ok" }))
}

async fn jwks(State(state): State<AppState>, Path(pool_id): Path<String>) -> Response {
    json_or_error(cognate_idp::wellknown::jwks(&state.idp, &pool_id).await)
}

/// The JWKS of Cognate's identity issuer (GetOpenIdToken's tokens).
async fn identity_jwks(State(state): State<AppState>) -> Response {
    json_or_error(cognate_identity::jwks(&state.identity).await)
}

async fn identity_openid_configuration(State(state): State<AppState>) -> Response {
    json_or_error(Ok(cognate_identity::openid_configuration(&state.identity)))
}

async fn openid_configuration(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
) -> Response {
    json_or_error(cognate_idp::wellknown::openid_configuration(&state.idp, &pool_id).await)
}

fn json_or_error(result: Result<serde_json::Value, ApiError>) -> Response {
    match result {
        Ok(document) => axum::Json(document).into_response(),
        Err(error) if error.code == "ResourceNotFoundException" => (
            StatusCode::NOT_FOUND,
            axum::Json(serde_json::json!({ "message": error.message })),
        )
            .into_response(),
        Err(error) => cognate_awsjson::error_response(&request_id(), &error),
    }
}

#[derive(Deserialize)]
struct AdvanceClock {
    advance_secs: i64,
}

async fn clock(State(state): State<AppState>) -> Response {
    match &state.test_clock {
        Some(clock) => {
            axum::Json(serde_json::json!({ "offset_secs": clock.offset_secs() })).into_response()
        }
        None => clock_disabled(),
    }
}

async fn advance_clock(State(state): State<AppState>, body: Bytes) -> Response {
    let Some(clock) = &state.test_clock else {
        return clock_disabled();
    };
    match serde_json::from_slice::<AdvanceClock>(&body) {
        Ok(request) => {
            clock.advance_secs(request.advance_secs);
            axum::Json(serde_json::json!({ "offset_secs": clock.offset_secs() })).into_response()
        }
        Err(error) => (
            StatusCode::BAD_REQUEST,
            format!("expected {{\"advance_secs\": N}}: {error}"),
        )
            .into_response(),
    }
}

fn clock_disabled() -> Response {
    (
        StatusCode::NOT_FOUND,
        "the test clock is off (testing.clock = false)",
    )
        .into_response()
}
