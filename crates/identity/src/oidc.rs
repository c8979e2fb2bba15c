//! External OpenID Connect providers, configured in Cognate's config as AWS configures them in
//! IAM. A pool lists one in `OpenIdConnectProviderARNs`
//! (`arn:aws:iam::<account>:oidc-provider/<name>`) and clients send its ID tokens under `<name>`
//! in Logins, where `<name>` is the issuer without its scheme, as AWS does.
//!
//! Tokens are verified the way the Cognito Developer Guide describes: RS256 signature against
//! the provider's JWKS, `iss` equal to the issuer, `exp`/`nbf` with five minutes of clock skew,
//! and the audience (`azp` when present, else `aud`) one of the provider's client ids when any
//! are configured (IAM's ClientIDList). With no client ids configured any audience is accepted.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use cognate_crypto::jwt::{ClaimChecks, Unverified};
use cognate_crypto::{CryptoError, Jwk, PublicKey};
use cognate_domain::Timestamp;
use cognate_domain::identity::IdentityPool;
use cognate_domain::ids::UserPoolId;
use cognate_idp::id_tokens::VerifiedIdToken;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::Mutex;

use crate::errors::{Result, not_authorized};
use crate::logins::{INVALID_TOKEN, UNSUPPORTED_PROVIDER, VerifiedLogin};
use crate::{Identity, pools};

/// Keys are trusted this long after a fetch.
const JWKS_TTL_SECS: i64 = 3600;
/// An unknown `kid` refetches the JWKS at most this often, so made-up kids cannot make us
/// hammer the provider.
const MIN_REFETCH_SECS: i64 = 60;
/// AWS's grace period for clock skew on `exp` and `nbf`.
const LEEWAY_SECS: u64 = 300;
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// A JWKS larger than this is refused (real ones are a few KiB).
const MAX_JWKS_BYTES: usize = 256 * 1024;

/// One provider as configured (`[[identity.oidc_providers]]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OidcProviderConfig {
    /// The `iss` of its tokens, e.g. `https://login.example.com/realms/main`.
    pub issuer: String,
    /// Where its signing keys are published.
    pub jwks_url: String,
    /// Accepted audiences (IAM's ClientIDList). Empty: any audience.
    pub client_ids: Vec<String>,
}

/// The provider name clients use in Logins: the issuer without scheme or trailing slash.
pub fn provider_name(issuer: &str) -> &str {
    issuer
        .strip_prefix("https://")
        .or_else(|| issuer.strip_prefix("http://"))
        .unwrap_or(issuer)
        .trim_end_matches('/')
}

/// The keys last fetched from a provider's JWKS.
#[derive(Default)]
struct KeyCache {
    keys: HashMap<String, PublicKey>,
    fetched_at: Option<Timestamp>,
    attempted_at: Option<Timestamp>,
}

struct Provider {
    config: OidcProviderConfig,
    cache: Mutex<KeyCache>,
}

/// The configured providers by name, with their key caches.
pub struct OidcProviders {
    providers: BTreeMap<String, Provider>,
    http: reqwest::Client,
}

impl OidcProviders {
    pub fn new(configs: &[OidcProviderConfig]) -> Self {
        let providers = configs
            .iter()
            .map(|config| {
                if !config.jwks_url.starts_with("https://") && !config.jwks_url.starts_with("http://") {
                    tracing::error!(jwks_url = %config.jwks_url, "OIDC jwks_url must be an http(s) URL: its tokens will be refused");
                }
                if config.client_ids.is_empty() {
                    tracing::warn!(issuer = %config.issuer, "OIDC provider without client_ids: any audience is accepted");
                }
                let provider = Provider {
                    config: config.clone(),
                    cache: Mutex::default(),
                };
                (provider_name(&config.issuer).to_string(), provider)
            })
            .collect();
        // reqwest's rustls takes the process-wide crypto provider; install aws-lc-rs unless
        // something else already did (an error then only means one is in place).
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .build()
            .unwrap_or_default();
        Self { providers, http }
    }

    pub fn is_configured(&self, name: &str) -> bool {
        self.providers.contains_key(provider_name(name))
    }

    /// The key `kid` of provider `name`, fetching the JWKS when the cache is stale or lacks it
    /// (at most once a minute for an unknown kid).
    async fn key(&self, provider: &Provider, kid: &str, now: Timestamp) -> Option<PublicKey> {
        let mut cache = provider.cache.lock().await;
        let fresh = cache
            .fetched_at
            .is_some_and(|at| now < at.plus_secs(JWKS_TTL_SECS));
        if fresh && let Some(key) = cache.keys.get(kid) {
            return Some(key.clone());
        }
        let recently_tried = cache
            .attempted_at
            .is_some_and(|at| now < at.plus_secs(MIN_REFETCH_SECS));
        if !recently_tried {
            cache.attempted_at = Some(now);
            match self.fetch(&provider.config.jwks_url).await {
                Ok(keys) => {
                    cache.keys = keys;
                    cache.fetched_at = Some(now);
                }
                // Keys already known stay usable while the provider is unreachable.
                Err(error) => {
                    tracing::warn!(jwks_url = %provider.config.jwks_url, %error, "JWKS fetch failed")
                }
            }
        }
        cache.keys.get(kid).cloned()
    }

