//! Verifying a pool's ID tokens for other services (identity pools' Logins): the same keys and
//! issuer rules as the tokens this crate issues, so the check lives beside them.

use std::sync::Arc;

use cognate_awsjson::ApiError;
use cognate_crypto::CryptoError;
use cognate_crypto::jwt::{self, ClaimChecks, Unverified};
use cognate_domain::StoreError;
use cognate_domain::ids::{Sub, UserPoolId};
use serde_json::{Map, Value};

use crate::Idp;
use crate::errors::internal;
use crate::keycache::PoolKeys;
use crate::users::state::UserState;

/// Verified ID tokens kept (`crate::token_cache`).
pub const CACHE_CAPACITY: usize = 100_000;

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

/// An ID token's check: the verified token or why it was refused; an error when the store failed.
type Checked = Result<Result<Arc<VerifiedIdToken>, IdTokenError>, ApiError>;

/// What a verified ID token's bytes prove, kept for its next use: the token, the key that
/// signed it and its lifetime (checked again against the clock on every use).
#[derive(Debug)]
pub struct CachedIdToken {
    token: Arc<VerifiedIdToken>,
    kid: String,
    exp: u64,
    nbf: Option<u64>,
}

impl Idp {
    /// Checks an ID token fully: issuer (a pool of this server, in Cognate's or AWS's form), a
    /// signature by that pool's ID-token key, `exp` in the future and `token_use` id. With
    /// `server_side_check`, also that its user still exists, is enabled and has not signed out
    /// since. The audience is the caller's to check (it knows which clients it accepts).
    ///
    /// A token verified before is not verified again (`crate::token_cache`), but everything that
    /// can change is checked on every call: the pool exists, its ID-token key is still the one
    /// that signed, the token has not expired (and the user, with `server_side_check`).
    pub async fn verify_id_token(
        &self,
        token: &str,
        server_side_check: bool,
    ) -> Result<Result<Arc<VerifiedIdToken>, IdTokenError>, ApiError> {
        let verified = match self.id_token_cache.get(token) {
            Some(hit) => self.recheck_id_token(&hit).await?,
            None => self.verify_new_id_token(token).await?,
        };
        let verified = match verified {
            Ok(verified) => verified,
            Err(refused) => return Ok(Err(refused)),
        };
        if server_side_check && !self.id_token_live(&verified).await? {
            return Ok(Err(IdTokenError::Revoked));
        }
        Ok(Ok(verified))
    }

    /// A token not seen before: decoded, its signature and claims checked, then cached.
    async fn verify_new_id_token(&self, token: &str) -> Checked {
        let Ok(unverified) = Unverified::parse(token) else {
            return Ok(Err(IdTokenError::Invalid));
        };
        let Some(pool_id) = self.pool_of_token(&unverified) else {
            return Ok(Err(IdTokenError::Invalid));
        };
        let Some(keys) = self.live_pool_keys(&pool_id).await? else {
            return Ok(Err(IdTokenError::Invalid));
        };
        let id_key = &keys.id_token;
        let checks = ClaimChecks {
            token_use: Some("id"),
            ..ClaimChecks::default()
        };
        let claims: Map<String, Value> = match unverified.verify(
            |kid| (kid == id_key.kid()).then(|| id_key.public_key().clone()),
            self.clock.now().unsigned_secs(),
            &checks,
        ) {
            Ok(claims) => claims,
            Err(error) => return Ok(Err(refusal(&error))),
        };
        let Ok((exp, nbf)) = jwt::lifetime(&claims) else {
            return Ok(Err(IdTokenError::Invalid));
        };
        let verified = Arc::new(VerifiedIdToken { pool_id, claims });
        let entry = CachedIdToken {
            token: verified.clone(),
            kid: id_key.kid().to_string(),
            exp,
            nbf,
        };
        self.id_token_cache.put(token, Arc::new(entry));
        Ok(Ok(verified))
    }

    /// A token verified before: what may have changed since is checked again (the pool, the
    /// key that signed it, its lifetime against the clock).
    async fn recheck_id_token(&self, hit: &CachedIdToken) -> Checked {
        let Some(keys) = self.live_pool_keys(&hit.token.pool_id).await? else {
            return Ok(Err(IdTokenError::Invalid));
        };
        if keys.id_token.kid() != hit.kid {
            return Ok(Err(IdTokenError::Invalid));
        }
        let now = self.clock.now().unsigned_secs();
        if let Err(error) = jwt::check_lifetime(hit.exp, hit.nbf, now, 0) {
            return Ok(Err(refusal(&error)));
        }
        Ok(Ok(hit.token.clone()))
    }

    /// The keys of the pool, or None when it no longer exists.
    async fn live_pool_keys(
        &self,
        pool_id: &UserPoolId,
    ) -> Result<Option<Arc<PoolKeys>>, ApiError> {
        match self.store.get_pool(pool_id).await {
            Ok(_) => Ok(Some(self.pool_keys(pool_id).await?)),
            Err(StoreError::NotFound) => Ok(None),
            Err(other) => Err(internal(other)),
        }
    }

    /// Whether the token's user exists, is enabled and has not been signed out since `iat`.
    async fn id_token_live(&self, token: &VerifiedIdToken) -> Result<bool, ApiError> {
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

/// How a token that failed its signature or claim checks is refused.
fn refusal(error: &CryptoError) -> IdTokenError {
    match error {
        CryptoError::Expired => IdTokenError::Expired,
        _ => IdTokenError::Invalid,
    }
}
