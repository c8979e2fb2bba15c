//! The MFA step of a sign-in: after the first factor (password, SRP proof, new password) the
//! pool's MfaConfiguration and factors and the user's enabled and preferred factors decide
//! between tokens and a challenge:
//! - the preferred factor, or the only one enabled: SOFTWARE_TOKEN_MFA (answered with
//!   `SOFTWARE_TOKEN_MFA_CODE`, RFC 6238, ±1 step, a code accepted once), SMS_MFA or
//!   EMAIL_OTP (a code through the outbox, `otp.rs`);
//! - several enabled, none preferred: SELECT_MFA_TYPE with `MFAS_CAN_CHOOSE`, whose `ANSWER`
//!   names the challenge that follows;
//! - none enabled and MFA ON: SMS_MFA for a user with a phone number when the pool offers SMS,
//!   else EMAIL_OTP for a user with an email when the pool offers email, else MFA_SETUP
//!   (`mfa_setup.rs`).
//!
//! A factor counts only when the pool offers it and the user can receive it. A wrong code
//! counts toward lockout and leaves the session usable for another try until it expires.
//!
//! The device the first factor named (`DEVICE_KEY`, when a confirmed device of the user) rides
//! in the challenge session, so an answer that does not repeat it still signs in that device;
//! a confirmed device named in the answer wins (`devices::answering_device`).

use cognate_domain::Timestamp;
use cognate_domain::client::AppClient;
use cognate_domain::pool::{MfaConfiguration, UserPool};
use cognate_domain::user::User;
use cognate_model::idp::{ChallengeNameType, ErrorCode};
use serde_json::Value;

use super::{Outcome, Params, attempts_exceeded, otp, session, user_disabled};
use crate::Idp;
use crate::devices::{answering_device, confirmed_key};
use crate::errors::{Result, invalid_parameter};
use crate::mfa::{EMAIL, PoolFactors, SMS, SOFTWARE_TOKEN, UserMfa};
use crate::tokens::SignIn;
use crate::triggers::TokenSource;
use crate::users::state::{UserState, lockout};

pub const SOFTWARE_TOKEN_CHALLENGE: &str = "SOFTWARE_TOKEN_MFA";
pub const SELECT_CHALLENGE: &str = "SELECT_MFA_TYPE";
/// Where a SELECT_MFA_TYPE session keeps the factors offered.
const CHOICES_KEY: &str = "choices";

/// What a sign-in that passed its first factor does next.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    Tokens,
    Challenge(ChallengeNameType),
    Select(Vec<&'static str>),
    Setup,
}

/// The challenge for a factor's AWS name.
fn challenge_of(factor: &str) -> Option<ChallengeNameType> {
    match factor {
        SMS => Some(ChallengeNameType::SmsMfa),
        SOFTWARE_TOKEN => Some(ChallengeNameType::SoftwareTokenMfa),
        EMAIL => Some(ChallengeNameType::EmailOtp),
        _ => None,
    }
}

fn has(user: &User, attribute: &str) -> bool {
    user.attributes
        .get(attribute)
        .is_some_and(|value| !value.is_empty())
}

