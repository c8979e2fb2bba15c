//! Logins: provider names and the ID tokens given for them. A user pool is named
//! `cognito-idp.<region>.amazonaws.com/<poolId>` (AWS's form) or by Cognate's own issuer without
//! its scheme (`<host:port>/<poolId>`); both are reduced to AWS's form, the canonical name under
//! which logins are stored and compared.

use std::collections::BTreeMap;
use std::sync::Arc;

use cognate_domain::identity::{IdentityLogin, IdentityPool};
use cognate_domain::ids::UserPoolId;
use cognate_idp::id_tokens::{IdTokenError, VerifiedIdToken};
use cognate_model::Sensitive;
use cognate_model::identity::CognitoIdentityProvider;

use crate::errors::{Result, not_authorized};
use crate::{Identity, oidc, pools};

pub const UNSUPPORTED_PROVIDER: &str =
    "Token is not from a supported provider of this identity pool.";
pub const INVALID_TOKEN: &str = "Invalid login token. Not a valid OpenId Connect identity token.";
pub const LOGINS_MISMATCH: &str = "Logins don't match. Please include at least one valid login for this identity or identity pool.";

/// A login whose token verified, for a provider the pool accepts.
#[derive(Debug, Clone)]
pub struct VerifiedLogin {
    /// Canonical provider name.
    pub provider: String,
    pub subject: String,
    /// The app client the token was issued to (its `aud`).
    pub client_id: String,
    pub token: Arc<VerifiedIdToken>,
}

impl VerifiedLogin {
    pub fn login(&self, pool_id: &str) -> IdentityLogin {
        IdentityLogin {
            pool_id: pool_id.to_string(),
            provider: self.provider.clone(),
            subject: self.subject.clone(),
        }
    }
}

impl Identity {
    /// AWS's name for the user pool a provider name denotes, or None when it names no user
    /// pool (another kind of provider, or a foreign host).
    pub fn canonical_provider(&self, name: &str) -> Option<String> {
        let pool_id = user_pool_of_provider(name, &self.config.public_url)?;
        let pool_id = UserPoolId::new(pool_id);
        Some(format!(
            "cognito-idp.{}.amazonaws.com/{}",
            pool_id.region(),
            pool_id
        ))
    }

    /// Verifies every login, refusing the whole request if one fails.
    pub async fn verify_logins(
        &self,
        pool: &IdentityPool,
        logins: &BTreeMap<String, Sensitive>,
    ) -> Result<Vec<VerifiedLogin>> {
        let mut verified = Vec::with_capacity(logins.len());
        for (provider, token) in logins {
            let login = self.verify_login(pool, provider, token).await?;
            // One user under both names of a user pool is one login.
            let seen = verified.iter().any(|other: &VerifiedLogin| {
                other.provider == login.provider && other.subject == login.subject
            });
            if !seen {
                verified.push(login);
            }
        }
        Ok(verified)
    }

    /// The name logins of `name` are stored under: a user pool's canonical name, or a
    /// configured external OpenID Connect provider's name; None for any other provider.
    pub fn login_provider(&self, name: &str) -> Option<String> {
        self.canonical_provider(name).or_else(|| {
            let name = oidc::provider_name(name);
            self.oidc.is_configured(name).then(|| name.to_string())
        })
    }

    async fn verify_login(
        &self,
        pool: &IdentityPool,
        provider: &str,
        raw: &str,
    ) -> Result<VerifiedLogin> {
        if self.canonical_provider(provider).is_some() {
            self.verify_user_pool_login(pool, provider, raw).await
        } else if self.pool_accepts_oidc(pool, provider) {
            self.verify_oidc_login(provider, raw).await
        } else {
            Err(not_authorized(UNSUPPORTED_PROVIDER))
        }
    }

    /// An ID token of one of Cognate's user pools, for a client the pool lists.
    async fn verify_user_pool_login(
        &self,
        pool: &IdentityPool,
        provider: &str,
        raw: &str,
    ) -> Result<VerifiedLogin> {
        let canonical = self
            .canonical_provider(provider)
            .ok_or_else(|| not_authorized(UNSUPPORTED_PROVIDER))?;
        let accepted: Vec<CognitoIdentityProvider> = pools::cognito_providers(pool)
            .into_iter()
            .filter(|p| {
                p.provider_name
                    .as_deref()
                    .and_then(|name| self.canonical_provider(name))
                    .as_deref()
                    == Some(canonical.as_str())
            })
            .collect();
        if accepted.is_empty() {
            return Err(not_authorized(UNSUPPORTED_PROVIDER));
        }
        // The signature is checked before anything in the token is believed, the audience
        // before its server-side state.
        let token = match self.idp.verify_id_token(raw, false).await? {
            Ok(token) => token,
            Err(IdTokenError::Expired) => {
                return Err(not_authorized("Invalid login token. Token expired."));
            }
            Err(_) => return Err(not_authorized(INVALID_TOKEN)),
        };
        let issuer_provider = format!(
            "cognito-idp.{}.amazonaws.com/{}",
            token.pool_id.region(),
            token.pool_id
        );
        if issuer_provider != canonical {
            return Err(not_authorized(
                "Invalid login token. Issuer doesn't match providerName",
            ));
        }
        let client_id = token.text("aud").unwrap_or_default().to_string();
        let entry = accepted
            .iter()
            .find(|p| p.client_id.as_deref() == Some(client_id.as_str()))
            .ok_or_else(|| not_authorized("Invalid login token. Incorrect token audience."))?;
        if entry.server_side_token_check == Some(true) {
            match self.idp.verify_id_token(raw, true).await? {
                Ok(_) => {}
                Err(_) => return Err(not_authorized("Invalid login token. Token is revoked.")),
            }
        }
        let subject = token
            .text("sub")
            .ok_or_else(|| not_authorized(INVALID_TOKEN))?
            .to_string();
        Ok(VerifiedLogin {
            provider: canonical,
            subject,
            client_id,
            token,
        })
    }
}

/// The user pool id in a provider name of either form, or None.
fn user_pool_of_provider<'a>(name: &'a str, public_url: &str) -> Option<&'a str> {
    let bare = |text: &'a str| -> &'a str {
        text.strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
            .unwrap_or(text)
    };
    let name = bare(name);
    let own = public_url
        .strip_prefix("https://")
        .or_else(|| public_url.strip_prefix("http://"))
        .unwrap_or(public_url);
    let pool_id = match name
        .strip_prefix("cognito-idp.")
        .and_then(|rest| rest.split_once(".amazonaws.com/"))
    {
        Some((_, id)) => id,
        None => name.strip_prefix(own)?.strip_prefix('/')?,
    };
    let valid = !pool_id.is_empty()
        && pool_id.contains('_')
        && pool_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    valid.then_some(pool_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_provider_forms_name_the_pool() {
        let url = "http://127.0.0.1:9229";
        assert_eq!(
            user_pool_of_provider("cognito-idp.us-east-1.amazonaws.com/us-east-1_abc", url),
            Some("us-east-1_abc")
        );
        assert_eq!(
            user_pool_of_provider("127.0.0.1:9229/us-east-1_abc", url),
            Some("us-east-1_abc")
        );
        assert_eq!(
            user_pool_of_provider("http://127.0.0.1:9229/us-east-1_abc", url),
            Some("us-east-1_abc")
        );
        assert_eq!(
            user_pool_of_provider("evil.example/us-east-1_abc", url),
            None
        );
        assert_eq!(user_pool_of_provider("graph.facebook.com", url), None);
        assert_eq!(
            user_pool_of_provider("127.0.0.1:9229/us-east-1_abc/x", url),
            None
        );
    }
}
