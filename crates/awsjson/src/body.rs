//! Reading request bodies, bounded in size and in time: the one reader of every endpoint on the
//! port (the JSON services, STS's form, the OAuth endpoints and the hosted pages' forms), so a
//! slow or greedy client meets the same limits wherever it posts.

use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use http::{HeaderMap, StatusCode, header};
use http_body_util::{BodyExt, Limited};

use crate::ApiError;

/// How large a request body may be and how long it may take to arrive, whole.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    pub max_bytes: usize,
    pub timeout: Duration,
}

/// An `application/x-www-form-urlencoded` body (STS's Query protocol, the OAuth endpoints, the
/// hosted pages' forms).
pub fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// Whether a read failed because the body did not arrive in time (answered 408, and the
/// connection is best closed: what is left of the body on the wire is unknown).
pub fn timed_out(error: &ApiError) -> bool {
    error.status == StatusCode::REQUEST_TIMEOUT
}

/// Reads at most `limits.max_bytes`: a larger body is refused without being buffered whole
/// (413, `RequestEntityTooLargeException`). A body that has not arrived whole within
/// `limits.timeout` (a client announcing a body and never sending it, or sending it a byte at a
/// time) is refused with 408, `RequestTimeoutException`.
pub async fn read_body(
    headers: &HeaderMap,
    body: Body,
    limits: BodyLimits,
) -> Result<Bytes, ApiError> {
    let limit = limits.max_bytes;
    let too_large = || {
        ApiError::new(
            "RequestEntityTooLargeException",
            format!("Request body exceeds {limit} bytes"),
        )
        .with_status(StatusCode::PAYLOAD_TOO_LARGE)
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large());
    }
    let read = tokio::time::timeout(limits.timeout, Limited::new(body, limit).collect());
    let Ok(collected) = read.await else {
        return Err(ApiError::new(
            "RequestTimeoutException",
            "The request body was not received in time",
        )
        .with_status(StatusCode::REQUEST_TIMEOUT));
    };
    match collected {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Err(_) => Err(ApiError::serialization("Could not read the request body")),
    }
}
