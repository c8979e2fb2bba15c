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

impl RequestContext {
    /// The context of an operation run on a caller's behalf by another part of the server
    /// (the hosted pages run SignUp, ForgotPassword, ... as the public API would): unsigned.
    pub fn internal(target: &str) -> Self {
        Self {
            request_id: uuid::Uuid::new_v4().to_string(),
            target: target.to_string(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }
    }

    /// The region the request was signed for: the region of the SigV4 credential scope in its
    /// `Authorization` header (`Credential=AKID/DATE/REGION/SERVICE/aws4_request`), as AWS's
    /// regional endpoints and other emulators read it. `None` when the request is unsigned, or
    /// the scope names no usable region: one that would not fit AWS's id formats (`<region>_…`
    /// pool ids, `<region>:<uuid>` identity ids, at most 55 characters).
    pub fn signing_region(&self) -> Option<&str> {
        let authorization = self
            .headers
            .get(http::header::AUTHORIZATION)?
            .to_str()
            .ok()?;
        let region = credential_scope(authorization)?.split('/').nth(2)?;
        let usable = (1..=MAX_REGION_LEN).contains(&region.len())
            && region.starts_with(|c: char| c.is_ascii_lowercase())
            && region
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        usable.then_some(region)
    }

    /// The caller's region: the one the request was signed for, else `configured` (unsigned
    /// requests). Operations that name a pool take the region from the pool's id instead.
    pub fn region<'a>(&'a self, configured: &'a str) -> &'a str {
        self.signing_region().unwrap_or(configured)
    }
}

/// The `Credential` parameter of a SigV4 `Authorization` header, read as the verifier
/// (`cognate_crypto::sigv4::Authorization::parse`) reads it, so that the region a request runs
/// in is the one its signature was checked for: after the algorithm, comma-separated
/// `name=value` parameters, `Credential` exactly once. (A property test in crates/crypto holds
/// the two readers together.)
fn credential_scope(authorization: &str) -> Option<&str> {
    let parameters = authorization.trim().strip_prefix("AWS4-HMAC-SHA256")?;
    let mut scopes = parameters
        .split(',')
        .filter_map(|parameter| parameter.trim().split_once('='))
        .filter(|(name, _)| *name == "Credential")
        .map(|(_, scope)| scope);
    let scope = scopes.next()?;
    scopes.next().is_none().then_some(scope)
}

/// The longest region that keeps an identity id (`<region>:<uuid>`) within the model's 55.
const MAX_REGION_LEN: usize = 18;

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

#[cfg(test)]
mod tests {
    use super::*;

    fn context(authorization: Option<&str>) -> RequestContext {
        let mut headers = HeaderMap::new();
        if let Some(value) = authorization {
            headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        }
        RequestContext {
            request_id: "r".into(),
            target: "T".into(),
            headers,
            body: Bytes::new(),
        }
    }

    fn signed(scope: &str) -> RequestContext {
        context(Some(&format!(
            "AWS4-HMAC-SHA256 Credential=AKID/{scope}, SignedHeaders=host;x-amz-date, Signature=ab12"
        )))
    }

    #[test]
    fn the_region_is_the_signing_region_else_the_configured_one() {
        let west = signed("20250101/us-west-2/cognito-idp/aws4_request");
        assert_eq!(west.signing_region(), Some("us-west-2"));
        assert_eq!(west.region("us-east-1"), "us-west-2");
        let gov = signed("20250101/us-gov-west-1/cognito-identity/aws4_request");
        assert_eq!(gov.region("us-east-1"), "us-gov-west-1");
        assert_eq!(context(None).region("eu-west-1"), "eu-west-1");
    }

    #[test]
    fn a_region_that_would_break_ids_is_ignored() {
        for scope in [
            "20250101//cognito-idp/aws4_request",
            "20250101/US-WEST-2/cognito-idp/aws4_request",
            "20250101/us_west_2/cognito-idp/aws4_request",
            "20250101/us-west-2:x/cognito-idp/aws4_request",
            "20250101/a-region-name-far-too-long-1/cognito-idp/aws4_request",
            "20250101",
        ] {
            assert_eq!(signed(scope).signing_region(), None, "{scope}");
        }
        assert_eq!(context(Some("Bearer token")).signing_region(), None);
    }

    /// Found by the SigV4 property test: the region was read from the first `Credential=`
    /// anywhere in the header, while the signature is checked for the scope of the
    /// `Credential` parameter, so a header with an extra one ran a request signed for one
    /// region in another.
    #[test]
    fn the_region_is_the_one_the_signature_is_checked_for() {
        let genuine = "Credential=AKID/20250101/us-west-2/cognito-idp/aws4_request, \
                       SignedHeaders=host;x-amz-date, Signature=ab12";
        let injected = "X-Note=Credential=AKID/20250101/eu-west-1/cognito-idp/aws4_request";
        let region = |value: String| context(Some(&value)).signing_region().map(str::to_string);
        assert_eq!(
            region(format!("AWS4-HMAC-SHA256 {injected}, {genuine}")).as_deref(),
            Some("us-west-2")
        );
        let twice = format!(
            "AWS4-HMAC-SHA256 Credential=AKID/20250101/eu-west-1/cognito-idp/aws4_request, {genuine}"
        );
        assert_eq!(region(twice), None);
        assert_eq!(region(format!("Bearer {genuine}")), None);
    }
}
