use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode, header};

use crate::{ApiError, Registry};

pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// What a handler may know of the request besides its input: never the HTTP request itself.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
    pub target: String,
    /// The request's headers, for SigV4 verification of admin operations.
    pub headers: HeaderMap,
    /// The raw body, for SigV4 verification (the signature covers its hash).
    pub body: Bytes,
}

/// Routes one AWS JSON request on its full `X-Amz-Target` and renders the reply.
pub async fn dispatch(
    registry: &Registry,
    request_id: String,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let ctx = RequestContext {
        request_id: request_id.clone(),
        target: target.clone(),
        headers,
        body: body.clone(),
    };
    match registry.call(&target, ctx, body).await {
        Ok(json) => json_response(&request_id, StatusCode::OK, json),
        Err(error) => {
            // One line per failed request at the default level, so a user sees why a client
            // failed; the message stays out (it can echo what the caller sent).
            let operation = target.rsplit('.').next().unwrap_or_default();
            if error.status.is_server_error() {
                tracing::error!(request_id, operation, code = %error.code, "operation failed");
            } else {
                tracing::info!(request_id, operation, code = %error.code, "operation rejected");
            }
            error_response(&request_id, &error)
        }
    }
}

pub fn json_response(request_id: &str, status: StatusCode, json: Bytes) -> Response {
    let mut response = Response::new(Body::from(json));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    response
}

/// The AWS JSON error envelope: `{"__type", "message"}` plus the `x-amzn-ErrorType` header.
pub fn error_response(request_id: &str, error: &ApiError) -> Response {
    let body = serde_json::json!({ "__type": error.code, "message": error.message });
    let mut response = json_response(request_id, error.status, Bytes::from(body.to_string()));
    if let Ok(code) = HeaderValue::from_str(&error.code) {
        response.headers_mut().insert("x-amzn-errortype", code);
    }
    response
}
