//! Bounded HTTP requests: a time limit on the whole exchange, a size limit on the body read
//! (checked chunk by chunk, so a huge answer is never held), no redirects followed (a provider
//! endpoint that redirects is refused rather than followed somewhere unchecked).

use std::net::IpAddr;
use std::time::Duration;

use serde_json::Value;

/// How long and how large a provider's answer may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub timeout: Duration,
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(5),
            max_bytes: 256 * 1024,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The URL may not be fetched (see [`check_provider_url`]).
    #[error("refused URL: {0}")]
    Url(String),
    /// Connection, TLS or time-out failure.
    #[error("request failed: {0}")]
    Transport(String),
    /// The answer was larger than the limit.
    #[error("answer larger than {0} bytes")]
    TooLarge(usize),
    /// A non-success status, with the start of the body.
    #[error("HTTP {0}: {1}")]
    Status(u16, String),
    /// The body is not the JSON expected.
    #[error("answer is not JSON: {0}")]
    NotJson(String),
}

/// Provider endpoints must be https; plain http only to a loopback host (a local IdP, tests).
pub fn check_provider_url(url: &str) -> Result<(), FetchError> {
    let parsed =
        reqwest::Url::parse(url).map_err(|_| FetchError::Url(format!("{url} is not a URL")))?;
    let host = parsed
        .host_str()
        .ok_or_else(|| FetchError::Url(format!("{url} has no host")))?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(host) => Ok(()),
        "http" => Err(FetchError::Url(format!(
            "{url} must use https (plain http is allowed only for loopback hosts)"
        ))),
        _ => Err(FetchError::Url(format!("{url} must be an https URL"))),
    }
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// An HTTP response read whole within the limits.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as JSON.
    pub fn json(&self) -> Result<Value, FetchError> {
        serde_json::from_slice(&self.body).map_err(|error| FetchError::NotJson(error.to_string()))
    }

    /// The body as JSON if the status is a success, else `FetchError::Status`.
    pub fn success_json(&self) -> Result<Value, FetchError> {
        if !(200..300).contains(&self.status) {
            let text = String::from_utf8_lossy(&self.body);
            let excerpt: String = text.chars().take(300).collect();
            return Err(FetchError::Status(self.status, excerpt));
        }
        self.json()
    }
}

/// The HTTP client for provider requests.
#[derive(Clone)]
pub struct Fetcher {
    http: reqwest::Client,
    limits: Limits,
}

impl Fetcher {
    pub fn new(limits: Limits) -> Self {
        // reqwest's rustls takes the process-wide crypto provider; install aws-lc-rs unless
        // something else already did (an error then only means one is in place).
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(limits.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("Cognate")
            .build()
            .unwrap_or_default();
        Self { http, limits }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// GET `url` (with a Bearer token when given), JSON expected.
    pub async fn get_json(&self, url: &str, bearer: Option<&str>) -> Result<Value, FetchError> {
        let mut request = self.http.get(url).header("accept", "application/json");
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        self.send(request).await?.success_json()
    }

    /// GET `url` as text (SAML metadata), the status kept for the caller's message.
    pub async fn get_text(&self, url: &str) -> Result<Answer, FetchError> {
        let request = self.http.get(url).header(
            "accept",
            "application/samlmetadata+xml, application/xml, text/xml",
        );
        self.send(request).await
    }

    /// POST to `url` with a Bearer token and no body (userinfo by POST), JSON expected.
    pub async fn post_bearer(&self, url: &str, bearer: &str) -> Result<Value, FetchError> {
        let request = self
            .http
            .post(url)
            .bearer_auth(bearer)
            .header("accept", "application/json");
        self.send(request).await?.success_json()
    }

    /// POST a form to `url`, with HTTP Basic credentials when given.
    pub async fn post_form(
        &self,
        url: &str,
        form: &[(&str, &str)],
        basic: Option<(&str, &str)>,
    ) -> Result<Answer, FetchError> {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let mut request = self
            .http
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(body);
        if let Some((user, password)) = basic {
            request = request.basic_auth(encode_basic(user), Some(encode_basic(password)));
        }
        self.send(request).await
    }

    /// Sends the request and reads the answer within the limits.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Result<Answer, FetchError> {
        let mut response = request
            .send()
            .await
            .map_err(|error| FetchError::Transport(error.without_url().to_string()))?;
        let status = response.status().as_u16();
        let limit = self.limits.max_bytes;
        if response
            .content_length()
            .is_some_and(|length| length > limit as u64)
        {
            return Err(FetchError::TooLarge(limit));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| FetchError::Transport(error.without_url().to_string()))?
        {
            if body.len() + chunk.len() > limit {
                return Err(FetchError::TooLarge(limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer { status, body })
    }
}

/// RFC 6749 §2.3.1: the client id and secret are form-encoded before they go into HTTP Basic.
fn encode_basic(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_urls_are_https_or_loopback_http() {
        for ok in [
            "https://idp.example.com/authorize",
            "http://127.0.0.1:9000/token",
            "http://localhost/jwks",
            "http://[::1]:8080/x",
            "http://127.8.9.10/x",
        ] {
            assert!(check_provider_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://idp.example.com/authorize",
            "http://10.0.0.1/token",
            "ftp://idp.example.com/x",
            "not a url",
            "http://localhost.evil.example/x",
        ] {
            assert!(check_provider_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn basic_credentials_are_form_encoded() {
        assert_eq!(encode_basic("a b:c/+"), "a+b%3Ac%2F%2B");
        assert_eq!(encode_basic("plain-id"), "plain-id");
    }
}
