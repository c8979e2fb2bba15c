//! The request metrics, as the outermost layer of the router: every request is counted, the
//! refused ones (signature, quota, body) included. Labels are static strings: an AWS JSON
//! operation's names come from the registry's own keys, other paths from a fixed grouping.

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use cognate_awsjson::Registry;

use crate::routes::AppState;

pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (service, operation) = classify(&state.registry, &request);
    #[allow(clippy::disallowed_methods)] // a latency metric, not a wall-clock read
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    state.metrics.request(
        service,
        operation,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// (service, operation) of a request.
fn classify(registry: &Registry, request: &Request) -> (&'static str, &'static str) {
    let path = request.uri().path();
    if path != "/" || request.method() != Method::POST {
        return ("http", route_group(path));
    }
    let Some(target) = request.headers().get("x-amz-target") else {
        // A form POST without a target is STS's Query protocol.
        return ("sts", "sts");
    };
    let known = target.to_str().ok().and_then(|t| registry.known_target(t));
    match known.and_then(|t| t.split_once('.')) {
        Some(("AWSCognitoIdentityProviderService", operation)) => ("cognito-idp", operation),
        Some(("AWSCognitoIdentityService", operation)) => ("cognito-identity", operation),
        _ => ("unknown", "unknown"),
    }
}

/// The endpoints other than the AWS JSON ones, grouped.
fn route_group(path: &str) -> &'static str {
    match path {
        "/health" => "health",
        "/ready" => "ready",
        "/metrics" => "metrics",
        _ if path.starts_with("/oauth2/") => "oauth2",
        _ if path.starts_with("/_cognate/") => "extensions",
        _ if path.contains("/.well-known/") => "well_known",
        _ if path.starts_with("/assets/") => "hosted",
        "/login"
        | "/logout"
        | "/signup"
        | "/confirmUser"
        | "/forgotPassword"
        | "/confirmForgotPassword" => "hosted",
        _ => "other",
    }
}