    /// The RS256 signing keys of a JWKS document, by kid; other keys are skipped.
    async fn fetch(&self, url: &str) -> std::result::Result<HashMap<String, PublicKey>, String> {
        let mut response = self
            .http
            .get(url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|error| error.to_string())?;
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|error| error.to_string())? {
            if body.len() + chunk.len() > MAX_JWKS_BYTES {
                return Err(format!("JWKS larger than {MAX_JWKS_BYTES} bytes"));
            }
            body.extend_from_slice(&chunk);
        }
        let document: JwksDocument =
            serde_json::from_slice(&body).map_err(|error| error.to_string())?;
        Ok(document
            .keys
            .into_iter()
            .filter_map(|jwk| {
                // One key jsonwebtoken cannot read (an unknown `alg`, say) spoils only itself.
                let jwk: Jwk = serde_json::from_value(jwk).ok()?;
                let key = PublicKey::from_jwk(&jwk).ok()?;
                Some((jwk.common.key_id?, key))
            })
            .collect())
    }
}

#[derive(Deserialize)]
struct JwksDocument {
    #[serde(default)]
    keys: Vec<Value>,
}

impl Identity {
    /// `arn:aws:iam::<account>:oidc-provider/<name>`.
    pub fn oidc_provider_arn(&self, name: &str) -> String {
        format!(
            "arn:aws:iam::{}:oidc-provider/{}",
            self.config.account_id,
            provider_name(name)
        )
    }

    /// The provider name an ARN of a configured provider denotes, or None.
    pub fn oidc_provider_of_arn(&self, arn: &str) -> Option<String> {
        let prefix = format!("arn:aws:iam::{}:oidc-provider/", self.config.account_id);
        let name = arn.strip_prefix(&prefix)?;
        self.oidc.is_configured(name).then(|| name.to_string())
    }

    /// The pool lists the provider `name` and Cognate's config knows it.
    pub fn pool_accepts_oidc(&self, pool: &IdentityPool, name: &str) -> bool {
        let arn = self.oidc_provider_arn(name);
        self.oidc.is_configured(name)
            && pools::wire_pool(pool)
                .open_id_connect_provider_arns
                .unwrap_or_default()
                .contains(&arn)
    }

    /// Verifies an ID token of the external provider `name` (which the pool accepts).
    pub async fn verify_oidc_login(&self, name: &str, raw: &str) -> Result<VerifiedLogin> {
        let name = provider_name(name);
        let provider = self
            .oidc
            .providers
            .get(name)
            .ok_or_else(|| not_authorized(UNSUPPORTED_PROVIDER))?;
        let invalid = || not_authorized(INVALID_TOKEN);
        let unverified = Unverified::parse(raw).map_err(|_| invalid())?;
        let kid = unverified.header().kid.clone().ok_or_else(invalid)?;
        let now = self.clock.now();
        let key = self
            .oidc
            .key(provider, &kid, now)
            .await
            .ok_or_else(invalid)?;
        let checks = ClaimChecks {
            issuer: Some(&provider.config.issuer),
            leeway_secs: LEEWAY_SECS,
            ..ClaimChecks::default()
        };
        let lookup = |candidate: &str| (candidate == kid).then(|| key.clone());
        let claims: serde_json::Map<String, Value> = unverified
            .verify(lookup, now.unsigned_secs(), &checks)
            .map_err(|error| match error {
                CryptoError::Expired => not_authorized("Invalid login token. Token expired."),
                CryptoError::InvalidClaim("iss") => {
                    not_authorized("Invalid login token. Issuer doesn't match providerName")
                }
                _ => invalid(),
            })?;
        let audience = audience(&claims, &provider.config.client_ids)
            .ok_or_else(|| not_authorized("Invalid login token. Incorrect token audience."))?;
        let subject = claims
            .get("sub")
            .and_then(Value::as_str)
            .filter(|sub| !sub.is_empty())
            .ok_or_else(invalid)?
            .to_string();
        Ok(VerifiedLogin {
            provider: name.to_string(),
            subject,
            client_id: audience,
            token: VerifiedIdToken {
                pool_id: UserPoolId::new(""),
                claims,
            },
        })
    }
}

/// The token's audience if acceptable: `azp` when present (AWS checks it first), else `aud`
/// (a string, or an array of which one must match).
fn audience(claims: &serde_json::Map<String, Value>, client_ids: &[String]) -> Option<String> {
    let accepted = |aud: &str| client_ids.is_empty() || client_ids.iter().any(|id| id == aud);
    if let Some(azp) = claims.get("azp") {
        return azp.as_str().filter(|azp| accepted(azp)).map(str::to_string);
    }
    match claims.get("aud")? {
        Value::String(aud) => accepted(aud).then(|| aud.clone()),
        Value::Array(auds) => auds
            .iter()
            .filter_map(Value::as_str)
            .find(|aud| accepted(aud))
            .map(str::to_string),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(value: Value) -> serde_json::Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn provider_names_drop_scheme_and_trailing_slash() {
        assert_eq!(
            provider_name("https://login.example.com/realms/a/"),
            "login.example.com/realms/a"
        );
        assert_eq!(provider_name("http://127.0.0.1:9/x"), "127.0.0.1:9/x");
        assert_eq!(provider_name("accounts.example"), "accounts.example");
    }

    #[test]
    fn audience_prefers_azp_then_aud() {
        let ids = vec!["app".to_string()];
        assert_eq!(
            audience(&claims(json!({"aud": "app"})), &ids).as_deref(),
            Some("app")
        );
        assert_eq!(audience(&claims(json!({"aud": "other"})), &ids), None);
        assert_eq!(
            audience(&claims(json!({"aud": ["x", "app"]})), &ids).as_deref(),
            Some("app")
        );
        assert_eq!(
            audience(&claims(json!({"aud": "app", "azp": "other"})), &ids),
            None
        );
        assert_eq!(
            audience(&claims(json!({"aud": "x", "azp": "app"})), &ids).as_deref(),
            Some("app")
        );
        assert_eq!(
            audience(&claims(json!({"aud": "anything"})), &[]).as_deref(),
            Some("anything")
        );
        assert_eq!(audience(&claims(json!({})), &[]), None);
    }
}
