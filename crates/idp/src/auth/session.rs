//! Challenge sessions: the opaque `Session` a challenge hands out and its answer returns.
//!
//! A session is random, stored only as its SHA-256 in the user's state (so it is bound to that
//! user), records the client and the challenge it was issued for, is consumed by the answer
//! that uses it (single use) and expires after the client's AuthSessionValidity (3 minutes by
//! default). The token carries its own expiry in clear so that an expired session can be told
//! from a forged one even after the stored entry was pruned.

use cognate_awsjson::ApiError;
use cognate_crypto::secrets::{constant_time_eq, random_token, sha256_hex};
use cognate_domain::Timestamp;
use cognate_domain::client::AppClient;

use cognate_domain::pool::UserPool;
use cognate_domain::user::User;

use crate::Idp;
use crate::errors::{Result, invalid_parameter};
use crate::tokens::not_authorized;
use crate::users::state::{PendingSession, UserState};

/// Sessions kept per user: older pending challenges are dropped first.
const MAX_SESSIONS: usize = 5;
const MIN_VALIDITY_MINUTES: u32 = 3;

/// Where a challenge session keeps the confirmed device its sign-in named, so that the answer
/// of a client that sends `DEVICE_KEY` only in InitiateAuth still signs in that device.
const DEVICE_KEY: &str = "device_key";

/// `data` holding `device_key` (when there is one) for the next step of the sign-in.
pub fn with_device(
    mut data: serde_json::Map<String, serde_json::Value>,
    device_key: Option<&str>,
) -> serde_json::Map<String, serde_json::Value> {
    if let Some(key) = device_key {
        data.insert(DEVICE_KEY.to_string(), serde_json::Value::from(key));
    }
    data
}

/// The device key a session carries from the earlier steps of its sign-in.
pub fn carried_device(session: &PendingSession) -> Option<&str> {
    session
        .data
        .get(DEVICE_KEY)
        .and_then(serde_json::Value::as_str)
}

/// The `Session` an answer must carry: present and not empty.
pub fn required(session_token: Option<&str>) -> Result<&str> {
    session_token
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid_parameter("Missing required parameter Session"))
}

pub fn invalid_session() -> ApiError {
    not_authorized("Invalid session for the user.")
}

pub fn expired_session() -> ApiError {
    not_authorized("Invalid session for the user, session is expired.")
}

/// Starts a session for `challenge` in `state`; returns the token to hand to the client.
pub fn open(
    state: &mut UserState,
    client: &AppClient,
    challenge: &str,
    data: serde_json::Map<String, serde_json::Value>,
    now: Timestamp,
) -> String {
    let minutes = client
        .auth_session_validity_minutes
        .max(MIN_VALIDITY_MINUTES);
    let expires_at = now.plus_secs(i64::from(minutes) * 60).millis();
    let token = format!("{}.{expires_at}", random_token(64));
    state.prune(now);
    state.sessions.push(PendingSession {
        session_hash: sha256_hex(token.as_bytes()),
        client_id: client.client_id.as_str().to_string(),
        challenge: challenge.to_string(),
        expires_at,
        data,
    });
    let excess = state.sessions.len().saturating_sub(MAX_SESSIONS);
    state.sessions.drain(..excess);
    token
}

impl Idp {
    /// Opens a session for `challenge` on `user` in one write and returns its token. `user` is
    /// the record the sign-in checked: if the stored user is another one by now (deleted and
    /// re-created under the same name), nothing is written and `replaced` answers.
    pub(crate) async fn open_session(
        &self,
        (pool, client, user): (&UserPool, &AppClient, &User),
        challenge: &str,
        data: serde_json::Map<String, serde_json::Value>,
        now: Timestamp,
        replaced: fn() -> ApiError,
    ) -> Result<String> {
        let sub = user.sub.clone();
        // Starts from the user the sign-in holds (the save checks its version).
        let read = Some(user.clone());
        let (_, token) = self
            .modify_user_state_from(pool, &user.username_key, read, |stored, state| {
                if stored.sub != sub {
                    return Err(replaced());
                }
                Ok(open(state, client, challenge, data.clone(), now))
            })
            .await?;
        Ok(token)
    }
}

/// The session `token` names for `client` and `challenge`, if still valid; not consumed.
pub fn find<'s>(
    state: &'s UserState,
    token: &str,
    client: &AppClient,
    challenge: &str,
    now: Timestamp,
) -> Result<&'s PendingSession> {
    let index = position(state, token, now)?;
    let session = &state.sessions[index];
    if session.expires_at <= now.millis() {
        return Err(expired_session());
    }
    if session.client_id != client.client_id.as_str() || session.challenge != challenge {
        return Err(invalid_session());
    }
    Ok(session)
}

/// Like `find`, and removes the session: an answer uses it up.
pub fn consume(
    state: &mut UserState,
    token: &str,
    client: &AppClient,
    challenge: &str,
    now: Timestamp,
) -> Result<PendingSession> {
    find(state, token, client, challenge, now)?;
    let index = position(state, token, now)?;
    Ok(state.sessions.remove(index))
}

/// Where the session with `token`'s hash is, comparing every entry in constant time.
fn position(state: &UserState, token: &str, now: Timestamp) -> Result<usize> {
    let hash = sha256_hex(token.as_bytes());
    let mut found = None;
    for (index, session) in state.sessions.iter().enumerate() {
        if constant_time_eq(session.session_hash.as_bytes(), hash.as_bytes()) {
            found = Some(index);
        }
    }
    found.ok_or_else(|| unknown(token, now))
}

/// A session we do not hold: expired if its own stamp says so (it was pruned), else invalid.
fn unknown(token: &str, now: Timestamp) -> ApiError {
    let stamp = token
        .rsplit_once('.')
        .and_then(|(_, stamp)| stamp.parse::<i64>().ok());
    match stamp {
        Some(expires_at) if expires_at <= now.millis() => expired_session(),
        _ => invalid_session(),
    }
}
