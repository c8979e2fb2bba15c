//! App clients of a user pool.

use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::ids::{ClientId, UserPoolId};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppClient {
    pub pool_id: UserPoolId,
    pub client_id: ClientId,
    pub name: String,
    pub created_at: Timestamp,
    pub last_modified_at: Timestamp,
    /// Up to two secrets (AWS allows a second one during rotation).
    pub secrets: Vec<ClientSecret>,
    /// `ALLOW_*` flow names as configured.
    pub explicit_auth_flows: Vec<String>,
    pub token_validity: TokenValidity,
    pub read_attributes: Vec<String>,
    pub write_attributes: Vec<String>,
    pub prevent_user_existence_errors: bool,
    pub enable_token_revocation: bool,
    /// Session (challenge) validity, minutes (3–15).
    pub auth_session_validity_minutes: u32,
    pub refresh_token_rotation: Option<RefreshTokenRotation>,
    /// Settings stored and echoed back but not acted on by the domain (OAuth settings...).
    pub settings: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientSecret {
    pub secret_id: String,
    /// The secret sealed with the server key: AWS returns it on DescribeUserPoolClient.
    #[serde(with = "crate::bytes::base64")]
    pub sealed: Vec<u8>,
    pub created_at: Timestamp,
}

/// Token lifetimes in seconds, plus the units the client asked for (echoed back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenValidity {
    pub access_token_secs: i64,
    pub id_token_secs: i64,
    pub refresh_token_secs: i64,
    pub access_token_value: i64,
    pub id_token_value: i64,
    pub refresh_token_value: i64,
    pub access_token_unit: String,
    pub id_token_unit: String,
    pub refresh_token_unit: String,
    /// Whether the client gave TokenValidityUnits (AWS echoes them only then).
    pub units_given: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshTokenRotation {
    pub enabled: bool,
    pub retry_grace_period_secs: u32,
}

impl AppClient {
    pub fn allows_flow(&self, flow: &str) -> bool {
        self.explicit_auth_flows.iter().any(|f| f == flow)
    }

    pub fn has_secret(&self) -> bool {
        !self.secrets.is_empty()
    }
}
