//! The hosted pages' cookies: the session (`cognito`, sealed with the server key, an hour as on
//! AWS) that lets a second authorize sign in silently, and the CSRF token (`XSRF-TOKEN`,
//! double-submitted as the forms' `_csrf` field), and the language chosen with `lang`. All
//! `HttpOnly` and `SameSite=Lax`, and `Secure` when the public URL is https.

use axum::http::{HeaderMap, HeaderValue, header};
use cognate_crypto::secrets::{constant_time_eq, random_token};
use cognate_idp::Idp;
use serde::{Deserialize, Serialize};

use crate::sealed::{open_json, seal_json};

pub const SESSION_COOKIE: &str = "cognito";
pub const CSRF_COOKIE: &str = "XSRF-TOKEN";
/// AWS keeps the hosted session an hour.
pub const SESSION_SECS: i64 = 3600;
/// What the seal binds the session cookie to, so no other sealed value passes for one.
const SESSION_AAD: &[u8] = b"cognate hosted session v1";

/// Who is signed in on this browser, for which pool, since when.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HostedSession {
    pub pool_id: String,
    pub username: String,
    pub auth_time: i64,
    pub expires_at: i64,
}

pub fn get<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn attributes(idp: &Idp, max_age: i64) -> String {
    let secure = if idp.config.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    format!("; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}")
}

fn header_value(text: String) -> Option<HeaderValue> {
    HeaderValue::from_str(&text).ok()
}

/// The `Set-Cookie` of a new session.
pub fn session_cookie(idp: &Idp, session: &HostedSession) -> Option<HeaderValue> {
    let sealed = seal_json(idp, session, SESSION_AAD)?;
    header_value(format!(
        "{SESSION_COOKIE}={sealed}{}",
        attributes(idp, SESSION_SECS)
    ))
}

/// The `Set-Cookie` that keeps the browser's language (a year, as a preference outlives a
/// sign-in).
pub fn lang_cookie(idp: &Idp, code: &str) -> Option<HeaderValue> {
    header_value(format!(
        "{}={code}{}",
        crate::i18n::LANG_COOKIE,
        attributes(idp, 365 * 86_400)
    ))
}

/// The `Set-Cookie` that ends the session.
pub fn clear_session(idp: &Idp) -> Option<HeaderValue> {
    header_value(format!("{SESSION_COOKIE}={}", attributes(idp, 0)))
}

/// The browser's live session for `pool_id`, if its cookie opens and has not expired.
pub fn session(idp: &Idp, headers: &HeaderMap, pool_id: &str) -> Option<HostedSession> {
    let session: HostedSession = open_json(idp, get(headers, SESSION_COOKIE)?, SESSION_AAD)?;
    (session.pool_id == pool_id && session.expires_at > idp.clock.now().secs()).then_some(session)
}

/// The browser's CSRF token, or a new one with the `Set-Cookie` that gives it.
pub fn csrf(idp: &Idp, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    match get(headers, CSRF_COOKIE).filter(|t| t.len() >= 32) {
        Some(token) => (token.to_string(), None),
        None => {
            let token = random_token(32);
            let cookie = header_value(format!("{CSRF_COOKIE}={token}{}", attributes(idp, 86_400)));
            (token, cookie)
        }
    }
}

/// Whether a form's `_csrf` matches the browser's cookie (double submit, constant time).
pub fn csrf_ok(headers: &HeaderMap, submitted: Option<&str>) -> bool {
    match (get(headers, CSRF_COOKIE), submitted) {
        (Some(cookie), Some(field)) if cookie.len() >= 32 => {
            constant_time_eq(cookie.as_bytes(), field.as_bytes())
        }
        _ => false,
    }
}
