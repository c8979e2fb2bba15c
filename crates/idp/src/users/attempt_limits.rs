//! AWS's per-user hourly limits on the code operations and ChangePassword ("code security
//! resource quotas" in AWS's quotas page): past them a call is answered
//! `LimitExceededException` without being looked at, whatever the code or password.
//! A code is never killed by wrong guesses (AWS keeps answering `CodeMismatchException`); these
//! limits are what keeps a six-digit code out of reach: at 15 ConfirmSignUp calls an hour, a
//! sign-up code's 24 hours allow 360 of its 1,000,000 values, a reset code's hour 20.
//!
//! The counters live in the user's state, so every replica sees them, and are claimed in the
//! same optimistic (versioned) save as the rest of the call: parallel calls cannot overrun them.

use std::collections::BTreeMap;

use cognate_awsjson::ApiError;
use cognate_domain::Timestamp;
use cognate_model::idp::ErrorCode;
use serde::{Deserialize, Serialize};

use super::state::UserState;

const HOUR_MS: i64 = 3600 * 1000;

/// The operations AWS limits per user and hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HourlyLimit {
    ConfirmSignUp,
    ResendConfirmationCode,
    /// ForgotPassword and ConfirmForgotPassword share one quota.
    PasswordReset,
    GetUserAttributeVerificationCode,
    VerifyUserAttribute,
    /// Every call, right or wrong previous password: with the lockout, what keeps a stolen
    /// access token from guessing the password.
    ChangePassword,
}

impl HourlyLimit {
    /// AWS's quota. Password reset is 5–20 by AWS's risk score; without risk scoring every
    /// request is ordinary, so the ordinary (upper) bound.
    pub fn per_hour(self) -> u32 {
        match self {
            Self::ConfirmSignUp | Self::VerifyUserAttribute => 15,
            Self::PasswordReset => 20,
            Self::ResendConfirmationCode
            | Self::GetUserAttributeVerificationCode
            | Self::ChangePassword => 5,
        }
    }

    fn key(self) -> &'static str {
        match self {
            Self::ConfirmSignUp => "ConfirmSignUp",
            Self::ResendConfirmationCode => "ResendConfirmationCode",
            Self::PasswordReset => "PasswordReset",
            Self::GetUserAttributeVerificationCode => "GetUserAttributeVerificationCode",
            Self::VerifyUserAttribute => "VerifyUserAttribute",
            Self::ChangePassword => "ChangePassword",
        }
    }
}

/// Calls counted in the hour that began at `started_ms`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HourWindow {
    pub started_ms: i64,
    pub calls: u32,
}

/// The counters of one user, by operation.
pub type HourlyCounters = BTreeMap<String, HourWindow>;

pub fn limit_exceeded() -> ApiError {
    ErrorCode::LimitExceededException.msg("Attempt limit exceeded, please try after some time.")
}

/// Counts one call of `limit` in `state`, or refuses it (changing nothing) past the quota.
pub fn claim(state: &mut UserState, limit: HourlyLimit, now: Timestamp) -> Result<(), ApiError> {
    let now_ms = now.millis();
    let window = state.hourly.entry(limit.key().to_string()).or_default();
    if now_ms - window.started_ms >= HOUR_MS {
        *window = HourWindow {
            started_ms: now_ms,
            calls: 0,
        };
    }
    if window.calls >= limit.per_hour() {
        return Err(limit_exceeded());
    }
    window.calls += 1;
    Ok(())
}

/// Forgets the windows that have run out, so the state does not keep them forever.
pub fn prune(counters: &mut HourlyCounters, now: Timestamp) {
    counters.retain(|_, window| now.millis() - window.started_ms < HOUR_MS);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_past_the_hourly_quota_are_refused_until_the_hour_is_over() {
        let mut state = UserState::default();
        let start = Timestamp::from_secs(10_000);
        for _ in 0..15 {
            claim(&mut state, HourlyLimit::ConfirmSignUp, start).unwrap();
        }
        let refused = claim(&mut state, HourlyLimit::ConfirmSignUp, start.plus_secs(60));
        assert_eq!(refused.unwrap_err().code, "LimitExceededException");
        // Other operations have their own quota.
        claim(&mut state, HourlyLimit::ResendConfirmationCode, start).unwrap();
        claim(
            &mut state,
            HourlyLimit::ConfirmSignUp,
            start.plus_secs(3600),
        )
        .unwrap();
        prune(&mut state.hourly, start.plus_secs(3600 + 1));
        assert_eq!(state.hourly.len(), 1);
    }
}
