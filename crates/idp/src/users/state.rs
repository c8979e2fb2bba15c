//! What a user record carries besides profile and password: sign-in failures and lockout,
//! pending codes, challenge sessions, and revocation marks. Stored in `User.extra`.

use cognate_domain::Timestamp;
use cognate_domain::user::User;
use serde::{Deserialize, Serialize};

const STATE_KEY: &str = "state";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserState {
    /// Consecutive failed sign-ins since the last success.
    pub failed_attempts: u32,
    /// Epoch millis until which sign-in is refused without checking the password.
    pub locked_until: Option<i64>,
    pub codes: Vec<PendingCode>,
    pub sessions: Vec<PendingSession>,
    /// Epoch millis: tokens issued up to this instant are revoked (GlobalSignOut, disable,
    /// reset). Millis, not seconds, so a sign-in right after a sign-out keeps its tokens.
    pub tokens_valid_after_ms: Option<i64>,
    /// `origin_jti`s revoked by RevokeToken, with when they can be forgotten (epoch seconds).
    pub revoked_origins: Vec<(String, i64)>,
    /// AWS's per-user hourly limits on code operations (`attempt_limits`).
    pub hourly: super::attempt_limits::HourlyCounters,
    /// Everything later features keep per user (MFA settings, devices...), by feature name.
    pub features: serde_json::Map<String, serde_json::Value>,
    /// Password checks claimed and not yet settled (`lockout::claim`), each by the epoch millis
    /// at which it counts as a failure if its request never settles it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checks_in_flight: Vec<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodePurpose {
    SignUp,
    ForgotPassword,
    VerifyEmail,
    VerifyPhone,
    Mfa,
}

/// A code sent to the user, kept only as a hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCode {
    pub purpose: CodePurpose,
    pub code_hash: String,
    pub expires_at: i64,
    pub failed_attempts: u32,
}

/// A challenge session handed to a client, kept only as a hash: single use, bound to a client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSession {
    pub session_hash: String,
    pub client_id: String,
    pub challenge: String,
    pub expires_at: i64,
    /// Challenge-specific facts (e.g. the SRP secret block), as the flow needs.
    #[serde(default)]
    pub data: serde_json::Map<String, serde_json::Value>,
}

impl UserState {
    pub fn of(user: &User) -> Self {
        user.extra
            .get(STATE_KEY)
            // Deserialized from the borrowed value: no copy of the document per token check.
            .and_then(|value| Self::deserialize(value).ok())
            .unwrap_or_default()
    }

    pub fn save_into(&self, user: &mut User) {
        if let Ok(value) = serde_json::to_value(self) {
            user.extra.insert(STATE_KEY.into(), value);
        }
    }

    /// Drops expired codes, sessions and revocation marks.
    pub fn prune(&mut self, now: Timestamp) {
        let millis = now.millis();
        self.codes.retain(|c| c.expires_at > millis);
        self.sessions.retain(|s| s.expires_at > millis);
        let secs = now.secs();
        self.revoked_origins
            .retain(|(_, forget_at)| *forget_at > secs);
        super::attempt_limits::prune(&mut self.hourly, now);
    }

    /// Whether a token issued at `issued_ms` (epoch millis) was revoked by a global sign-out.
    pub fn is_revoked_at(&self, issued_ms: i64) -> bool {
        self.tokens_valid_after_ms
            .is_some_and(|after| issued_ms <= after)
    }

    pub fn is_origin_revoked(&self, origin_jti: &str) -> bool {
        self.revoked_origins
            .iter()
            .any(|(jti, _)| jti == origin_jti)
    }

    /// Revokes every token issued up to now.
    pub fn revoke_all_tokens(&mut self, now: Timestamp) {
        self.tokens_valid_after_ms = Some(now.millis());
        self.sessions.clear();
    }
}

/// Cognito's lockout: five free failures, then 2^(n-5) seconds doubling up to about 15 minutes.
pub mod lockout {
    use super::UserState;
    use cognate_domain::Timestamp;

    pub const FREE_FAILURES: u32 = 5;
    pub const MAX_LOCK_SECS: i64 = 900;

    pub fn is_locked(state: &UserState, now: Timestamp) -> bool {
        state.locked_until.is_some_and(|until| until > now.millis())
    }

    pub fn record_failure(state: &mut UserState, now: Timestamp) {
        state.failed_attempts = state.failed_attempts.saturating_add(1);
        if state.failed_attempts >= FREE_FAILURES {
            let exponent = (state.failed_attempts - FREE_FAILURES).min(20);
            let secs = (1_i64 << exponent).min(MAX_LOCK_SECS);
            state.locked_until = Some(now.plus_secs(secs).millis());
        }
    }

