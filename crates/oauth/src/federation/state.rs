//! The `state` Cognate sends to an identity provider and gets back at `/oauth2/idpresponse`:
//! the app's authorization request, the provider, the `nonce` the ID token must carry, an
//! expiry, all sealed with the server key (any replica opens it; nobody can forge or read
//! it). It is bound to the browser that started the sign-in by a cookie whose hash it holds,
//! so a provider response carried to another browser (login CSRF) is refused.

use axum::http::{HeaderMap, HeaderValue};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognate_crypto::secrets::{constant_time_eq, random_token, sha256_hex};
use cognate_idp::Idp;
use serde::{Deserialize, Serialize};

use crate::cookies;

/// The cookie binding a provider round trip to its browser.
pub const BINDING_COOKIE: &str = "cognate-federation";

/// How the provider's answer comes back, which decides the cookie's path and `SameSite`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Return {
    /// An OAuth redirect to `/oauth2/idpresponse`: a top-level GET, so `Lax`.
    OAuth,
    /// An OAuth answer the provider's page posts to `/oauth2/idpresponse`
    /// (`response_mode=form_post`, as Sign in with Apple does): a cross-site POST, like SAML's.
    OAuthPost,
    /// A SAML POST from the IdP's page to `/saml2/idpresponse`: a cross-site POST, on which
    /// browsers send only `SameSite=None` cookies (which must be `Secure`); on plain http
    /// (local development) the attribute is left out, which browsers treat leniently for a
    /// fresh cookie.
    SamlPost,
}

impl Return {
    /// Only the provider's response needs the cookie.
    fn path(self) -> &'static str {
        match self {
            Self::OAuth | Self::OAuthPost => "/oauth2/idpresponse",
            Self::SamlPost => "/saml2/idpresponse",
        }
    }
}
/// What the seal binds the state to, so no other sealed value passes for one.
const STATE_AAD: &[u8] = b"cognate federation state v1";

/// A sign-in in progress at a provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FederationState {
    /// The app's `/oauth2/authorize` query, checked again when the provider answers.
    pub query: String,
    pub pool_id: String,
    pub provider: String,
    /// Sent to the provider; its ID token must carry it back.
    pub nonce: String,
    /// SHA-256 (hex) of the binding cookie's value.
    pub binding: String,
    /// Epoch seconds after which the state is refused.
    pub expires_at: i64,
}

impl FederationState {
    /// A new state for `query` and `provider`, with the cookie that binds it to the browser.
    /// `cross_site`: the provider answers by a POST from its own site (Apple's form_post).
    pub fn new(
        idp: &Idp,
        query: String,
        pool_id: &str,
        provider: &str,
        back: Return,
    ) -> (Self, Option<HeaderValue>) {
        let binding = random_token(32);
        let ttl = idp.config.federation.state_ttl_secs;
        let state = Self {
            query,
            pool_id: pool_id.to_string(),
            provider: provider.to_string(),
            nonce: random_token(24),
            binding: sha256_hex(binding.as_bytes()),
            expires_at: idp.clock.now().secs() + ttl,
        };
        let cookie = cookie(idp, &binding, ttl, back);
        (state, cookie)
    }

    /// The sealed form sent as `state`.
    pub fn seal(&self, idp: &Idp) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(idp.seal.seal(&json, STATE_AAD))
    }

    /// The state a provider sent back, if it opens, has not expired, and belongs to this
    /// browser.
    pub fn open(idp: &Idp, sealed: &str, headers: &HeaderMap) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        let json = idp.seal.open(&bytes, STATE_AAD).ok()?;
        let state: Self = serde_json::from_slice(&json).ok()?;
        if state.expires_at <= idp.clock.now().secs() {
            return None;
        }
        let cookie = cookies::get(headers, BINDING_COOKIE)?;
        let presented = sha256_hex(cookie.as_bytes());
        constant_time_eq(presented.as_bytes(), state.binding.as_bytes()).then_some(state)
    }
}

fn cookie(idp: &Idp, value: &str, max_age: i64, back: Return) -> Option<HeaderValue> {
    let https = idp.config.public_url.starts_with("https://");
    let same_site = site_attributes(back, https);
    let path = back.path();
    let text =
        format!("{BINDING_COOKIE}={value}; Path={path}; Max-Age={max_age}; HttpOnly{same_site}");
    HeaderValue::from_str(&text).ok()
}

/// `Lax` reaches the response path on the provider's redirect (a top-level GET) but not on a
/// POST from the provider's site, so a provider that posts back gets `SameSite=None`, which
/// browsers take only with `Secure`; over plain http (local development) the attribute is
/// left out, which browsers treat leniently for a fresh cookie. The cookie holds no
/// credential: it only ties the sealed state to this browser.
fn site_attributes(back: Return, https: bool) -> &'static str {
    match (back, https) {
        (Return::OAuth, true) => "; SameSite=Lax; Secure",
        (Return::OAuth, false) => "; SameSite=Lax",
        (Return::OAuthPost | Return::SamlPost, true) => "; SameSite=None; Secure",
        (Return::OAuthPost | Return::SamlPost, false) => "",
    }
}

/// The `Set-Cookie` that ends the binding once the provider has answered.
pub fn clear_binding(idp: &Idp, back: Return) -> Option<HeaderValue> {
    cookie(idp, "", 0, back)
}

#[cfg(test)]
mod tests {
    use super::{Return, site_attributes};

    #[test]
    fn only_a_posting_provider_over_https_gets_a_cross_site_cookie() {
        assert_eq!(
            site_attributes(Return::OAuth, true),
            "; SameSite=Lax; Secure"
        );
        assert_eq!(
            site_attributes(Return::OAuthPost, true),
            "; SameSite=None; Secure"
        );
        assert_eq!(
            site_attributes(Return::SamlPost, true),
            "; SameSite=None; Secure"
        );
        // Browsers drop SameSite=None without Secure: plain http leaves the attribute out.
        assert_eq!(site_attributes(Return::SamlPost, false), "");
        assert_eq!(site_attributes(Return::OAuth, false), "; SameSite=Lax");
    }
}
