//! Developer-authenticated identities: the pool's developer provider name binds a developer's
//! user identifier to an identity like any other login, and the identity's holder comes back
//! with the OpenID token Cognate issued (`cognito-identity.amazonaws.com` in Logins).

use std::sync::Arc;

use cognate_crypto::CryptoError;
use cognate_crypto::jwt::{self, ClaimChecks};
use cognate_domain::identity::{IdentityLogin, IdentityPool};
use cognate_domain::ids::UserPoolId;
use cognate_idp::id_tokens::VerifiedIdToken;
use cognate_model::identity::ErrorCode;
use serde_json::{Map, Value};

use crate::errors::{Result, invalid_parameter, not_authorized};
use crate::logins::VerifiedLogin;
use crate::{Identity, pools};

/// The Logins key under which Cognate's own OpenID tokens come back.
pub const COGNITO_IDENTITY_PROVIDER: &str = "cognito-identity.amazonaws.com";

/// The pool's developer provider name, which `name` must be.
pub fn developer_provider(pool: &IdentityPool, name: Option<&str>) -> Result<String> {
    let configured = pools::wire_pool(pool)
        .developer_provider_name
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            ErrorCode::ResourceNotFoundException
                .msg("The identity pool has no developer provider name.")
        })?;
    match name {
        Some(name) if name != configured => Err(not_authorized(format!(
            "Invalid developer provider name {name}: this pool's is {configured}."
        ))),
        _ => Ok(configured),
    }
}

pub fn developer_login(pool: &IdentityPool, provider: &str, user: &str) -> Result<IdentityLogin> {
    if user.is_empty() {
        return Err(invalid_parameter(
            "DeveloperUserIdentifier must not be empty.",
        ));
    }
    Ok(IdentityLogin {
        pool_id: pool.id.clone(),
        provider: provider.to_string(),
        subject: user.to_string(),
    })
}

impl Identity {
    /// Verifies an OpenID token of Cognate's identity issuer for `identity_id` of `pool`.
    pub async fn verify_identity_token(
        &self,
        pool: &IdentityPool,
        identity_id: &str,
        token: &str,
    ) -> Result<VerifiedLogin> {
        let invalid =
            || not_authorized("Invalid login token. Not a valid OpenId Connect identity token.");
        let key = self.issuer_key().await?;
        let issuer = self.issuer();
        let checks = ClaimChecks {
            issuer: Some(&issuer),
            client_id: Some(pool.id.as_str()),
            ..ClaimChecks::default()
        };
        let claims: Map<String, Value> = jwt::verify_claims(
            token,
            |kid| (kid == key.kid()).then(|| key.public_key().clone()),
            self.clock.now().unsigned_secs(),
            &checks,
        )
        .map_err(|error| match error {
            CryptoError::Expired => not_authorized("Invalid login token. Token expired."),
            _ => invalid(),
        })?;
        if claims.get("sub").and_then(Value::as_str) != Some(identity_id) {
            return Err(invalid());
        }
        Ok(VerifiedLogin {
            provider: COGNITO_IDENTITY_PROVIDER.to_string(),
            subject: identity_id.to_string(),
            client_id: String::new(),
            token: Arc::new(VerifiedIdToken {
                pool_id: UserPoolId::new(""),
                claims,
            }),
        })
    }
}
