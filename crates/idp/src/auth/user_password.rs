//! USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH and ADMIN_NO_SRP_AUTH: the password in the
//! request, checked against the argon2 hash.
//!
//! The order of checks is Cognito's: the client's SECRET_HASH, the user (unknown users answer
//! like a wrong password when the client prevents user-existence errors, after a dummy hash so
//! timing does not tell), the lockout (a locked user is refused without checking the
//! password), the password (a failure is counted through `modify_user`, so parallel attempts
//! cannot lose counts), then the account's state, then tokens or the NEW_PASSWORD_REQUIRED
//! challenge.

use cognate_awsjson::ApiError;
use cognate_domain::Timestamp;
use cognate_domain::client::AppClient;
use cognate_domain::pool::UserPool;
use cognate_domain::user::{User, UserStatus};
use cognate_model::idp::ErrorCode;

use super::{Outcome, Params, attempts_exceeded, incorrect_credentials, user_disabled};
use crate::Idp;
use crate::errors::Result;
use crate::tokens::not_authorized;
use crate::triggers::{Migrated, Migration, not_migrated};
use crate::users::state::{UserState, lockout};
use crate::users::user_not_found;

/// Rounds of `modify_user` (each with its own retries) spent counting one failure.
const FAILURE_COUNT_ROUNDS: u32 = 4;

impl Idp {
    pub(crate) async fn password_sign_in(
        &self,
        pool: &UserPool,
        client: &AppClient,
        params: &Params<'_>,
    ) -> Result<Outcome> {
        let username = params.required("USERNAME")?;
        let password = params.required("PASSWORD")?;
        self.check_secret_hash(client, username, params.get("SECRET_HASH"))?;
        let Some(user) = self.find_user(pool, username).await? else {
            return self.migrate_and_sign_in(pool, client, params).await;
        };
        self.pre_authentication(pool, client, &user, params.client_metadata())
            .await?;
        let now = self.clock.now();
        if lockout::is_locked(&UserState::of(&user), now) {
            return Err(attempts_exceeded());
        }
        // Reset-required users may have no usable password at all (imports, admin resets).
        if user.status == UserStatus::ResetRequired {
            return Err(password_reset_required());
        }
        if !self.verify_password(&user, password).await? {
            self.record_failed_sign_in(pool, &user, now).await?;
            return Err(incorrect_credentials());
        }
        check_account(self, pool, &user, now)?;
        let device_key = params.get("DEVICE_KEY");
        if user.status == UserStatus::ForceChangePassword {
            let named = (&user, device_key);
            return self.new_password_challenge(pool, client, named, now).await;
        }
        let user = self.clear_failures(pool, user, now).await?;
        self.after_password(pool, client, &user, device_key, now)
            .await
    }

    /// A name that is no user: migrated by the pool's user migration function and signed in
    /// at once (a RESET_REQUIRED user must reset its password first), else an unknown user's
    /// answer.
    async fn migrate_and_sign_in(
        &self,
        pool: &UserPool,
        client: &AppClient,
        params: &Params<'_>,
    ) -> Result<Outcome> {
        let username = params.required("USERNAME")?;
        let password = params.required("PASSWORD")?;
        let migration = Migration::Authentication {
            password,
            validation_data: params.client_metadata(),
        };
        let user = match self.migrate_user(pool, client, username, migration).await? {
            Migrated::User(user) => *user,
            Migrated::NoFunction => return Err(self.unknown_user(client, password).await),
            Migrated::Refused => return Err(not_migrated(client)),
        };
        let now = self.clock.now();
        check_account(self, pool, &user, now)?;
        self.after_password(pool, client, &user, params.get("DEVICE_KEY"), now)
            .await
    }

    /// The answer for a name that is no user: a wrong password's when the client prevents
    /// user-existence errors (after a real-cost hash), `UserNotFoundException` otherwise.
    pub(crate) async fn unknown_user(&self, client: &AppClient, password: &str) -> ApiError {
        if client.prevent_user_existence_errors {
            self.dummy_verify(password).await;
            incorrect_credentials()
        } else {
            user_not_found()
        }
    }

    /// Counts a failed password on the stored user (re-read on every retry, so concurrent
    /// failures all count) and locks it out past the free failures.
    async fn record_failed_sign_in(
        &self,
        pool: &UserPool,
        user: &User,
        now: Timestamp,
    ) -> Result<()> {
        let sub = user.sub.clone();
        let mut rounds = 0;
        loop {
            let outcome = self
                .modify_user(pool, &user.username_key, |stored| {
                    if stored.sub != sub {
                        return Err(incorrect_credentials());
                    }
                    let mut state = UserState::of(stored);
                    state.prune(now);
                    lockout::record_failure(&mut state, now);
                    state.save_into(stored);
                    Ok(())
                })
                .await;
            match outcome {
                Ok(_) => return Ok(()),
                // The user went away meanwhile: the answer stays "incorrect".
                Err(error) if error.code == ErrorCode::UserNotFoundException.as_str() => {
                    return Ok(());
                }
                // Lost every race: try harder rather than let a failure go uncounted (the
                // rate of failures is bounded by the hashing pool, so this ends).
                Err(error)
                    if error.code == ErrorCode::TooManyRequestsException.as_str()
                        && rounds < FAILURE_COUNT_ROUNDS =>
                {
                    rounds += 1;
                    tokio::task::yield_now().await;
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// Resets the failure count after a correct password; no write when there is none. A user
    /// locked meanwhile by parallel failures stays locked.
    pub(crate) async fn clear_failures(
        &self,
        pool: &UserPool,
        user: User,
        now: Timestamp,
    ) -> Result<User> {
        let state = UserState::of(&user);
        if state.failed_attempts == 0 && state.locked_until.is_none() {
            return Ok(user);
        }
        let (user, ()) = self
            .modify_user(pool, &user.username_key, |stored| {
                let mut state = UserState::of(stored);
                if lockout::is_locked(&state, now) {
                    return Err(attempts_exceeded());
                }
                lockout::record_success(&mut state);
                state.save_into(stored);
                Ok(())
            })
            .await?;
        Ok(user)
    }
}

/// After the password matched: the account must be enabled, confirmed, and not holding an
/// expired temporary password.
pub(crate) fn check_account(idp: &Idp, pool: &UserPool, user: &User, now: Timestamp) -> Result<()> {
    if !user.enabled {
        return Err(user_disabled());
    }
    match user.status {
        UserStatus::Unconfirmed => {
            Err(ErrorCode::UserNotConfirmedException.msg("User is not confirmed."))
        }
        UserStatus::ResetRequired => Err(password_reset_required()),
        UserStatus::ForceChangePassword if idp.temporary_password_expired(pool, user, now) => Err(
            not_authorized("Temporary password has expired and must be reset by an administrator."),
        ),
        _ => Ok(()),
    }
}

pub fn password_reset_required() -> ApiError {
    ErrorCode::PasswordResetRequiredException.msg("Password reset required for the user")
}