/// The MFA step `pool` and `user` call for.
fn next_step(pool: &UserPool, user: &User) -> Step {
    if pool.mfa_configuration == MfaConfiguration::Off {
        return Step::Tokens;
    }
    let offered = PoolFactors::of(pool);
    let mfa = UserMfa::of(&UserState::of(user));
    let sms_possible = offered.sms_enabled() && has(user, "phone_number");
    let email_possible = offered.email_enabled() && has(user, "email");
    let usable: Vec<&'static str> = [
        (mfa.sms_enabled && sms_possible, SMS),
        (
            mfa.totp_enabled && mfa.totp_secret.is_some() && offered.software_token_enabled(),
            SOFTWARE_TOKEN,
        ),
        (mfa.email_enabled && email_possible, EMAIL),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect();
    let preferred = mfa
        .preferred
        .as_deref()
        .and_then(|p| usable.iter().copied().find(|u| *u == p));
    let only = (usable.len() == 1).then(|| usable[0]);
    if let Some(factor) = preferred.or(only) {
        return challenge_of(factor).map_or(Step::Tokens, Step::Challenge);
    }
    if usable.len() > 1 {
        return Step::Select(usable);
    }
    if pool.mfa_configuration == MfaConfiguration::Optional {
        return Step::Tokens;
    }
    // MFA required and nothing set up: a phone or an email the pool can use counts as set up.
    if sms_possible {
        return Step::Challenge(ChallengeNameType::SmsMfa);
    }
    if email_possible {
        return Step::Challenge(ChallengeNameType::EmailOtp);
    }
    // MFA_SETUP lists what the pool offers; without a software token to set up, the client
    // must add a phone number or email and sign in again, as on AWS.
    Step::Setup
}

impl Idp {
    /// Tokens, or the MFA challenge the pool and the user call for.
    pub(crate) async fn after_first_factor(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        device_key: Option<&str>,
        now: Timestamp,
    ) -> Result<Outcome> {
        let source = TokenSource::Authentication;
        self.after_factor_from(pool, client, (user, device_key), source, now)
            .await
    }

    /// `after_first_factor`, naming the path for pre token generation when tokens follow at
    /// once (`TokenGeneration_NewPasswordChallenge` after a new password).
    pub(crate) async fn after_factor_from(
        &self,
        pool: &UserPool,
        client: &AppClient,
        (user, device_key): (&User, Option<&str>),
        source: TokenSource,
        now: Timestamp,
    ) -> Result<Outcome> {
        // Only a confirmed device of this user is carried to the MFA answer.
        let device = confirmed_key(user, device_key);
        let device_key = device.as_deref();
        match next_step(pool, user) {
            Step::Tokens => {
                let sign_in = SignIn {
                    source,
                    ..self.sign_in_from(user, device_key)
                };
                Ok(Outcome::authenticated(user.clone(), sign_in))
            }
            Step::Challenge(challenge) => {
                self.mfa_challenge(pool, client, user, (challenge, device_key), now)
                    .await
            }
            Step::Select(choices) => {
                self.select_challenge(pool, client, user, (choices, device_key), now)
                    .await
            }
            Step::Setup => {
                self.mfa_setup_challenge(pool, client, (user, device_key), now)
                    .await
            }
        }
    }

    /// The challenge of one factor: a TOTP prompt, or a code sent by SMS or email. Its session
    /// carries the sign-in's device key to the answer.
    async fn mfa_challenge(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        (challenge, device_key): (ChallengeNameType, Option<&str>),
        now: Timestamp,
    ) -> Result<Outcome> {
        if challenge == ChallengeNameType::SoftwareTokenMfa {
            return self
                .software_token_challenge(pool, client, user, device_key, now)
                .await;
        }
        self.otp_challenge(pool, client, user, (challenge, device_key), now)
            .await
    }

