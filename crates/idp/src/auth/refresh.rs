//! Token refresh: REFRESH_TOKEN_AUTH / REFRESH_TOKEN (InitiateAuth, AdminInitiateAuth) and
//! GetTokensFromRefreshToken, with refresh-token rotation on clients that enable it.
//!
//! A refresh token is found by its SHA-256; it must belong to the client, be neither revoked
//! (itself, its sign-in through RevokeToken, or everything through a global sign-out after it
//! was issued) nor expired, and its user must still exist with the same `sub` and be enabled.
//! New ID and access tokens keep the sign-in's `auth_time` and `origin_jti`.
//!
//! Rotation (GetTokensFromRefreshToken only): the answer carries a new refresh token, valid
//! until the old one would have expired; the old one stays usable for the client's
//! RetryGracePeriodSeconds, then answers `RefreshTokenReuseException`.

use cognate_awsjson::ApiError;
use cognate_crypto::secrets::sha256_hex;
use cognate_domain::client::AppClient;
use cognate_domain::pool::UserPool;
use cognate_domain::tokens::RefreshTokenRecord;
use cognate_domain::user::User;
use cognate_domain::{StoreError, Timestamp};
use cognate_model::idp::{AuthenticationResultType, ErrorCode};

use super::client_secret::SecretCheck;
use super::user_disabled;
use crate::Idp;
use crate::errors::{Result, internal};
use crate::tokens::{Refresh, SignIn, not_authorized};
use crate::users::state::UserState;
use crate::users::user_not_found;

/// How the caller proves it holds the client's secret.
#[derive(Debug, Clone, Copy)]
pub enum Proof<'a> {
    /// `SECRET_HASH` (InitiateAuth): computed over the user's username (or `sub`).
    SecretHash(Option<&'a str>),
    /// `ClientSecret` (GetTokensFromRefreshToken).
    ClientSecret(Option<&'a str>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    InitiateAuth,
    GetTokens,
}

pub fn invalid_refresh_token() -> ApiError {
    not_authorized("Invalid Refresh Token")
}

fn revoked() -> ApiError {
    not_authorized("Refresh Token has been revoked")
}

impl Idp {
    pub async fn refresh(
        &self,
        pool: &UserPool,
        client: &AppClient,
        token: &str,
        device_key: Option<&str>,
        proof: Proof<'_>,
        via: Via,
    ) -> Result<AuthenticationResultType> {
        self.check_proof_before_lookup(client, proof)?;
        let token_hash = sha256_hex(token.as_bytes());
        let record = match self.store.get_refresh_token(&token_hash).await {
            Ok(record) if record.client_id == client.client_id && record.pool_id == pool.id => {
                record
            }
            Ok(_) | Err(StoreError::NotFound) => return Err(invalid_refresh_token()),
            Err(other) => return Err(internal(other)),
        };
        let user = self.refresh_user(pool, client, &record).await?;
        if let Proof::SecretHash(given) = proof {
            self.check_secret_hash(client, &user.username, given)
                .or_else(|_| self.check_secret_hash(client, user.sub.as_str(), given))?;
        }
        let now = self.clock.now();
        check_record(client, &record, &user, via, now)?;
        let bound_device = crate::devices::check_refresh_device(&user, token, device_key)?;
        let rotate = via == Via::GetTokens
            && client
                .refresh_token_rotation
                .as_ref()
                .is_some_and(|r| r.enabled);
        if rotate {
            self.retire(client, &record, now).await?;
        }
        let sign_in = SignIn {
            auth_time: record.auth_time,
            origin_jti: record.origin_jti.clone(),
            device_key: bound_device,
            source: crate::triggers::TokenSource::RefreshTokens,
            oauth: record
                .scopes
                .clone()
                .map(|scopes| crate::tokens::OAuthGrant {
                    scopes,
                    nonce: None,
                }),
        };
        let refresh = if rotate {
            Refresh::Until(record.expires_at)
        } else {
            Refresh::None
        };
        self.issue_tokens(pool, client, &user, &sign_in, refresh)
            .await
    }

    /// What can be refused before the token is looked up: a missing or wrong ClientSecret, a
    /// missing SECRET_HASH (which needs the user to be checked).
    fn check_proof_before_lookup(&self, client: &AppClient, proof: Proof<'_>) -> Result<()> {
        let client_id = client.client_id.as_str();
        match proof {
            Proof::SecretHash(given) => {
                if client.has_secret() && given.is_none_or(str::is_empty) {
                    return self.check_secret_hash(client, "", None);
                }
                Ok(())
            }
            Proof::ClientSecret(given) => match self.check_client_secret(client, given)? {
                SecretCheck::Ok => Ok(()),
                SecretCheck::Missing => Err(not_authorized(&format!(
                    "Client {client_id} is configured for secret but secret was not received"
                ))),
                SecretCheck::Wrong => Err(not_authorized(&format!(
                    "Unable to verify secret for client {client_id}"
                ))),
            },
        }
    }

    /// The refresh token's user, which must still be the one it was issued to.
    async fn refresh_user(
        &self,
        pool: &UserPool,
        client: &AppClient,
        record: &RefreshTokenRecord,
    ) -> Result<User> {
        match self.store.get_user(&pool.id, &record.username_key).await {
            Ok(user) if user.sub == record.sub => Ok(user),
            Ok(_) | Err(StoreError::NotFound) if client.prevent_user_existence_errors => {
                Err(invalid_refresh_token())
            }
            Ok(_) | Err(StoreError::NotFound) => Err(user_not_found()),
            Err(other) => Err(internal(other)),
        }
    }

    /// Marks the token rotated. A concurrent refresh may have done it first: fine within the
    /// grace period, a reuse without one.
    async fn retire(
        &self,
        client: &AppClient,
        record: &RefreshTokenRecord,
        now: Timestamp,
    ) -> Result<()> {
        if record.rotated_at.is_some() {
            return Ok(());
        }
        match self
            .store
            .mark_refresh_token_rotated(&record.token_hash, now)
            .await
        {
            Ok(()) => Ok(()),
            Err(StoreError::Conflict { .. }) if grace_secs(client) > 0 => Ok(()),
            Err(StoreError::Conflict { .. }) => Err(reused()),
            Err(StoreError::NotFound) => Err(invalid_refresh_token()),
            Err(other) => Err(internal(other)),
        }
    }
}

/// Revocation, expiry, rotation and the user's state, in that order.
fn check_record(
    client: &AppClient,
    record: &RefreshTokenRecord,
    user: &User,
    via: Via,
    now: Timestamp,
) -> Result<()> {
    let state = UserState::of(user);
    if record.revoked
        || state.is_revoked_at(record.issued_at.millis())
        || state.is_origin_revoked(&record.origin_jti)
    {
        return Err(revoked());
    }
    if record.expires_at <= now {
        return Err(not_authorized("Refresh Token has expired"));
    }
    if let Some(rotated_at) = record.rotated_at
        && now >= rotated_at.plus_secs(grace_secs(client))
    {
        return Err(match via {
            Via::GetTokens => reused(),
            Via::InitiateAuth => invalid_refresh_token(),
        });
    }
    if !user.enabled {
        return Err(user_disabled());
    }
    Ok(())
}

fn grace_secs(client: &AppClient) -> i64 {
    client
        .refresh_token_rotation
        .as_ref()
        .filter(|r| r.enabled)
        .map_or(0, |r| i64::from(r.retry_grace_period_secs))
}

fn reused() -> ApiError {
    ErrorCode::RefreshTokenReuseException
        .msg("The refresh token was already exchanged for new tokens (refresh token rotation)")
}
