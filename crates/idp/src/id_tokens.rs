//! Verifying a pool's ID tokens for other services (identity pools' Logins): the same keys and
//! issuer rules as the tokens this crate issues, so the check lives beside them.

use cognate_crypto::CryptoError;
use cognate_crypto::jwt::{ClaimChecks, Unverified};
use cognate_domain::StoreError;
use cognate_domain::ids::{Sub, UserPoolId};
use serde_json::{Map, Value};

use crate::Idp;
use crate::errors::internal;
use crate::users::state::UserState;

/// Why an ID token was refused; the caller words the error for its own API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdTokenError {
    /// Not a token of a pool of this server, or its signature does not verify.
    Invalid,
    Expired,
    /// Signed by the pool but revoked, or its user is gone or disabled.
    Revoked,
}

/// A verified ID token: the pool that signed it and its claims.
#[derive(Debug, Clone)]
pub struct VerifiedIdToken {
    pub pool_id: UserPoolId,
    pub claims: Map<String, Value>,
}

impl VerifiedIdToken {
    pub fn text(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }
}

impl Idp {
    /// Checks an ID token fully: issuer (a pool of this server, in Cognate's or AWS's form), a
    /// signature by that pool's ID-token key, `exp` in the future and `token_use` id. With
    /// `server_side_check`, also that its user still exists, is enabled and has not signed out
    /// since. The audience is the caller's to check (it knows which clients it accepts).
    pub async fn verify_id_token(
        &self,
        token: &str,
        server_side_check: bool,
    ) -> Result<Result<VerifiedIdToken, IdTokenError>, cognate_awsjson::ApiError> {
        let Ok(unverified) = Unverified::parse(token) else {
            return Ok(Err(IdTokenError::Invalid));
        };
        let Some(pool_id) = self.pool_of_token(&unverified) else {
            return Ok(Err(IdTokenError::Invalid));
        };
        match self.store.get_pool(&pool_id).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => return Ok(Err(IdTokenError::Invalid)),
            Err(other) => return Err(internal(other)),
        }
        let keys = self.pool_keys(&pool_id).await?;
        let id_key = &keys.id_token;
        let checks = ClaimChecks {
            token_use: Some("id"),
            ..ClaimChecks::default()
        };
        let verified = unverified.verify(
            |kid| (kid == id_key.kid()).then(|| id_key.public_key().clone()),
            self.clock.now().unsigned_secs(),
            &checks,
        );
        let claims = match verified {
            Ok(claims) => claims,
            Err(CryptoError::Expired) => return Ok(Err(IdTokenError::Expired)),
            Err(_) => return Ok(Err(IdTokenError::Invalid)),
        };
        let verified = VerifiedIdToken { pool_id, claims };
        if server_side_check && !self.id_token_live(&verified).await? {
            return Ok(Err(IdTokenError::Revoked));
        }
        Ok(Ok(verified))
    }

    /// Whether the token's user exists, is enabled and has not been signed out since `iat`.
    async fn id_token_live(
        &self,
        token: &VerifiedIdToken,
    ) -> Result<bool, cognate_awsjson::ApiError> {
        let Some(sub) = token.text("sub") else {
            return Ok(false);
        };
        let user = match self
            .store
            .get_user_by_sub(&token.pool_id, &Sub::new(sub))
            .await
        {
            Ok(user) => user,
            Err(StoreError::NotFound) => return Ok(false),
            Err(other) => return Err(internal(other)),
        };
        let iat_ms = token
            .claims
            .get("iat")
            .and_then(Value::as_i64)
            .unwrap_or_default()
            .saturating_mul(1000);
        let state = UserState::of(&user);
        let origin = token.text("origin_jti").unwrap_or_default();
        Ok(user.enabled && !state.is_revoked_at(iat_ms) && !state.is_origin_revoked(origin))
    }
}