    /// How long a claimed check may stay unsettled: far longer than any hash or proof takes, so
    /// only a request that died mid-check reaches it, and its check then counts as a failure.
    pub const CHECK_TTL_MS: i64 = 30_000;

    /// The answer to a claim of one password check.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Claim {
        /// Check the password, then settle the claim (`settle_success` / `settle_failure`).
        Granted,
        /// Refuse without a check: the user is locked.
        Locked,
        /// As many checks are running as the schedule allows to fail at once: wait for one to
        /// settle and claim again.
        Busy,
    }

    /// Claims one password check before it is made. Claimed in the user's versioned save, so
    /// parallel guesses queue behind the schedule: no more checks run at once than could all
    /// fail within it (the free failures left, or one once they are spent), while parallel
    /// sign-ins with the right password all go through, a few at a time.
    pub fn claim(state: &mut UserState, now: Timestamp) -> Claim {
        expire_unsettled(state, now);
        if is_locked(state, now) {
            return Claim::Locked;
        }
        let room = FREE_FAILURES.saturating_sub(state.failed_attempts).max(1) as usize;
        if state.checks_in_flight.len() >= room {
            return Claim::Busy;
        }
        state.checks_in_flight.push(now.millis() + CHECK_TTL_MS);
        Claim::Granted
    }

    /// A claimed check found the password wrong.
    pub fn settle_failure(state: &mut UserState, now: Timestamp) {
        release_one(state);
        record_failure(state, now);
    }

    /// A claimed check found the password right.
    pub fn settle_success(state: &mut UserState) {
        release_one(state);
        record_success(state);
    }

    fn release_one(state: &mut UserState) {
        let oldest = (0..state.checks_in_flight.len()).min_by_key(|&i| state.checks_in_flight[i]);
        if let Some(index) = oldest {
            state.checks_in_flight.remove(index);
        }
    }

    /// Claims whose request never settled them count as failures, as an abandoned guess must.
    fn expire_unsettled(state: &mut UserState, now: Timestamp) {
        let before = state.checks_in_flight.len();
        state.checks_in_flight.retain(|&until| until > now.millis());
        for _ in state.checks_in_flight.len()..before {
            record_failure(state, now);
        }
    }

    pub fn record_success(state: &mut UserState) {
        state.failed_attempts = 0;
        state.locked_until = None;
    }
}

#[cfg(test)]
mod tests {
    use super::UserState;
    use super::lockout::{self, CHECK_TTL_MS, Claim, FREE_FAILURES};
    use cognate_domain::Timestamp;

    fn at(millis: i64) -> Timestamp {
        Timestamp(millis)
    }

    #[test]
    fn no_more_checks_run_at_once_than_may_fail_freely() {
        let mut state = UserState::default();
        let now = at(1_000_000);
        for _ in 0..FREE_FAILURES {
            assert_eq!(lockout::claim(&mut state, now), Claim::Granted);
        }
        assert_eq!(lockout::claim(&mut state, now), Claim::Busy);
        lockout::settle_success(&mut state);
        assert_eq!(lockout::claim(&mut state, now), Claim::Granted);
    }

    #[test]
    fn failed_checks_lock_and_then_admit_one_at_a_time() {
        let mut state = UserState::default();
        let now = at(1_000_000);
        for _ in 0..FREE_FAILURES {
            assert_eq!(lockout::claim(&mut state, now), Claim::Granted);
        }
        for _ in 0..FREE_FAILURES {
            lockout::settle_failure(&mut state, now);
        }
        assert_eq!(lockout::claim(&mut state, now), Claim::Locked);
        let unlocked = at(1_000_000 + 1_001);
        assert_eq!(lockout::claim(&mut state, unlocked), Claim::Granted);
        assert_eq!(lockout::claim(&mut state, unlocked), Claim::Busy);
    }

    #[test]
    fn a_claim_never_settled_counts_as_a_failure() {
        let mut state = UserState::default();
        let now = at(1_000_000);
        assert_eq!(lockout::claim(&mut state, now), Claim::Granted);
        let later = at(1_000_000 + CHECK_TTL_MS + 1);
        assert_eq!(lockout::claim(&mut state, later), Claim::Granted);
        assert_eq!(state.failed_attempts, 1);
        assert_eq!(state.checks_in_flight.len(), 1);
    }
}
