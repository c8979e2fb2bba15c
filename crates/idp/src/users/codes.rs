//! One-time codes (sign-up confirmation, password reset, attribute verification): issued as
//! random digits, kept only as a hash in `UserState.codes` with an expiry, checked in constant
//! time, single use. A wrong code leaves the code alive, as AWS does: the per-user hourly limits
//! of the calls that send and check codes (`attempt_limits`) bound the guesses. Sign-in (MFA)
//! codes are the exception: they die after `MAX_WRONG_ATTEMPTS` wrong tries.
//!
//! Two ways to use them:
//! - inside your own `modify_user` closure: `codes::issue(&idp.seal, &mut state, user, purpose, now)` and,
//!   once the user is saved, `idp.deliver_code(...)`;
//! - on their own: `idp.send_code(...)` (issue, save, deliver) and `idp.redeem_code(...)`
//!   (check, count a wrong try, consume on a match and apply a change in the same save).

use cognate_awsjson::ApiError;
use cognate_crypto::seal::SealKey;
use cognate_crypto::secrets::{constant_time_eq, random_code};
use cognate_domain::Timestamp;
use cognate_domain::pool::UserPool;
use cognate_domain::user::User;
use cognate_model::idp::{CodeDeliveryDetailsType, ErrorCode};

use super::attempt_limits::{self, HourlyLimit};
use super::delivery::{Destination, Draft, Message, verification_draft};
use super::state::{CodePurpose, PendingCode, UserState};
use crate::Idp;
use crate::errors::Result;
use crate::triggers::MessageCause;

/// Digits in a code, as Cognito sends them.
pub const CODE_DIGITS: usize = 6;
/// Wrong tries a sign-in (MFA) code survives; the last one kills it.
pub const MAX_WRONG_ATTEMPTS: u32 = 5;

impl CodePurpose {
    /// How long a code stays valid: sign-up and attribute codes 24 h, reset codes 1 h.
    pub fn lifetime_secs(self) -> i64 {
        match self {
            Self::SignUp | Self::VerifyEmail | Self::VerifyPhone => 24 * 3600,
            Self::ForgotPassword => 3600,
            Self::Mfa => 180,
        }
    }

    /// Whether wrong tries kill the code: only sign-in codes, which a new sign-in replaces.
    fn dies_of_wrong_tries(self) -> bool {
        self == Self::Mfa
    }

    /// The outbox `kind` of the message carrying the code.
    pub fn outbox_kind(self) -> &'static str {
        match self {
            Self::SignUp => "SIGN_UP",
            Self::ForgotPassword => "FORGOT_PASSWORD",
            Self::VerifyEmail | Self::VerifyPhone => "VERIFY_ATTRIBUTE",
            Self::Mfa => "MFA",
        }
    }

    /// The purpose of a code verifying `attribute` (`email` or `phone_number`).
    pub fn verifying(attribute: &str) -> Option<Self> {
        match attribute {
            "email" => Some(Self::VerifyEmail),
            "phone_number" => Some(Self::VerifyPhone),
            _ => None,
        }
    }
}

/// What a given code is worth against the pending one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    Match,
    Mismatch,
    /// No live code for the purpose: never sent, expired, used, or killed by wrong tries.
    Missing,
}

/// The hash a code is kept under. Bound to the user and purpose, so a code cannot be replayed
/// across users or purposes even if two hashes leaked side by side.
/// Keyed with the server key, so that a copy of the database alone does not give the codes away
/// (six digits are a million guesses: an unkeyed hash would let a leaked reset code be found).
fn code_hash(seal: &SealKey, user: &User, purpose: CodePurpose, code: &str) -> String {
    let subject = format!("{}/{}/{purpose:?}/{code}", user.pool_id, user.sub);
    hex::encode(seal.keyed_hash("code", subject.as_bytes()))
}

/// Issues a fresh code for `purpose` into `state` (replacing an older one of that purpose) and
/// returns it in clear, to deliver once the user is saved.
pub fn issue(
    seal: &SealKey,
    state: &mut UserState,
    user: &User,
    purpose: CodePurpose,
    now: Timestamp,
) -> String {
    let code = random_code(CODE_DIGITS);
    state.codes.retain(|c| c.purpose != purpose);
    state.codes.push(PendingCode {
        purpose,
        code_hash: code_hash(seal, user, purpose, &code),
        expires_at: now.plus_secs(purpose.lifetime_secs()).millis(),
        failed_attempts: 0,
    });
    code
}

