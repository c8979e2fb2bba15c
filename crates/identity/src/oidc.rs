//! External OpenID Connect providers, configured in Cognate's config as AWS configures them in
//! IAM. A pool lists one in `OpenIdConnectProviderARNs`
//! (`arn:aws:iam::<account>:oidc-provider/<name>`) and clients send its ID tokens under `<name>`
//! in Logins, where `<name>` is the issuer without its scheme, as AWS does.
//!
//! Tokens are verified the way the Cognito Developer Guide describes: RS256 signature against
//! the provider's JWKS, `iss` equal to the issuer, `exp`/`nbf` with five minutes of clock skew,
//! and the audience (`azp` when present, else `aud`) one of the provider's client ids when any
//! are configured (IAM's ClientIDList). With no client ids configured any audience is accepted.

use std::collections::BTreeMap;
use std::sync::Arc;

use cognate_domain::identity::IdentityPool;
use cognate_domain::ids::UserPoolId;
use cognate_idp::id_tokens::VerifiedIdToken;
use cognate_outbound::{Audience, Expected, IdTokenError, verify_id_token};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::errors::{Result, not_authorized};
use crate::logins::{INVALID_TOKEN, UNSUPPORTED_PROVIDER, VerifiedLogin};
use crate::{Identity, pools};

/// AWS's grace period for clock skew on `exp` and `nbf`.
const LEEWAY_SECS: u64 = 300;

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

/// The configured providers by name.
pub struct OidcProviders {
    providers: BTreeMap<String, OidcProviderConfig>,
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
                (provider_name(&config.issuer).to_string(), config.clone())
            })
            .collect();
        Self { providers }
    }

    pub fn is_configured(&self, name: &str) -> bool {
        self.providers.contains_key(provider_name(name))
    }
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
        let expected = Expected {
            issuer: &provider.issuer,
            audience: Audience::AnyOf(&provider.client_ids),
            nonce: None,
            leeway_secs: LEEWAY_SECS,
        };
        let keys = &self.idp.outbound.jwks;
        let now = self.clock.now();
        let claims = verify_id_token(keys, &provider.jwks_url, raw, &expected, now)
            .await
            .map_err(|error| match error {
                IdTokenError::Expired => not_authorized("Invalid login token. Token expired."),
                IdTokenError::Issuer => {
                    not_authorized("Invalid login token. Issuer doesn't match providerName")
                }
                IdTokenError::Audience => {
                    not_authorized("Invalid login token. Incorrect token audience.")
                }
                _ => invalid(),
            })?;
        let audience =
            cognate_outbound::id_token::audience(&claims, Audience::AnyOf(&provider.client_ids))
                .ok_or_else(invalid)?;
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
            token: Arc::new(VerifiedIdToken {
                pool_id: UserPoolId::new(""),
                claims,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_names_drop_scheme_and_trailing_slash() {
        assert_eq!(
            provider_name("https://login.example.com/realms/a/"),
            "login.example.com/realms/a"
        );
        assert_eq!(provider_name("http://127.0.0.1:9/x"), "127.0.0.1:9/x");
        assert_eq!(provider_name("accounts.example"), "accounts.example");
    }
}
