//! Users of a pool.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::ids::{Sub, UserPoolId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UserStatus {
    Unconfirmed,
    Confirmed,
    Archived,
    Compromised,
    Unknown,
    ResetRequired,
    ForceChangePassword,
    ExternalProvider,
}

impl UserStatus {
    /// The wire name (`UserStatusType`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unconfirmed => "UNCONFIRMED",
            Self::Confirmed => "CONFIRMED",
            Self::Archived => "ARCHIVED",
            Self::Compromised => "COMPROMISED",
            Self::Unknown => "UNKNOWN",
            Self::ResetRequired => "RESET_REQUIRED",
            Self::ForceChangePassword => "FORCE_CHANGE_PASSWORD",
            Self::ExternalProvider => "EXTERNAL_PROVIDER",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Unconfirmed,
            Self::Confirmed,
            Self::Archived,
            Self::Compromised,
            Self::Unknown,
            Self::ResetRequired,
            Self::ForceChangePassword,
            Self::ExternalProvider,
        ]
        .into_iter()
        .find(|status| status.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub pool_id: UserPoolId,
    /// The username as created (case preserved).
    pub username: String,
    /// The key the username is unique under: lowercased when the pool is case-insensitive.
    pub username_key: String,
    pub sub: Sub,
    pub status: UserStatus,
    pub enabled: bool,
    pub created_at: Timestamp,
    pub last_modified_at: Timestamp,
    /// Every attribute, `sub` included, by full name (`email`, `custom:tenant`).
    pub attributes: BTreeMap<String, String>,
    /// Alias values this user holds, unique per pool: (`email`, normalised value).
    pub aliases: Vec<Alias>,
    /// Password material: sealed (AES-GCM) argon2 hash and SRP verifier. None for users without one.
    pub password: Option<PasswordRecord>,
    /// Sealed hashes of previous passwords, newest first, for the pool's history rule.
    #[serde(with = "crate::bytes::base64_list")]
    pub password_history: Vec<Vec<u8>>,
    /// MFA and everything else the user record carries, as a document owned by the idp layer.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Optimistic-concurrency version: `update_user` succeeds only if the stored version still
    /// equals this one, so concurrent read-modify-write cycles (lockout counters, single-use
    /// codes and sessions) cannot both win.
    #[serde(default)]
    pub version: i64,
}

impl User {
    /// Whether the boolean attribute `name` (`email_verified`, `phone_number_verified`) is true.
    /// Boolean values are stored normalised (`true`/`false`) whatever case they were given in,
    /// so this is the one comparison every "is verified" check makes.
    pub fn is_true(&self, name: &str) -> bool {
        self.attributes.get(name).is_some_and(|v| v == "true")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Alias {
    pub name: String,
    pub value_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordRecord {
    /// Sealed bytes; only the crypto layer can open them.
    #[serde(with = "crate::bytes::base64")]
    pub sealed: Vec<u8>,
    pub set_at: Timestamp,
    /// Temporary passwords (AdminCreateUser) expire after the pool's validity days.
    pub temporary: bool,
}

/// A ListUsers filter: `name = "value"` or `name ^= "value"` over one indexed attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserFilter {
    /// `username`, `status` (enabled), `cognito:user_status`, or an attribute name.
    pub field: FilterField,
    pub prefix: bool,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterField {
    Username,
    /// `status`: "Enabled" / "Disabled".
    Enabled,
    /// `cognito:user_status`
    UserStatus,
    Attribute(String),
}
