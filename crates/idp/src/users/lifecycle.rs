//! What the sign-up, confirmation and recovery operations share: the public operations' client
//! and pool, confirming a user, adopting a newly hashed password, and ending sessions.

use cognate_awsjson::ApiError;
use cognate_domain::client::AppClient;
use cognate_domain::pool::UserPool;
use cognate_domain::user::{User, UserStatus};
use cognate_model::idp::ErrorCode;

use super::recovery::sign_up_destination;
use super::state::{CodePurpose, UserState, lockout};
use crate::Idp;
use crate::errors::{Result, internal};

/// A public (client-called) operation's context: the client and its pool, the SECRET_HASH
/// checked for `username`.
pub struct Public {
    pub client: AppClient,
    pub pool: UserPool,
}

impl Public {
    /// Whether unknown users get the answers of existing ones (PreventUserExistenceErrors).
    pub fn hides_users(&self) -> bool {
        self.client.prevent_user_existence_errors
    }
}

impl Idp {
    pub async fn public(
        &self,
        client_id: &str,
        username: &str,
        secret_hash: Option<&str>,
    ) -> Result<Public> {
        let client = self.client(client_id).await?;
        let pool = self.pool(client.pool_id.as_str()).await?;
        self.check_secret_hash(&client, username, secret_hash)?;
        Ok(Public { client, pool })
    }

    /// Ends every session of `user`: the refresh tokens in the store. (Access tokens end with
    /// `UserState::revoke_all_tokens`, saved with the user.)
    pub async fn end_refresh_tokens(&self, pool: &UserPool, user: &User) -> Result<()> {
        self.store
            .revoke_user_refresh_tokens(&pool.id, &user.username_key)
            .await
            .map_err(internal)?;
        Ok(())
    }
}

/// Confirms a signed-up user: CONFIRMED, and the attribute the sign-up code went to verified
/// (`verify_contact`, for ConfirmSignUp; AdminConfirmSignUp verifies nothing).
pub fn confirm(pool: &UserPool, user: &mut User, verify_contact: bool) {
    user.status = UserStatus::Confirmed;
    if verify_contact && let Some(destination) = sign_up_destination(pool, user) {
        user.attributes
            .insert(format!("{}_verified", destination.attribute), "true".into());
    }
    let mut state = UserState::of(user);
    state.codes.retain(|c| c.purpose != CodePurpose::SignUp);
    state.save_into(user);
}

/// Takes the password `prepared` holds (set with `idp.set_password` on a copy of the user,
/// outside the read-modify-write because hashing is slow). Resets the sign-in failure count.
pub fn adopt_password(user: &mut User, prepared: &User) {
    user.password = prepared.password.clone();
    user.password_history = prepared.password_history.clone();
    let mut state = UserState::of(user);
    lockout::record_success(&mut state);
    state.save_into(user);
}

/// Revokes every token issued to `user` so far (saved with the user).
pub fn revoke_tokens(user: &mut User, now: cognate_domain::Timestamp) {
    let mut state = UserState::of(user);
    state.revoke_all_tokens(now);
    state.save_into(user);
}

pub fn user_disabled() -> ApiError {
    ErrorCode::NotAuthorizedException.msg("User is disabled.")
}

pub fn cannot_confirm(user: &User) -> ApiError {
    ErrorCode::NotAuthorizedException.msg(format!(
        "User cannot be confirmed. Current status is {}",
        user.status.as_str()
    ))
}

pub fn cannot_reset() -> ApiError {
    ErrorCode::NotAuthorizedException.msg("User password cannot be reset in the current state.")
}