/// Checks `given` against the pending code for `purpose`, without changing anything.
pub fn check(
    seal: &SealKey,
    state: &UserState,
    user: &User,
    purpose: CodePurpose,
    given: &str,
    now: Timestamp,
) -> CodeCheck {
    let Some(pending) = state
        .codes
        .iter()
        .find(|c| c.purpose == purpose && c.expires_at > now.millis())
    else {
        return CodeCheck::Missing;
    };
    if purpose.dies_of_wrong_tries() && pending.failed_attempts >= MAX_WRONG_ATTEMPTS {
        return CodeCheck::Missing;
    }
    let candidate = code_hash(seal, user, purpose, given.trim());
    if constant_time_eq(candidate.as_bytes(), pending.code_hash.as_bytes()) {
        CodeCheck::Match
    } else {
        CodeCheck::Mismatch
    }
}

/// Applies a check to `state`: a match consumes the code, a mismatch counts a wrong try (and
/// kills a sign-in code at the limit).
pub fn record(state: &mut UserState, purpose: CodePurpose, outcome: CodeCheck) {
    match outcome {
        CodeCheck::Match => state.codes.retain(|c| c.purpose != purpose),
        CodeCheck::Mismatch => {
            for pending in state.codes.iter_mut().filter(|c| c.purpose == purpose) {
                pending.failed_attempts = pending.failed_attempts.saturating_add(1);
            }
            state.codes.retain(|c| {
                c.purpose != purpose
                    || !purpose.dies_of_wrong_tries()
                    || c.failed_attempts < MAX_WRONG_ATTEMPTS
            });
        }
        CodeCheck::Missing => {}
    }
}

pub fn code_mismatch() -> ApiError {
    ErrorCode::CodeMismatchException.msg("Invalid verification code provided, please try again.")
}

pub fn expired_code() -> ApiError {
    ErrorCode::ExpiredCodeException.msg("Invalid code provided, please request a code again.")
}

/// The error for a failed check (`None` for a match).
pub fn check_error(outcome: CodeCheck) -> Option<ApiError> {
    match outcome {
        CodeCheck::Match => None,
        CodeCheck::Mismatch => Some(code_mismatch()),
        CodeCheck::Missing => Some(expired_code()),
    }
}

impl Idp {
    /// Issues a code for `purpose`, saves its hash on the user and sends it to `destination`
    /// (the message composed first, custom message function included, so that a function
    /// failing leaves the user as it was), counting the call against `limit` in the same save
    /// (`LimitExceededException` past it, nothing saved or sent). Returns the (masked) delivery
    /// details.
    pub async fn send_code(
        &self,
        pool: &UserPool,
        user: &User,
        purpose: CodePurpose,
        destination: &Destination,
        cause: MessageCause<'_>,
        limit: HourlyLimit,
    ) -> Result<CodeDeliveryDetailsType> {
        let draft = self.code_draft(pool, user, destination, cause).await?;
        let now = self.clock.now();
        let (saved, code) = self
            .modify_user(pool, &user.username_key, |user| {
                let mut state = UserState::of(user);
                state.prune(now);
                attempt_limits::claim(&mut state, limit, now)?;
                let code = issue(&self.seal, &mut state, user, purpose, now);
                state.save_into(user);
                Ok(code)
            })
            .await?;
        self.deliver_code(pool, &saved, purpose, destination, &code, &draft)
            .await
    }

    /// The message a code for `destination` goes out in: the pool's verification message as
    /// the custom message function (if any) rewrites it for `cause`.
    pub async fn code_draft(
        &self,
        pool: &UserPool,
        user: &User,
        destination: &Destination,
        cause: MessageCause<'_>,
    ) -> Result<Draft> {
        let draft = verification_draft(pool, destination.medium);
        self.custom_message(pool, user, destination.medium, draft, cause)
            .await
    }

    /// Sends an already issued (and saved) code in `draft`.
    pub async fn deliver_code(
        &self,
        pool: &UserPool,
        user: &User,
        purpose: CodePurpose,
        destination: &Destination,
        code: &str,
        draft: &Draft,
    ) -> Result<CodeDeliveryDetailsType> {
        let (subject, body) = draft.fill(code, None);
        let message = Message {
            kind: purpose.outbox_kind(),
            subject,
            body,
            code: Some(code.to_string()),
        };
        self.send(pool, user, destination, message).await?;
        Ok(destination.details())
    }

