use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::ids::UserPoolId;

/// Which tokens a key signs: AWS signs ID and access tokens with different keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyPurpose {
    IdToken,
    AccessToken,
}

impl KeyPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::IdToken => "id_token",
            Self::AccessToken => "access_token",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "id_token" => Some(Self::IdToken),
            "access_token" => Some(Self::AccessToken),
            _ => None,
        }
    }
}

/// A pool's signing key as stored: the private key sealed with the server key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKeyRecord {
    pub pool_id: UserPoolId,
    pub kid: String,
    pub purpose: KeyPurpose,
    /// PKCS#8 DER sealed with the server key (AES-256-GCM).
    pub sealed_private_key: Vec<u8>,
    /// The public JWK as JSON text, served as is from the JWKS endpoint.
    pub public_jwk: String,
    pub created_at: Timestamp,
}