    /// SELECT_MFA_TYPE: the session remembers which factors the user may choose from.
    async fn select_challenge(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        (choices, device_key): (Vec<&'static str>, Option<&str>),
        now: Timestamp,
    ) -> Result<Outcome> {
        let listed: Vec<Value> = choices.iter().map(|c| Value::from(*c)).collect();
        let data = serde_json::Map::from_iter([(CHOICES_KEY.to_string(), Value::from(listed))]);
        let data = session::with_device(data, device_key);
        let token = self
            .open_session(
                (pool, client, user),
                SELECT_CHALLENGE,
                data,
                now,
                super::incorrect_credentials,
            )
            .await?;
        let can_choose = serde_json::to_string(&choices).unwrap_or_default();
        Ok(Outcome::Challenge {
            name: ChallengeNameType::SelectMfaType,
            session: token,
            parameters: super::naming_user(&user.username, &[("MFAS_CAN_CHOOSE", can_choose)]),
        })
    }

    /// Answers SELECT_MFA_TYPE: `ANSWER` must be one of the factors offered; the session is used
    /// up and the chosen factor's challenge follows.
    pub(crate) async fn answer_select_mfa_type(
        &self,
        pool: &UserPool,
        client: &AppClient,
        session_token: Option<&str>,
        responses: &Params<'_>,
    ) -> Result<Outcome> {
        let username = responses.required("USERNAME")?;
        let answer = responses.required("ANSWER")?;
        self.check_secret_hash(client, username, responses.get("SECRET_HASH"))?;
        let token = session::required(session_token)?;
        let Some(user) = self.find_user(pool, username).await? else {
            return Err(session::invalid_session());
        };
        let now = self.clock.now();
        let state = UserState::of(&user);
        let pending = session::find(&state, token, client, SELECT_CHALLENGE, now)?;
        let device = answering_device(
            &user,
            responses.get("DEVICE_KEY"),
            session::carried_device(pending),
        );
        let offered = pending
            .data
            .get(CHOICES_KEY)
            .and_then(Value::as_array)
            .is_some_and(|choices| choices.iter().any(|c| c.as_str() == Some(answer)));
        let challenge = challenge_of(answer).filter(|_| offered).ok_or_else(|| {
            invalid_parameter(format!("Invalid ANSWER {answer} for SELECT_MFA_TYPE"))
        })?;
        if !user.enabled {
            return Err(user_disabled());
        }
        let sub = user.sub.clone();
        let (user, ()) = self
            .modify_user(pool, &user.username_key, |stored| {
                if stored.sub != sub {
                    return Err(session::invalid_session());
                }
                let mut state = UserState::of(stored);
                if lockout::is_locked(&state, now) {
                    return Err(attempts_exceeded());
                }
                // A code the chosen factor cannot deliver (its phone or email removed since)
                // fails before the session is used up, so another choice can still be made.
                let sends_code = challenge != ChallengeNameType::SoftwareTokenMfa;
                if sends_code && otp::destination(stored, &challenge).is_none() {
                    return Err(otp::no_destination(&challenge));
                }
                session::consume(&mut state, token, client, SELECT_CHALLENGE, now)?;
                state.prune(now);
                state.save_into(stored);
                Ok(())
            })
            .await?;
        let device_key = device.as_deref();
        self.mfa_challenge(pool, client, &user, (challenge, device_key), now)
            .await
    }

    async fn software_token_challenge(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        device_key: Option<&str>,
        now: Timestamp,
    ) -> Result<Outcome> {
        let token = self
            .open_session(
                (pool, client, user),
                SOFTWARE_TOKEN_CHALLENGE,
                session::with_device(Default::default(), device_key),
                now,
                super::incorrect_credentials,
            )
            .await?;
        // AWS names the token as registered (VerifySoftwareToken's FriendlyDeviceName), if it was.
        let device_name = UserMfa::of(&UserState::of(user)).totp_device_name;
        let own: Vec<(&str, String)> = device_name
            .map(|name| ("FRIENDLY_DEVICE_NAME", name))
            .into_iter()
            .collect();
        Ok(Outcome::Challenge {
            name: ChallengeNameType::SoftwareTokenMfa,
            session: token,
            parameters: super::naming_user(&user.username, &own),
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
        let token = session::required(session_token)?;
        let Some(user) = self.find_user(pool, username).await? else {
            return Err(session::invalid_session());
        };
        let now = self.clock.now();
        let state = UserState::of(&user);
        let pending = session::find(&state, token, client, SOFTWARE_TOKEN_CHALLENGE, now)?;
        let carried = session::carried_device(pending).map(str::to_string);
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
        let device = answering_device(&user, responses.get("DEVICE_KEY"), carried.as_deref());
        let sign_in = self.sign_in_from(&user, device.as_deref());
        Ok(Outcome::authenticated(user, sign_in))
    }
}
