//! The SigV4-guarded mode (`[security] auth = "sigv4"`): operations AWS signs need a valid
//! Signature Version 4 made with one of the configured access keys, scoped to the operation's
//! service; `/_cognate/*` needs the same. The signature itself is computed by AWS's signer
//! (`cognate_crypto::sigv4`, over `aws-sigv4`) and compared in constant time.
//!
//! Refusals are AWS's common errors, in the order AWS reports them: no signature
//! (`MissingAuthenticationTokenException`), a malformed one (`IncompleteSignatureException`), an
//! unknown access key (`UnrecognizedClientException`), a time stamp more than 5 minutes off or a
//! signature that does not match (`InvalidSignatureException`).

use std::collections::HashMap;
use std::sync::Arc;

use cognate_awsjson::ApiError;
use cognate_crypto::sigv4::{self, Authorization};
use cognate_domain::Clock;
use http::HeaderMap;

/// How far `X-Amz-Date` may be from the server's clock (AWS: 5 minutes).
const MAX_SKEW_SECS: i64 = 5 * 60;

/// The configured access keys and the clock that dates requests.
pub struct AdminAuth {
    secrets: HashMap<String, String>,
    clock: Arc<dyn Clock>,
}

/// A request as received, for verification.
pub struct SignedRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

impl std::fmt::Debug for AdminAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut keys: Vec<_> = self.secrets.keys().collect();
        keys.sort();
        f.debug_struct("AdminAuth")
            .field("access_key_ids", &keys)
            .finish_non_exhaustive()
    }
}

impl AdminAuth {
    /// `credentials`: (access key id, secret access key) pairs.
    pub fn new(
        credentials: impl IntoIterator<Item = (String, String)>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            secrets: credentials.into_iter().collect(),
            clock,
        }
    }

    /// Checks `request`'s signature for `service` (`cognito-idp`, `cognito-identity`); the
    /// access key id of the caller when it holds.
    pub fn check(&self, request: &SignedRequest<'_>, service: &str) -> Result<String, ApiError> {
        let Some(value) = request.headers.get(http::header::AUTHORIZATION) else {
            return Err(missing_token());
        };
        let auth = value
            .to_str()
            .ok()
            .and_then(Authorization::parse)
            .ok_or_else(incomplete)?;
        let signed = |name: &str| auth.signed_headers.iter().any(|h| h == name);
        let amz_date = header(request.headers, "x-amz-date");
        if !signed("host") || !signed("x-amz-date") || amz_date.is_empty() {
            return Err(incomplete());
        }
        let secret = self
            .secrets
            .get(&auth.access_key_id)
            .ok_or_else(unrecognized_client)?;
        self.check_date(amz_date)?;
        // A signature scoped to another service (s3…) is valid for that service only.
        if auth.service != service {
            return Err(mismatch());
        }
        let headers: Vec<(String, String)> = request
            .headers
            .iter()
            .filter_map(|(name, value)| Some((name.to_string(), value.to_str().ok()?.to_string())))
            .collect();
        let received = sigv4::Request {
            method: request.method,
            path: request.path,
            query: request.query,
            headers: &headers,
            body: request.body,
        };
        if !sigv4::verify(secret, &received, &auth, amz_date) {
            return Err(mismatch());
        }
        Ok(auth.access_key_id)
    }

    /// AWS refuses a time stamp more than 5 minutes from its clock, either way.
    fn check_date(&self, amz_date: &str) -> Result<(), ApiError> {
        let when = sigv4::parse_amz_date(amz_date)
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .and_then(|d| i64::try_from(d.as_secs()).ok())
            .ok_or_else(mismatch)?;
        let now = self.clock.now().secs();
        if when < now - MAX_SKEW_SECS {
            return Err(invalid_signature(format!(
                "Signature expired: {amz_date} is now earlier than {} ({} - 5 min.)",
                amz(now - MAX_SKEW_SECS),
                amz(now)
            )));
        }
        if when > now + MAX_SKEW_SECS {
            return Err(invalid_signature(format!(
                "Signature not yet current: {amz_date} is still later than {} ({} + 5 min.)",
                amz(now + MAX_SKEW_SECS),
                amz(now)
            )));
        }
        Ok(())
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// Epoch seconds in the `X-Amz-Date` form.
fn amz(secs: i64) -> String {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_default()
}

fn missing_token() -> ApiError {
    ApiError::new(
        "MissingAuthenticationTokenException",
        "Missing Authentication Token",
    )
}

fn incomplete() -> ApiError {
    ApiError::new(
        "IncompleteSignatureException",
        "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' \
         parameters, with host and x-amz-date signed.",
    )
}

fn unrecognized_client() -> ApiError {
    ApiError::new(
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )
}

fn invalid_signature(message: String) -> ApiError {
    ApiError::new("InvalidSignatureException", message)
}

fn mismatch() -> ApiError {
    invalid_signature(
        "The request signature we calculated does not match the signature you provided. \
         Check your AWS Secret Access Key and signing method. Consult the service \
         documentation for details."
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use cognate_domain::TestClock;

    #[test]
    fn skew_messages_have_aws_form() {
        let clock = Arc::new(TestClock::default());
        let auth = AdminAuth::new([("AKID".to_string(), "s".to_string())], clock.clone());
        let now = clock.now().secs();
        let old = auth.check_date(&amz(now - 1200)).expect_err("stale");
        assert!(
            old.message.starts_with("Signature expired: "),
            "{}",
            old.message
        );
        assert!(old.message.ends_with(" - 5 min.)"), "{}", old.message);
        let future = auth.check_date(&amz(now + 1200)).expect_err("future");
        assert!(future.message.starts_with("Signature not yet current: "));
        assert!(auth.check_date(&amz(now - 120)).is_ok());
    }
}
