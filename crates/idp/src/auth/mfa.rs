//! The MFA step of a sign-in: after the first factor (password, SRP proof, new password) the
//! pool's MfaConfiguration and the user's enabled factors decide between tokens and the
//! SOFTWARE_TOKEN_MFA challenge, answered with `SOFTWARE_TOKEN_MFA_CODE` (RFC 6238, ±1 step,
//! a code accepted once). A wrong code counts toward lockout and leaves the session usable
//! for another try until it expires.
//!
//! A pool with MFA ON and a user without a factor goes through MFA_SETUP (`mfa_setup.rs`).
//! Not built yet: SMS_MFA, EMAIL_OTP and SELECT_MFA_TYPE; a pool with MFA ON that offers only
//! those is refused rather than signed in without MFA.

use std::collections::BTreeMap;

use cognate_domain::Timestamp;
use cognate_domain::client::AppClient;
use cognate_domain::pool::{MfaConfiguration, UserPool};
use cognate_domain::user::User;
use cognate_model::idp::{ChallengeNameType, ErrorCode};

use super::{Outcome, Params, attempts_exceeded, session, user_disabled};
use crate::Idp;
use crate::errors::{Result, invalid_parameter};
use crate::mfa::{PoolFactors, UserMfa};
use crate::tokens::{Refresh, SignIn};
use crate::users::state::{UserState, lockout};

pub const SOFTWARE_TOKEN_CHALLENGE: &str = "SOFTWARE_TOKEN_MFA";

impl Idp {
    /// Tokens, or the MFA challenge the pool and the user call for.
    pub(crate) async fn after_first_factor(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        now: Timestamp,
    ) -> Result<Outcome> {
        if pool.mfa_configuration != MfaConfiguration::Off {
            let mfa = UserMfa::of(&UserState::of(user));
            if mfa.totp_enabled && PoolFactors::of(pool).software_token_enabled() {
                return self.software_token_challenge(pool, client, user, now).await;
            }
            // A factor we cannot challenge with must not be skipped: refuse, typed.
            if mfa.sms_enabled || mfa.email_enabled {
                return Err(ErrorCode::UnsupportedOperationException
                    .msg("The SMS_MFA and EMAIL_OTP challenges are not supported by Cognate yet"));
            }
            if pool.mfa_configuration == MfaConfiguration::On {
                if PoolFactors::of(pool).software_token_enabled() {
                    return self.mfa_setup_challenge(pool, client, user, now).await;
                }
                return Err(ErrorCode::UnsupportedOperationException.msg(
                    "MFA is required but the pool offers no software token: SMS_MFA and EMAIL_OTP are not supported by Cognate yet",
                ));
            }
        }
        let sign_in = SignIn::new(self);
        let result = self
            .issue_tokens(pool, client, user, &sign_in, Refresh::New)
            .await?;
        Ok(Outcome::Tokens(result))
    }

    async fn software_token_challenge(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        now: Timestamp,
    ) -> Result<Outcome> {
        let sub = user.sub.clone();
        let (_, token) = self
            .modify_user(pool, &user.username_key, |stored| {
                if stored.sub != sub {
                    return Err(super::incorrect_credentials());
                }
                let mut state = UserState::of(stored);
                let token = session::open(
                    &mut state,
                    client,
                    SOFTWARE_TOKEN_CHALLENGE,
                    Default::default(),
                    now,
                );
                state.save_into(stored);
                Ok(token)
            })
            .await?;
        Ok(Outcome::Challenge {
            name: ChallengeNameType::SoftwareTokenMfa,
            session: token,
            parameters: BTreeMap::new(),
        })
    }

    /// Answers SOFTWARE_TOKEN_MFA: the session (this user, this client, not expired) and the
    /// code, checked and used up in one write with the session.
    pub(crate) async fn answer_software_token(
        &self,
        pool: &UserPool,
        client: &AppClient,
        session_token: Option<&str>,
        responses: &Params<'_>,
    ) -> Result<Outcome> {
        let username = responses.required("USERNAME")?;
        let code = responses.required("SOFTWARE_TOKEN_MFA_CODE")?;
        self.check_secret_hash(client, username, responses.get("SECRET_HASH"))?;
        let token = session_token
            .filter(|s| !s.is_empty())
            .ok_or_else(|| invalid_parameter("Missing required parameter Session"))?;
        let Some(user) = self.find_user(pool, username).await? else {
            return Err(session::invalid_session());
        };
        let now = self.clock.now();
        session::find(
            &UserState::of(&user),
            token,
            client,
            SOFTWARE_TOKEN_CHALLENGE,
            now,
        )?;
        if !user.enabled {
            return Err(user_disabled());
        }
        let sub = user.sub.clone();
        let (user, accepted) = self
            .modify_user(pool, &user.username_key, |stored| {
                if stored.sub != sub {
                    return Err(session::invalid_session());
                }
                let state = UserState::of(stored);
                if lockout::is_locked(&state, now) {
                    return Err(attempts_exceeded());
                }
                let accepted = self.check_totp(stored, code, now.secs())?;
                let mut state = UserState::of(stored);
                if accepted {
                    session::consume(&mut state, token, client, SOFTWARE_TOKEN_CHALLENGE, now)?;
                    lockout::record_success(&mut state);
                } else {
                    lockout::record_failure(&mut state, now);
                }
                state.prune(now);
                state.save_into(stored);
                Ok(accepted)
            })
            .await?;
        if !accepted {
            return Err(ErrorCode::CodeMismatchException.msg("Invalid code received for user"));
        }
        let sign_in = SignIn::new(self);
        let result = self
            .issue_tokens(pool, client, &user, &sign_in, Refresh::New)
            .await?;
        Ok(Outcome::Tokens(result))
    }
}
