//! Ending sessions: a global sign-out (every refresh, ID and access token of the user issued
//! up to now) and RevokeToken (one refresh token and the tokens of its sign-in, by
//! `origin_jti`). Access tokens revoked either way answer `Access Token has been revoked`.

use cognate_awsjson::ApiError;
use cognate_crypto::jwt;
use cognate_crypto::secrets::sha256_hex;
use cognate_domain::client::AppClient;
use cognate_domain::pool::UserPool;
use cognate_domain::user::User;
use cognate_domain::{StoreError, Timestamp};
use cognate_model::idp::ErrorCode;

use super::client_secret::SecretCheck;
use crate::Idp;
use crate::errors::{Result, internal};
use crate::users::state::UserState;

/// RevokeToken's refusals of the client itself (RevokeToken has no NotAuthorizedException).
pub fn unauthorized_client() -> ApiError {
    ErrorCode::UnauthorizedException.msg("Invalid client id or client secret.")
}

impl UserState {
    /// Revokes the tokens of one sign-in; the mark is kept until `forget_at` (epoch seconds),
    /// when nothing carrying that `origin_jti` can still be valid.
    pub fn revoke_origin(&mut self, origin_jti: &str, forget_at: i64) {
        match self
            .revoked_origins
            .iter_mut()
            .find(|(jti, _)| jti == origin_jti)
        {
            Some(entry) => entry.1 = entry.1.max(forget_at),
            None => self
                .revoked_origins
                .push((origin_jti.to_string(), forget_at)),
        }
    }
}

impl Idp {
    /// GlobalSignOut / AdminUserGlobalSignOut: revokes every token the user holds.
    pub async fn sign_out_everywhere(&self, pool: &UserPool, user: &User) -> Result<()> {
        let now = self.clock.now();
        let sub = user.sub.clone();
        self.modify_user(pool, &user.username_key, |stored| {
            if stored.sub != sub {
                return Err(crate::users::user_not_found());
            }
            let mut state = UserState::of(stored);
            state.prune(now);
            state.revoke_all_tokens(now);
            state.save_into(stored);
            Ok(())
        })
        .await?;
        self.end_refresh_tokens(pool, user).await
    }

    /// RevokeToken: `token` must be a refresh token of `client` (which must allow
    /// revocation and be authenticated by its secret). Unknown tokens are accepted silently,
    /// as OAuth revocation (RFC 7009) does.
    pub async fn revoke_refresh_token(
        &self,
        client: &AppClient,
        secret: Option<&str>,
        token: &str,
    ) -> Result<()> {
        if self.check_client_secret(client, secret)? != SecretCheck::Ok {
            return Err(unauthorized_client());
        }
        if !client.enable_token_revocation {
            return Err(ErrorCode::UnsupportedOperationException
                .msg("Token revocation is not enabled for this app client."));
        }
        if jwt::decode_unverified(token).is_ok() {
            return Err(
                ErrorCode::UnsupportedTokenTypeException.msg("Only refresh tokens can be revoked.")
            );
        }
        let hash = sha256_hex(token.as_bytes());
        let record = match self.store.get_refresh_token(&hash).await {
            Ok(record) => record,
            Err(StoreError::NotFound) => return Ok(()),
            Err(other) => return Err(internal(other)),
        };
        if record.client_id != client.client_id {
            return Err(unauthorized_client());
        }
        let pool = self.pool(client.pool_id.as_str()).await?;
        self.revoke_origin_of(&pool, client, &record).await?;
        match self.store.revoke_refresh_token(&hash).await {
            Ok(_) | Err(StoreError::NotFound) => Ok(()),
            Err(other) => Err(internal(other)),
        }
    }

    /// Marks the refresh token's sign-in revoked on its user, for as long as any token of that
    /// sign-in (a rotated successor included) may still be valid.
    async fn revoke_origin_of(
        &self,
        pool: &UserPool,
        client: &AppClient,
        record: &cognate_domain::tokens::RefreshTokenRecord,
    ) -> Result<()> {
        let now = self.clock.now();
        let forget_at = forget_at(client, record.expires_at, now);
        let outcome = self
            .modify_user(pool, &record.username_key, |stored| {
                if stored.sub != record.sub {
                    return Err(crate::users::user_not_found());
                }
                let mut state = UserState::of(stored);
                state.prune(now);
                state.revoke_origin(&record.origin_jti, forget_at);
                state.save_into(stored);
                Ok(())
            })
            .await;
        match outcome {
            Ok(_) => Ok(()),
            // No user, no tokens of it to accept: revoking the refresh token is enough.
            Err(error) if error.code == ErrorCode::UserNotFoundException.as_str() => Ok(()),
            Err(error) => Err(error),
        }
    }
}

/// The last second a token of the sign-in may be valid: its refresh tokens end at
/// `refresh_expires_at`, its ID and access tokens at most one lifetime after now.
fn forget_at(client: &AppClient, refresh_expires_at: Timestamp, now: Timestamp) -> i64 {
    let validity = &client.token_validity;
    let longest = validity.access_token_secs.max(validity.id_token_secs);
    refresh_expires_at.secs().max(now.plus_secs(longest).secs()) + 1
}