    /// Redeems `given` for `purpose`. Every call counts against `limit` first: past it the answer
    /// is `LimitExceededException` and the code is not looked at. A wrong code answers
    /// `CodeMismatchException` (the code lives on); no live code `ExpiredCodeException`. On a
    /// match the code is consumed and `on_match` applied in the same save (if `on_match` fails,
    /// nothing is saved and the code stays). Returns the saved user.
    pub async fn redeem_code(
        &self,
        pool: &UserPool,
        user: &User,
        purpose: CodePurpose,
        given: &str,
        limit: HourlyLimit,
        mut on_match: impl FnMut(&mut User) -> Result<()>,
    ) -> Result<User> {
        let now = self.clock.now();
        let (saved, outcome) = self
            .modify_user(pool, &user.username_key, |user| {
                let mut state = UserState::of(user);
                state.prune(now);
                attempt_limits::claim(&mut state, limit, now)?;
                let outcome = check(&self.seal, &state, user, purpose, given, now);
                record(&mut state, purpose, outcome);
                state.save_into(user);
                if outcome == CodeCheck::Match {
                    on_match(user)?;
                }
                Ok(outcome)
            })
            .await?;
        match check_error(outcome) {
            None => Ok(saved),
            Some(error) => Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cognate_domain::ids::{Sub, UserPoolId};
    use cognate_domain::user::UserStatus;

    fn user(sub: &str) -> User {
        User {
            pool_id: UserPoolId::new("us-east-1_abcdefghi"),
            username: "u".into(),
            username_key: "u".into(),
            sub: Sub::new(sub),
            status: UserStatus::Unconfirmed,
            enabled: true,
            created_at: Timestamp(0),
            last_modified_at: Timestamp(0),
            attributes: Default::default(),
            aliases: Vec::new(),
            password: None,
            password_history: Vec::new(),
            extra: Default::default(),
            version: 0,
        }
    }

    fn seal() -> SealKey {
        SealKey::from_bytes([7; 32])
    }

    #[test]
    fn codes_are_single_use_expiring_and_attempt_limited() {
        let u = user("s1");
        let now = Timestamp::from_secs(1_000);
        let mut state = UserState::default();
        let code = issue(&seal(), &mut state, &u, CodePurpose::SignUp, now);
        assert_eq!(code.len(), CODE_DIGITS);
        assert!(!state.codes[0].code_hash.contains(&code));
        let wrong = if code == "000000" { "000001" } else { "000000" };
        assert_eq!(
            check(&seal(), &state, &u, CodePurpose::ForgotPassword, &code, now),
            CodeCheck::Missing
        );
        assert_eq!(
            check(
                &seal(),
                &state,
                &user("s2"),
                CodePurpose::SignUp,
                &code,
                now
            ),
            CodeCheck::Mismatch
        );
        let late = now.plus_secs(24 * 3600);
        assert_eq!(
            check(&seal(), &state, &u, CodePurpose::SignUp, &code, late),
            CodeCheck::Missing
        );
        for _ in 0..MAX_WRONG_ATTEMPTS - 1 {
            let outcome = check(&seal(), &state, &u, CodePurpose::SignUp, wrong, now);
            assert_eq!(outcome, CodeCheck::Mismatch);
            record(&mut state, CodePurpose::SignUp, outcome);
        }
        assert_eq!(
            check(&seal(), &state, &u, CodePurpose::SignUp, &code, now),
            CodeCheck::Match
        );
        // Wrong tries never kill a sign-up code (the hourly call limits bound them)…
        for _ in 0..3 * MAX_WRONG_ATTEMPTS {
            record(&mut state, CodePurpose::SignUp, CodeCheck::Mismatch);
        }
        assert_eq!(
            check(&seal(), &state, &u, CodePurpose::SignUp, &code, now),
            CodeCheck::Match
        );
        // …but they kill a sign-in code.
        let mfa = issue(&seal(), &mut state, &u, CodePurpose::Mfa, now);
        for _ in 0..MAX_WRONG_ATTEMPTS {
            record(&mut state, CodePurpose::Mfa, CodeCheck::Mismatch);
        }
        assert_eq!(
            check(&seal(), &state, &u, CodePurpose::Mfa, &mfa, now),
            CodeCheck::Missing
        );

        let code = issue(&seal(), &mut state, &u, CodePurpose::SignUp, now);
        record(&mut state, CodePurpose::SignUp, CodeCheck::Match);
        assert_eq!(
            check(&seal(), &state, &u, CodePurpose::SignUp, &code, now),
            CodeCheck::Missing
        );
    }

    #[test]
    fn a_new_code_replaces_the_old_one() {
        let u = user("s1");
        let now = Timestamp::from_secs(1_000);
        let mut state = UserState::default();
        let first = issue(&seal(), &mut state, &u, CodePurpose::ForgotPassword, now);
        let second = issue(&seal(), &mut state, &u, CodePurpose::ForgotPassword, now);
        assert_eq!(state.codes.len(), 1);
        if first != second {
            assert_eq!(
                check(
                    &seal(),
                    &state,
                    &u,
                    CodePurpose::ForgotPassword,
                    &first,
                    now
                ),
                CodeCheck::Mismatch
            );
        }
        assert_eq!(
            check(
                &seal(),
                &state,
                &u,
                CodePurpose::ForgotPassword,
                &second,
                now
            ),
            CodeCheck::Match
        );
        assert_eq!(
            state.codes[0].expires_at,
            now.plus_secs(3600).millis(),
            "reset codes live an hour"
        );
    }
}
