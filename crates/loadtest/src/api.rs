//! Raw AWS JSON 1.1 over one shared keep-alive reqwest client.

use std::fmt;
use std::time::Duration;

use anyhow::Context;
use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use reqwest::{StatusCode, Url};
use serde_json::Value;

pub const IDP_TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";
pub const CONTENT_TYPE_JSON_11: &str = "application/x-amz-json-1.1";

/// One request of a scenario: the cognito-idp operation and its serialized JSON body.
#[derive(Clone, Debug)]
pub struct Request {
    pub op: &'static str,
    pub body: Bytes,
}

impl Request {
    pub fn json(op: &'static str, body: &Value) -> Self {
        Self {
            op,
            body: Bytes::from(body.to_string()),
        }
    }
}

/// The `X-Amz-Target` of `op`: a cognito-idp operation name, or a full target of another
/// service (`AWSCognitoIdentityService.GetId`).
fn target(op: &str) -> String {
    if op.contains('.') {
        op.to_owned()
    } else {
        format!("{IDP_TARGET_PREFIX}{op}")
    }
}

/// What one measured request came to.
pub enum Outcome {
    /// HTTP 200.
    Ok,
    /// Any other status (with the error `__type` when the server gave one), or a transport
    /// failure.
    Error(String),
}

/// An error answer to a setup call.
#[derive(Debug)]
pub struct ApiError {
    pub op: String,
    pub status: StatusCode,
    pub code: String,
    pub message: String,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} answered HTTP {} {}: {}",
            self.op,
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl std::error::Error for ApiError {}

#[derive(Clone)]
pub struct Api {
    client: reqwest::Client,
    endpoint: Url,
}

impl Api {
    /// One client for the whole run: connections are kept alive and reused by all tasks.
    pub fn new(endpoint: Url, pool_size: usize, timeout: Duration) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(pool_size)
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_nodelay(true)
            .timeout(timeout)
            .no_proxy()
            .build()
            .context("building the HTTP client")?;
        Ok(Self { client, endpoint })
    }

    fn post(&self, op: &str, body: Bytes) -> reqwest::RequestBuilder {
        self.client
            .post(self.endpoint.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE_JSON_11))
            .header("X-Amz-Target", target(op))
            .body(body)
    }

    /// A measured request: sends it, reads the whole answer (so the connection is reused) and
    /// classifies it.
    pub async fn send(&self, req: &Request) -> Outcome {
        let response = match self.post(req.op, req.body.clone()).send().await {
            Ok(r) => r,
            Err(e) => return Outcome::Error(transport_error(&e)),
        };
        let status = response.status();
        let header_code = response
            .headers()
            .get("x-amzn-ErrorType")
            .and_then(|v| v.to_str().ok())
            .map(|s| s.split(':').next().unwrap_or(s).to_owned());
        let body = match response.bytes().await {
            Ok(b) => b,
            Err(e) => return Outcome::Error(transport_error(&e)),
        };
        if status == StatusCode::OK {
            return Outcome::Ok;
        }
        let code = header_code
            .or_else(|| error_type(&body))
            .unwrap_or_else(|| "(no __type)".to_owned());
        Outcome::Error(format!("{code} (HTTP {})", status.as_u16()))
    }

    /// A setup call: the parsed answer, or an [`ApiError`] naming the error `__type`.
    pub async fn call(&self, op: &str, body: Value) -> anyhow::Result<Value> {
        let response = self
            .post(op, Bytes::from(body.to_string()))
            .send()
            .await
            .with_context(|| format!("{op}: cannot reach {}", self.endpoint))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .with_context(|| format!("{op}: reading the answer"))?;
        if status != StatusCode::OK {
            let parsed: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            let code = error_type(&bytes).unwrap_or_else(|| "(no __type)".to_owned());
            let message = parsed
                .get("message")
                .or_else(|| parsed.get("Message"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            return Err(ApiError {
                op: op.to_owned(),
                status,
                code,
                message,
            }
            .into());
        }
        serde_json::from_slice(&bytes).with_context(|| format!("{op}: answer is not JSON"))
    }

    pub fn endpoint(&self) -> &Url {
        &self.endpoint
    }
}

/// The `__type` of an error body, without any `prefix#` namespace.
fn error_type(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let t = v.get("__type")?.as_str()?;
    Some(t.rsplit('#').next().unwrap_or(t).to_owned())
}

fn transport_error(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "transport: timeout".to_owned()
    } else if e.is_connect() {
        "transport: connect failed".to_owned()
    } else {
        "transport: request failed".to_owned()
    }
}

/// A string field of a JSON answer, with an error naming the operation when it is missing.
pub fn field<'a>(v: &'a Value, op: &str, pointer: &str) -> anyhow::Result<&'a str> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .with_context(|| format!("{op}: answer has no {pointer}: {v}"))
}
