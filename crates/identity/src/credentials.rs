//! Temporary credentials: minted for an identity and a role, and verified later (STS
//! GetCallerIdentity checks SigV4 signatures made with them).
//!
//! Nothing is stored when credentials are minted: the session token *is* the credentials'
//! record (identity, role, session, expiry and the secret key), sealed with the server's seal
//! key and bound by AAD to the access key id. Every replica sharing the seal key can open it,
//! and a token that was altered, or presented with another access key id, does not open.
//! Verification still reads the identity, so deleting an identity (or its pool) revokes the
//! credentials minted for it, as deleting their stored rows used to.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cognate_crypto::secrets::random_chars;
use cognate_domain::identity::Identity as IdentityRecord;
use cognate_domain::{StoreError, Timestamp};
use cognate_model::identity::Credentials;
use serde::{Deserialize, Serialize};

use crate::Identity;
use crate::errors::{Result, internal};

/// AWS's lifetime of identity-pool credentials.
pub const CREDENTIALS_SECS: i64 = 3600;
const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const SECRET_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Binds a session token to its access key (and keeps it apart from other sealed values).
fn token_aad(access_key_id: &str) -> Vec<u8> {
    format!("sts-session-token/{access_key_id}").into_bytes()
}

/// The session name AWS gives identity-pool credentials (seen in the assumed-role ARN).
pub const IDENTITY_POOL_SESSION: &str = "CognitoIdentityCredentials";

/// A role session: its name and lifetime.
#[derive(Debug, Clone, Copy)]
pub struct Session<'a> {
    pub name: &'a str,
    pub secs: i64,
}

/// What a session token carries, sealed. Short field names keep the token short.
#[derive(Serialize, Deserialize)]
pub struct SessionClaims {
    /// The identity the credentials were minted for.
    #[serde(rename = "i")]
    pub identity_id: String,
    #[serde(rename = "p")]
    pub pool_id: String,
    #[serde(rename = "r")]
    pub role_arn: String,
    /// The session of the assumed-role ARN (`CognitoIdentityCredentials` for identity pools).
    #[serde(rename = "n")]
    pub session_name: String,
    /// The secret access key, which SigV4 verification needs.
    #[serde(rename = "s")]
    pub secret: String,
    /// Session tags (principal tags mapped from the login's claims), carried as AWS's
    /// session tokens carry theirs.
    #[serde(rename = "t", default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    #[serde(rename = "x")]
    pub expires_at: Timestamp,
}

/// Never shows the secret.
impl std::fmt::Debug for SessionClaims {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionClaims")
            .field("identity_id", &self.identity_id)
            .field("pool_id", &self.pool_id)
            .field("role_arn", &self.role_arn)
            .field("session_name", &self.session_name)
            .field("secret", &"<redacted>")
            .field("tags", &self.tags)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl Identity {
    /// Mints credentials for `identity` in `role_arn`, as identity pools do.
    pub fn mint_credentials(
        &self,
        identity: &IdentityRecord,
        role_arn: &str,
        tags: BTreeMap<String, String>,
    ) -> Result<Credentials> {
        let session = Session {
            name: IDENTITY_POOL_SESSION,
            secs: CREDENTIALS_SECS,
        };
        self.mint(identity, role_arn, tags, session)
    }

    /// Mints credentials for a role session of `identity`: a fresh key pair, and the session
    /// token that carries them sealed.
    pub fn mint(
        &self,
        identity: &IdentityRecord,
        role_arn: &str,
        tags: BTreeMap<String, String>,
        session: Session<'_>,
    ) -> Result<Credentials> {
        let access_key_id = format!("ASIA{}", random_chars(UPPER_ALNUM, 16));
        let claims = SessionClaims {
            identity_id: identity.id.clone(),
            pool_id: identity.pool_id.clone(),
            role_arn: role_arn.to_string(),
            session_name: session.name.to_string(),
            secret: random_chars(SECRET_CHARS, 40),
            tags,
            expires_at: self.clock.now().plus_secs(session.secs),
        };
        let plaintext = serde_json::to_vec(&claims).map_err(|error| {
            tracing::error!(%error, "session claims could not be encoded");
            cognate_awsjson::ApiError::internal()
        })?;
        let sealed = self.seal.seal(&plaintext, &token_aad(&access_key_id));
        Ok(Credentials {
            access_key_id: Some(access_key_id),
            secret_key: Some(claims.secret.into()),
            session_token: Some(STANDARD.encode(sealed)),
            expiration: Some(claims.expires_at.epoch_seconds()),
        })
    }

    /// The claims of `session_token` if it was minted with `access_key_id`, has not expired
    /// and its identity still exists; None otherwise (unknown key, wrong or altered token,
    /// expired, identity deleted).
    pub async fn live_credentials(
        &self,
        access_key_id: &str,
        session_token: &str,
    ) -> Result<Option<SessionClaims>> {
        let Some(claims) = self.open_token(access_key_id, session_token) else {
            return Ok(None);
        };
        if claims.expires_at <= self.clock.now() {
            return Ok(None);
        }
        match self.store.get_identity(&claims.identity_id).await {
            Ok(record) if record.pool_id == claims.pool_id => Ok(Some(claims)),
            Ok(_) | Err(StoreError::NotFound) => Ok(None),
            Err(other) => Err(internal(other)),
        }
    }

    /// Opens a session token: None unless this server's seal key sealed it for this access
    /// key (the AEAD tag is checked in constant time).
    fn open_token(&self, access_key_id: &str, session_token: &str) -> Option<SessionClaims> {
        let sealed = STANDARD.decode(session_token).ok()?;
        let plaintext = self.seal.open(&sealed, &token_aad(access_key_id)).ok()?;
        serde_json::from_slice(&plaintext).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_debug_hides_the_secret() {
        let claims = SessionClaims {
            identity_id: "us-east-1:1".into(),
            pool_id: "us-east-1:p".into(),
            role_arn: "arn:aws:iam::1:role/r".into(),
            session_name: IDENTITY_POOL_SESSION.into(),
            secret: "very-secret".into(),
            tags: BTreeMap::new(),
            expires_at: Timestamp(0),
        };
        let shown = format!("{claims:?}");
        assert!(!shown.contains("very-secret") && shown.contains("<redacted>"));
    }
}
