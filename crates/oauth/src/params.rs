//! Reading requests: bounded form bodies and query strings as (name, value) pairs.

use axum::body::{Body, Bytes};
use http_body_util::{BodyExt, Limited};

use cognate_idp::oauth::OAuthError;

/// Reads at most `limit` bytes of a form body.
pub async fn read_body(body: Body, limit: usize) -> Result<Bytes, OAuthError> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(_) => Err(
            OAuthError::invalid_request(format!("Request body exceeds {limit} bytes"))
                .with_status(413),
        ),
    }
}

/// Query or form pairs; the first of a repeated name wins, empty values count as absent.
#[derive(Debug, Clone, Default)]
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    pub fn parse(text: &[u8]) -> Self {
        Self(form_urlencoded::parse(text).into_owned().collect())
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .filter(|value| !value.is_empty())
    }

    /// The pairs as a query string.
    pub fn encode(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.0.iter())
            .finish()
    }
}

/// `base` with `pairs` added to its query (`?` or `&`), or to its fragment with `fragment`.
pub fn with_params(base: &str, pairs: &[(&str, &str)], fragment: bool) -> String {
    let encoded = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().filter(|(_, v)| !v.is_empty()))
        .finish();
    let separator = if fragment {
        '#'
    } else if base.contains('?') {
        '&'
    } else {
        '?'
    };
    format!("{base}{separator}{encoded}")
}
