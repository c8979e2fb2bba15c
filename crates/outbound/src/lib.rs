//! Cognate's requests to external identity providers: bounded HTTP fetches (time and size),
//! the rule for which provider URLs may be fetched at all, OpenID Connect discovery, a JWKS
//! cache with bounded refetch, RS256 ID-token verification, and SAML 2.0 (`saml`: metadata, the
//! AuthnRequest, signed Responses verified, replayed assertions refused). User pools' federation (the
//! hosted UI's relying party) and identity pools' OIDC logins both go through here.

pub mod discovery;
pub mod fetch;
pub mod id_token;
pub mod jwks;
pub mod saml;

pub use discovery::{Discovery, discover};
pub use fetch::{FetchError, Fetcher, Limits, check_provider_url};
pub use id_token::{Audience, Expected, IdTokenError, verify_id_token};
pub use jwks::JwksCache;

/// What the services share: one HTTP client and one key cache for every provider.
#[derive(Clone)]
pub struct Outbound {
    pub fetcher: Fetcher,
    pub jwks: std::sync::Arc<JwksCache>,
    /// SAML assertion IDs already used, so none signs in twice.
    pub saml_seen: std::sync::Arc<saml::SeenAssertions>,
    /// The `cognate-saml` helper that reads and verifies SAML's XML.
    pub saml: std::sync::Arc<saml::SamlHelper>,
}

impl Outbound {
    /// `saml_helper`: where the `cognate-saml` helper is, when not beside the executable.
    pub fn new(limits: Limits, saml_helper: Option<std::path::PathBuf>) -> Self {
        let fetcher = Fetcher::new(limits);
        Self {
            jwks: std::sync::Arc::new(JwksCache::new(fetcher.clone())),
            fetcher,
            saml_seen: std::sync::Arc::default(),
            saml: std::sync::Arc::new(saml::SamlHelper::new(saml_helper)),
        }
    }
}

impl Default for Outbound {
    fn default() -> Self {
        Self::new(Limits::default(), None)
    }
}
