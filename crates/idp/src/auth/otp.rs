//! One-time codes sent by SMS or email inside a sign-in: SMS_MFA and EMAIL_OTP as a second
//! factor, EMAIL_OTP and SMS_OTP as the passwordless first factor of choice-based sign-in.
//!
//! The challenge issues a `CodePurpose::Mfa` code (kept as a keyed hash, three minutes), sends
//! it through the outbox and opens a session labelled with the challenge's name, so a session
//! of one challenge cannot answer another. The session records which code it sent (its keyed
//! hash), so a code sent for another challenge (an SMS_OTP code for an EMAIL_OTP session) or a
//! newer one does not answer it. The answer checks session and code and uses both up in one
//! write; a wrong code counts toward the user's lockout and the code's own attempt limit, and
//! leaves the session for another try until it expires.
//!
//! With PreventUserExistenceErrors, a name that is no user holds a MAC'd session from
//! `user_auth.rs` and gets a wrong code's answer for any code.

use cognate_awsjson::ApiError;
use cognate_crypto::secrets::constant_time_eq;
use cognate_domain::Timestamp;
use cognate_domain::client::AppClient;
use cognate_domain::pool::UserPool;
use cognate_domain::user::User;
use cognate_model::idp::{ChallengeNameType, DeliveryMediumType, ErrorCode};

use super::{Outcome, Params, attempts_exceeded, session, user_disabled};
use crate::Idp;
use crate::devices::answering_device;
use crate::errors::{Result, invalid_parameter};
use crate::mfa::PoolFactors;
use crate::triggers::{MessageCause, MessageSource};
use crate::users::codes::{self, CodeCheck};
use crate::users::delivery::{Destination, Draft, Message, mask};
use crate::users::state::{CodePurpose, UserState, lockout};

/// AWS's default texts when the pool sets none.
const DEFAULT_SMS_MESSAGE: &str = "Your authentication code is {####}. ";
const DEFAULT_EMAIL_MESSAGE: &str = "Your authentication code is {####}. ";
const DEFAULT_EMAIL_SUBJECT: &str = "Your authentication code";
/// Where a code challenge's session keeps the keyed hash of the code it sent.
const SENT_CODE: &str = "code";

/// The challenges this module serves, with the response member that carries the code.
fn code_member(challenge: &ChallengeNameType) -> Option<&'static str> {
    match challenge {
        ChallengeNameType::SmsMfa => Some("SMS_MFA_CODE"),
        ChallengeNameType::EmailOtp => Some("EMAIL_OTP_CODE"),
        ChallengeNameType::SmsOtp => Some("SMS_OTP_CODE"),
        _ => None,
    }
}

/// Where the code of `challenge` goes for `user`: the phone for SMS, the email for EMAIL_OTP.
pub fn destination(user: &User, challenge: &ChallengeNameType) -> Option<Destination> {
    match challenge {
        ChallengeNameType::EmailOtp => Destination::email(user),
        _ => Destination::sms(user),
    }
}

/// A caller bug (only the three challenges above come here): logged, answered as internal.
fn not_otp(challenge: &ChallengeNameType) -> ApiError {
    tracing::error!(%challenge, "not a one-time-code challenge");
    ApiError::internal()
}

pub fn no_destination(challenge: &ChallengeNameType) -> ApiError {
    invalid_parameter(format!(
        "User does not have delivery config set to turn on {challenge}"
    ))
}

/// AWS's answer to a wrong SMS or email code.
fn wrong_code() -> ApiError {
    ErrorCode::CodeMismatchException.msg("Invalid code or auth state for the user.")
}

impl Idp {
    /// Sends a one-time code for `challenge` (SMS_MFA, EMAIL_OTP or SMS_OTP) to the user's phone
    /// or email through the outbox, and opens a session for it (carrying the sign-in's confirmed
    /// device key, if any): the challenge to send back.
    pub(crate) async fn otp_challenge(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        (challenge, device_key): (ChallengeNameType, Option<&str>),
        now: Timestamp,
    ) -> Result<Outcome> {
        code_member(&challenge).ok_or_else(|| not_otp(&challenge))?;
        let to = destination(user, &challenge).ok_or_else(|| no_destination(&challenge))?;
        let cause = MessageCause::new(
            MessageSource::Authentication,
            Some(client.client_id.as_str()),
            None,
        );
        let draft = self
            .custom_message(pool, user, to.medium, message_draft(pool, to.medium), cause)
            .await?;
        let sub = user.sub.clone();
        let label = challenge.as_str();
        let (saved, (code, token)) = self
            .modify_user(pool, &user.username_key, |stored| {
                if stored.sub != sub {
                    return Err(super::incorrect_credentials());
                }
                let mut state = UserState::of(stored);
                state.prune(now);
                let code = codes::issue(&self.seal, &mut state, stored, CodePurpose::Mfa, now);
                let data = serde_json::Map::from_iter([(
                    SENT_CODE.to_string(),
                    serde_json::Value::from(live_code_hash(&state).unwrap_or_default()),
                )]);
                let data = session::with_device(data, device_key);
                let token = session::open(&mut state, client, label, data, now);
                state.save_into(stored);
                Ok((code, token))
            })
            .await?;
        let (subject, body) = draft.fill(&code, None);
        let message = Message {
            kind: CodePurpose::Mfa.outbox_kind(),
            subject,
            body,
            code: Some(code),
        };
        self.send(pool, &saved, &to, message).await?;
        Ok(Outcome::Challenge {
            name: challenge,
            session: token,
            parameters: super::naming_user(
                &saved.username,
                &[
                    (
                        "CODE_DELIVERY_DELIVERY_MEDIUM",
                        to.medium.as_str().to_string(),
                    ),
                    ("CODE_DELIVERY_DESTINATION", mask(&to.address, to.medium)),
                ],
            ),
        })
    }

