//! USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH and ADMIN_NO_SRP_AUTH: the password in the
//! request, checked against the argon2 hash.
//!
//! The order of checks is Cognito's: the client's SECRET_HASH, the user (unknown users answer
//! like a wrong password when the client prevents user-existence errors, after a dummy hash so
//! timing does not tell), the lockout (a locked user is refused without checking the
//! password), the password (the check is claimed first in the user's versioned save, so parallel
//! guesses cannot outrun the lockout: no more checks run at once than could all fail within the
//! schedule, and the others wait; the claim is then settled as a success or a failure), then
//! the account's state, then tokens or the NEW_PASSWORD_REQUIRED challenge.

use std::time::Duration;

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
use crate::users::state::UserState;
use crate::users::state::lockout::{self, Claim};
use crate::users::user_not_found;

/// How many times a change of the sign-in state is tried while it waits behind parallel
/// checks of the same user: with pauses doubling up to `MAX_CLAIM_PAUSE`, about 10 s.
const CLAIM_ROUNDS: u32 = 500;
/// The longest pause between two tries.
const MAX_CLAIM_PAUSE: Duration = Duration::from_millis(20);

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
        let user = self.claim_password_check(pool, &user, |_| Ok(())).await?;
        if !self.verify_password(&user, password).await? {
            return Err(self.settle_claimed_failure(pool, &user).await);
        }
        let user = self.settle_claimed_success(pool, user).await?;
        check_account(self, pool, &user, now)?;
        let device_key = params.get("DEVICE_KEY");
        if user.status == UserStatus::ForceChangePassword {
            let named = (&user, device_key);
            return self.new_password_challenge(pool, client, named, now).await;
        }
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

    /// Claims one password check for `user` (`lockout::claim`) before the password (hash or
    /// SRP proof) is checked: granted, answered `Password attempts exceeded` when the user is
    /// locked, or waited for while as many checks run as may fail at once. `also` changes the
    /// state in the same save, before the claim (an SRP answer uses its challenge session up;
    /// ChangePassword counts its hourly call); its error saves nothing. Returns the saved
    /// user; settle the claim with `settle_claimed_success` or `settle_claimed_failure`.
    pub(crate) async fn claim_password_check(
        &self,
        pool: &UserPool,
        user: &User,
        mut also: impl FnMut(&mut UserState) -> Result<()>,
    ) -> Result<User> {
        self.change_sign_in_state(pool, user, |state, now| {
            also(state)?;
            state.prune(now);
            match lockout::claim(state, now) {
                Claim::Granted => Ok(()),
                Claim::Locked => Err(attempts_exceeded()),
                Claim::Busy => Err(checks_busy()),
            }
        })
        .await
    }

    /// A correct password after a claim: the claim is settled and any failures and lockout
    /// are cleared.
    pub(crate) async fn settle_claimed_success(&self, pool: &UserPool, user: User) -> Result<User> {
        self.change_sign_in_state(pool, &user, |state, _| {
            lockout::settle_success(state);
            Ok(())
        })
        .await
    }

    /// A wrong password after a claim: the claim is settled as a failure, which may lock the
    /// user. Answers the wrong password's error.
    pub(crate) async fn settle_claimed_failure(&self, pool: &UserPool, user: &User) -> ApiError {
        let settled = self
            .change_sign_in_state(pool, user, |state, now| {
                lockout::settle_failure(state, now);
                Ok(())
            })
            .await;
        // Left unsettled (the store failing), the claim still counts as a failure once expired.
        if let Err(error) = settled {
            tracing::warn!(code = %error.code, "a wrong password's claim stays unsettled");
        }
        incorrect_credentials()
    }

    /// Changes the sign-in state of `user` in one versioned save, as long as the record is
    /// still that user's (a user deleted and re-created under the name is another). A change
    /// that answers `TooManyRequestsException` (a busy claim), or a save that keeps losing
    /// races to parallel sign-ins, is tried again after a pause, for up to `CLAIM_ROUNDS`:
    /// a claim taken must be settled, and parallel sign-ins queue rather than fail.
    async fn change_sign_in_state(
        &self,
        pool: &UserPool,
        user: &User,
        mut change: impl FnMut(&mut UserState, Timestamp) -> Result<()>,
    ) -> Result<User> {
        let mut pause = Duration::from_millis(1);
        let mut rounds = 0;
        // The first round starts from the user the caller just read (the save checks its
        // version); later ones read again.
        let mut read = Some(user.clone());
        loop {
            let now = self.clock.now();
            let outcome = self
                .modify_user_state_from(pool, &user.username_key, read.take(), |stored, state| {
                    if stored.sub != user.sub {
                        return Err(incorrect_credentials());
                    }
                    change(state, now)
                })
                .await;
            match outcome {
                Ok((saved, ())) => return Ok(saved),
                Err(error)
                    if error.code == ErrorCode::TooManyRequestsException.as_str()
                        && rounds < CLAIM_ROUNDS =>
                {
                    rounds += 1;
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(MAX_CLAIM_PAUSE);
                }
                Err(error) => return Err(error),
            }
        }
    }
}

/// The answer when as many checks of one user's password ran as may fail at once, for longer
/// than `CLAIM_ROUNDS` allow: only a flood of sign-ins for one user waits that long.
fn checks_busy() -> ApiError {
    ErrorCode::TooManyRequestsException
        .msg("Too many concurrent sign-ins for this user; try again.")
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
