//! Reading requests: bounded form bodies and query strings as (name, value) pairs.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use cognate_awsjson::{ApiError, BodyLimits, read_body, timed_out};
use cognate_idp::oauth::OAuthError;

use crate::pages;

/// The form body of a token or revoke request, within the server's body limits; a body too
/// large or too slow is an OAuth `invalid_request` with the reader's status (413, 408).
pub async fn read_oauth_form(
    headers: &HeaderMap,
    body: Body,
    limits: BodyLimits,
) -> Result<Pairs, OAuthError> {
    read_body(headers, body, limits)
        .await
        .map(|bytes| Pairs::parse(&bytes))
        .map_err(|error| {
            OAuthError::invalid_request(error.message).with_status(error.status.as_u16())
        })
}

/// A hosted page's form body, within the server's body limits; else the error page to answer
/// (a body that never arrived closes its connection).
pub async fn read_page_form(
    headers: &HeaderMap,
    body: Body,
    limits: BodyLimits,
) -> Result<Pairs, Response> {
    read_body(headers, body, limits)
        .await
        .map(|bytes| Pairs::parse(&bytes))
        .map_err(|error| unreadable_form(&error))
}

fn unreadable_form(error: &ApiError) -> Response {
    if !timed_out(error) {
        return pages::error_page(error.status.as_u16(), "The form is too large.");
    }
    let mut page = pages::error_page(408, "The form did not arrive in time. Please try again.");
    page.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    page
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
