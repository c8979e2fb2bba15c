//! USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH and ADMIN_NO_SRP_AUTH: the password in the
//! request, checked against the argon2 hash.
//!
//! The order of checks is Cognito's: the client's SECRET_HASH, the user (unknown users answer
//! like a wrong password when the client prevents user-existence errors, after a dummy hash so
//! timing does not tell), the lockout (a locked user is refused without checking the
//! password), the password (the check is claimed first, counted as a failure in the user's
//! versioned save before the hash is computed, so parallel guesses cannot outrun the lockout;
//! a correct password takes the count back), then the account's state, then tokens or the
//! NEW_PASSWORD_REQUIRED challenge.

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

/// Rounds of `modify_user` (each with its own retries) spent claiming one password check.
const CLAIM_ROUNDS: u32 = 16;

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
        let user = self
            .claim_password_check(pool, &user, now, |_| Ok(()))
            .await?;
        if !self.verify_password(&user, password).await? {
            // Already counted by the claim.
            return Err(incorrect_credentials());
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

    /// Claims one password check for `user` (`lockout::claim`): counts it as a failure before
    /// the password (hash or SRP proof) is checked, or answers `Password attempts exceeded`
    /// when the user is locked. `also` changes the state in the same save, before the claim
    /// (an SRP answer uses its challenge session up; ChangePassword counts its hourly call); its
    /// error saves nothing. Returns the saved user.
    pub(crate) async fn claim_password_check(
        &self,
        pool: &UserPool,
        user: &User,
        now: Timestamp,
        mut also: impl FnMut(&mut UserState) -> Result<()>,
    ) -> Result<User> {
        let sub = user.sub.clone();
        let mut rounds = 0;
        // The first round starts from the user the caller just read (the save checks its
        // version); later ones read again.
        let mut read = Some(user.clone());
        loop {
            let outcome = self
                .modify_user_from(pool, &user.username_key, read.take(), |stored| {
                    if stored.sub != sub {
                        return Err(incorrect_credentials());
                    }
                    let mut state = UserState::of(stored);
                    also(&mut state)?;
                    state.prune(now);
                    if !lockout::claim(&mut state, now) {
                        return Err(attempts_exceeded());
                    }
                    state.save_into(stored);
                    Ok(())
                })
                .await;
            match outcome {
                Ok((saved, ())) => return Ok(saved),
                // Lost every race to parallel claims: queue again rather than fail (each round
                // re-reads the lockout, so the queue ends in a check or a refusal).
                Err(error)
                    if error.code == ErrorCode::TooManyRequestsException.as_str()
                        && rounds < CLAIM_ROUNDS =>
                {
                    rounds += 1;
                    tokio::task::yield_now().await;
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// A correct password after a claim: the claimed failure and any lockout are cleared.
    /// `user` is the claim's saved user, the first attempt's starting point.
    pub(crate) async fn settle_claimed_success(&self, pool: &UserPool, user: User) -> Result<User> {
        let sub = user.sub.clone();
        let username_key = user.username_key.clone();
        let (user, ()) = self
            .modify_user_from(pool, &username_key, Some(user), |stored| {
                if stored.sub != sub {
                    return Err(incorrect_credentials());
                }
                let mut state = UserState::of(stored);
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
