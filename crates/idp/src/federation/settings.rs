//! The `[federation]` settings: limits on requests to providers, and the endpoints of the
//! social providers (AWS's own by default; overridable because a test, or a network without
//! the internet, points them at a stand-in).

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Where a social provider is. Facebook's URLs may contain `{api_version}`, replaced by the
/// provider's `api_version` detail.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SocialEndpoints {
    pub authorize_url: String,
    pub token_url: String,
    /// Where the user's attributes are read with the access token.
    pub attributes_url: String,
    /// The ID token's issuer (Google, Apple); empty for OAuth-only providers.
    pub oidc_issuer: String,
    /// The keys of the ID token (Google, Apple); empty for OAuth-only providers.
    pub jwks_uri: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FederationSettings {
    /// Seconds a request to a provider (discovery, keys, token, userinfo) may take.
    pub fetch_timeout_secs: u64,
    /// Largest answer read from a provider, in bytes.
    pub max_response_bytes: usize,
    /// Seconds a browser may take at the provider (the `state` sent there expires then).
    pub state_ttl_secs: i64,
    /// Where the `cognate-saml` helper (SAML's XML and signature checks) is. Empty: beside
    /// the `cognate` executable.
    pub saml_helper: String,
    pub google: SocialEndpoints,
    pub facebook: SocialEndpoints,
    pub login_with_amazon: SocialEndpoints,
    pub sign_in_with_apple: SocialEndpoints,
}

fn endpoints(
    authorize: &str,
    token: &str,
    attributes: &str,
    issuer: &str,
    jwks: &str,
) -> SocialEndpoints {
    SocialEndpoints {
        authorize_url: authorize.into(),
        token_url: token.into(),
        attributes_url: attributes.into(),
        oidc_issuer: issuer.into(),
        jwks_uri: jwks.into(),
    }
}

impl Default for FederationSettings {
    /// AWS's endpoints for each social provider (the `ProviderDetails` Describe shows).
    fn default() -> Self {
        Self {
            fetch_timeout_secs: 5,
            max_response_bytes: 256 * 1024,
            state_ttl_secs: 900,
            saml_helper: String::new(),
            google: endpoints(
                "https://accounts.google.com/o/oauth2/v2/auth",
                "https://www.googleapis.com/oauth2/v4/token",
                "https://people.googleapis.com/v1/people/me?personFields=",
                "https://accounts.google.com",
                "https://www.googleapis.com/oauth2/v3/certs",
            ),
            facebook: endpoints(
                "https://www.facebook.com/{api_version}/dialog/oauth",
                "https://graph.facebook.com/{api_version}/oauth/access_token",
                "https://graph.facebook.com/{api_version}/me?fields=",
                "",
                "",
            ),
            login_with_amazon: endpoints(
                "https://www.amazon.com/ap/oa",
                "https://api.amazon.com/auth/o2/token",
                "https://api.amazon.com/user/profile",
                "",
                "",
            ),
            sign_in_with_apple: endpoints(
                "https://appleid.apple.com/auth/authorize",
                "https://appleid.apple.com/auth/token",
                "",
                "https://appleid.apple.com",
                "https://appleid.apple.com/auth/keys",
            ),
        }
    }
}

impl FederationSettings {
    pub fn limits(&self) -> cognate_outbound::Limits {
        cognate_outbound::Limits {
            timeout: Duration::from_secs(self.fetch_timeout_secs.max(1)),
            max_bytes: self.max_response_bytes.max(1024),
        }
    }
}
