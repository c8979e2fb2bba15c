//! U+0000 outside the AWS JSON API. The JSON operations refuse it in model validation; the other
//! endpoints (the OAuth endpoints and hosted pages, the OIDC documents, STS's form, the
//! `/_cognate/` extensions) take it in paths, query strings and form bodies, where it would reach
//! Postgres, which cannot store or compare it, and answer 500. Refused here, once, for all of
//! them: a clear 400 on either backend, before any handler runs.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use cognate_awsjson::is_form;

use crate::routes::{AppState, read_body};

pub async fn refuse(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let uri = request.uri();
    if encodes_null(uri.path().as_bytes())
        || uri.query().is_some_and(|q| encodes_null(q.as_bytes()))
    {
        return refused();
    }
    // On `/` a request naming an X-Amz-Target is an AWS JSON request whatever its content
    // type (it is routed on the target), and its decoding refuses U+0000 in AWS's envelope.
    let aws_json = uri.path() == "/" && request.headers().contains_key("x-amz-target");
    if !is_form(request.headers()) || aws_json {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match read_body(&parts.headers, body, &state).await {
        Ok(bytes) => bytes,
        // As the endpoint itself would answer a body it cannot read: STS on `/` in the AWS
        // envelope, the OAuth endpoints and pages in OAuth's.
        Err(error) if parts.uri.path() == "/" => {
            return cognate_awsjson::error_response("", &error);
        }
        Err(error) => return oauth_error(error.status, &error.message),
    };
    if bytes.contains(&0) || encodes_null(&bytes) {
        return refused();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// `%00` in percent-encoded text (any case of the hex digits is the same byte).
fn encodes_null(text: &[u8]) -> bool {
    text.windows(3).any(|w| w == b"%00")
}

/// OAuth 2.0's shape for a malformed request, which every client of these endpoints parses.
fn refused() -> Response {
    oauth_error(
        StatusCode::BAD_REQUEST,
        "The request contains a null character (U+0000).",
    )
}

fn oauth_error(status: StatusCode, description: &str) -> Response {
    let body = serde_json::json!({
        "error": "invalid_request",
        "error_description": description,
    });
    (status, axum::Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::encodes_null;

    #[test]
    fn finds_the_encoded_null_only() {
        assert!(encodes_null(b"client_id=a%00b"));
        assert!(encodes_null(b"%00"));
        assert!(!encodes_null(b"a%2500b"));
        assert!(!encodes_null(b"a%20b%0"));
    }
}