    /// Answers SMS_MFA (`SMS_MFA_CODE`), EMAIL_OTP (`EMAIL_OTP_CODE`) or SMS_OTP (`SMS_OTP_CODE`):
    /// session + code checked and used up in one write, a wrong code counts toward lockout, then tokens.
    pub(crate) async fn answer_otp(
        &self,
        pool: &UserPool,
        client: &AppClient,
        challenge: &ChallengeNameType,
        session_token: Option<&str>,
        responses: &Params<'_>,
    ) -> Result<Outcome> {
        let member = code_member(challenge).ok_or_else(|| not_otp(challenge))?;
        let label = challenge.as_str();
        let username = responses.required("USERNAME")?;
        let code = responses.required(member)?;
        self.check_secret_hash(client, username, responses.get("SECRET_HASH"))?;
        let token = session::required(session_token)?;
        let now = self.clock.now();
        let Some(user) = self.find_user(pool, username).await? else {
            return self.unknown_user_code(pool, client, username, *challenge, token, now);
        };
        let state = UserState::of(&user);
        let pending = session::find(&state, token, client, label, now)?;
        let carried = session::carried_device(pending).map(str::to_string);
        if !user.enabled {
            return Err(user_disabled());
        }
        let sub = user.sub.clone();
        let (user, outcome) = self
            .modify_user(pool, &user.username_key, |stored| {
                if stored.sub != sub {
                    return Err(session::invalid_session());
                }
                if !stored.enabled {
                    return Err(user_disabled());
                }
                let mut state = UserState::of(stored);
                if lockout::is_locked(&state, now) {
                    return Err(attempts_exceeded());
                }
                let sent = session::find(&state, token, client, label, now)?
                    .data
                    .get(SENT_CODE)
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let outcome = if is_live_code(&state, &sent) {
                    codes::check(&self.seal, &state, stored, CodePurpose::Mfa, code, now)
                } else {
                    // Replaced by the code of a later challenge: this session's code is gone.
                    CodeCheck::Missing
                };
                match outcome {
                    // No live code (expired, or killed by wrong tries): nothing to count.
                    CodeCheck::Missing => return Err(codes::expired_code()),
                    CodeCheck::Match => {
                        session::consume(&mut state, token, client, label, now)?;
                        lockout::record_success(&mut state);
                    }
                    CodeCheck::Mismatch => lockout::record_failure(&mut state, now),
                }
                codes::record(&mut state, CodePurpose::Mfa, outcome);
                state.prune(now);
                state.save_into(stored);
                Ok(outcome)
            })
            .await?;
        if outcome != CodeCheck::Match {
            return Err(wrong_code());
        }
        let device = answering_device(&user, responses.get("DEVICE_KEY"), carried.as_deref());
        let sign_in = self.sign_in_from(&user, device.as_deref());
        Ok(Outcome::authenticated(user, sign_in))
    }

    /// A code answered for a name that is no user: with PreventUserExistenceErrors its session
    /// (a MAC from `user_auth.rs`) is checked like a real one and any code is a wrong code.
    fn unknown_user_code(
        &self,
        pool: &UserPool,
        client: &AppClient,
        username: &str,
        challenge: ChallengeNameType,
        token: &str,
        now: Timestamp,
    ) -> Result<Outcome> {
        if !client.prevent_user_existence_errors {
            return Err(session::invalid_session());
        }
        self.check_unknown_session(pool, client, username, challenge, token, now)?;
        Err(wrong_code())
    }
}

/// The keyed hash of the user's live one-time sign-in code.
fn live_code_hash(state: &UserState) -> Option<String> {
    state
        .codes
        .iter()
        .find(|c| c.purpose == CodePurpose::Mfa)
        .map(|c| c.code_hash.clone())
}

/// Whether the code a session sent (`sent`, its keyed hash) is still the live one.
fn is_live_code(state: &UserState, sent: &str) -> bool {
    !sent.is_empty()
        && live_code_hash(state)
            .is_some_and(|live| constant_time_eq(live.as_bytes(), sent.as_bytes()))
}

/// The pool's authentication message, `{####}` unfilled: the SMS MFA configuration's
/// SmsAuthenticationMessage, the email MFA configuration's Message and Subject.
fn message_draft(pool: &UserPool, medium: DeliveryMediumType) -> Draft {
    let factors = PoolFactors::of(pool);
    let (subject, body) = match medium {
        DeliveryMediumType::Email => {
            let email = factors.email.unwrap_or_default();
            (
                Some(
                    email
                        .subject
                        .unwrap_or_else(|| DEFAULT_EMAIL_SUBJECT.to_string()),
                ),
                email
                    .message
                    .unwrap_or_else(|| DEFAULT_EMAIL_MESSAGE.to_string()),
            )
        }
        _ => {
            let sms_message = factors
                .sms
                .and_then(|sms| sms.sms_authentication_message)
                .or_else(|| {
                    pool.settings
                        .get("SmsAuthenticationMessage")
                        .and_then(|v| v.as_str())
                        .map(str::to_string)
                });
            (
                None,
                sms_message.unwrap_or_else(|| DEFAULT_SMS_MESSAGE.to_string()),
            )
        }
    };
    Draft { subject, body }
}
