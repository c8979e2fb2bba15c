//! Refresh tokens as stored: only a hash of the token, never the token.

use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::ids::{ClientId, Sub, UserPoolId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshTokenRecord {
    /// SHA-256 (hex) of the opaque token.
    pub token_hash: String,
    pub pool_id: UserPoolId,
    pub client_id: ClientId,
    pub username_key: String,
    pub sub: Sub,
    /// The `origin_jti` of every token issued from this sign-in; revoking the refresh token
    /// revokes the access tokens that carry it.
    pub origin_jti: String,
    /// Epoch seconds of the original authentication (kept across refreshes).
    pub auth_time: i64,
    pub issued_at: Timestamp,
    pub expires_at: Timestamp,
    pub revoked: bool,
    /// Set when rotation replaced this token; it stays usable until the grace period ends.
    pub rotated_at: Option<Timestamp>,
    /// The OAuth scopes granted by a hosted (OAuth) sign-in, kept by the tokens it refreshes;
    /// `None` for the user-pool API's sign-ins.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
}

/// A message Cognate "sent" (codes, temporary passwords): kept in the outbox so tests and
/// developers can read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    /// Assigned by the store; increasing.
    pub id: i64,
    pub pool_id: UserPoolId,
    pub username: String,
    /// `SIGN_UP`, `FORGOT_PASSWORD`, `TEMPORARY_PASSWORD`, `VERIFY_ATTRIBUTE`, `MFA`...
    pub kind: String,
    /// `EMAIL` or `SMS`.
    pub medium: String,
    pub destination: String,
    pub subject: Option<String>,
    pub body: String,
    /// The code or temporary password the message carries, for tests to read.
    pub code: Option<String>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxFilter {
    pub pool_id: Option<UserPoolId>,
    pub username: Option<String>,
    pub kind: Option<String>,
}
