//! Temporary credentials: minted for an identity and a role, stored so they can be verified
//! later (STS GetCallerIdentity checks SigV4 signatures made with them).

use std::collections::BTreeMap;

use cognate_awsjson::ApiError;
use cognate_crypto::secrets::{constant_time_eq, random_chars, random_token, sha256_hex};
use cognate_domain::identity::{CredentialRecord, Identity as IdentityRecord};
use cognate_model::identity::Credentials;

use crate::Identity;
use crate::errors::{Result, internal};

/// AWS's lifetime of identity-pool credentials.
pub const CREDENTIALS_SECS: i64 = 3600;
const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const SECRET_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Binds a sealed secret to its access key.
fn secret_aad(access_key_id: &str) -> Vec<u8> {
    format!("sts-credentials/{access_key_id}").into_bytes()
}

/// The session name AWS gives identity-pool credentials (seen in the assumed-role ARN).
pub const IDENTITY_POOL_SESSION: &str = "CognitoIdentityCredentials";

/// A role session: its name and lifetime.
#[derive(Debug, Clone, Copy)]
pub struct Session<'a> {
    pub name: &'a str,
    pub secs: i64,
}

/// Stored credentials whose session token and expiry checked out, with their secret.
#[derive(Debug)]
pub struct LiveCredentials {
    pub record: CredentialRecord,
    pub secret: String,
}

impl Identity {
    /// Mints and stores credentials for `identity` in `role_arn`, as identity pools do.
    pub async fn mint_credentials(
        &self,
        identity: &IdentityRecord,
        role_arn: &str,
        tags: BTreeMap<String, String>,
    ) -> Result<Credentials> {
        let session = Session {
            name: IDENTITY_POOL_SESSION,
            secs: CREDENTIALS_SECS,
        };
        self.mint(identity, role_arn, tags, session).await
    }

    /// Mints and stores credentials for a role session of `identity`.
    pub async fn mint(
        &self,
        identity: &IdentityRecord,
        role_arn: &str,
        tags: BTreeMap<String, String>,
        session: Session<'_>,
    ) -> Result<Credentials> {
        let access_key_id = format!("ASIA{}", random_chars(UPPER_ALNUM, 16));
        let secret = random_chars(SECRET_CHARS, 40);
        let session_token = random_token(192);
        let now = self.clock.now();
        let record = CredentialRecord {
            sealed_secret: self
                .seal
                .seal(secret.as_bytes(), &secret_aad(&access_key_id)),
            access_key_id,
            identity_id: identity.id.clone(),
            pool_id: identity.pool_id.clone(),
            role_arn: role_arn.to_string(),
            session_name: session.name.to_string(),
            session_token_hash: sha256_hex(session_token.as_bytes()),
            tags,
            issued_at: now,
            expires_at: now.plus_secs(session.secs),
        };
        let credentials = Credentials {
            access_key_id: Some(record.access_key_id.clone()),
            secret_key: Some(secret.into()),
            session_token: Some(session_token),
            expiration: Some(record.expires_at.epoch_seconds()),
        };
        self.credential_writes
            .insert(record)
            .await
            .map_err(internal)?;
        Ok(credentials)
    }

    /// The stored credentials of `access_key_id` if `session_token` is theirs and they have not
    /// expired; None otherwise (unknown key, wrong token, expired).
    pub async fn live_credentials(
        &self,
        access_key_id: &str,
        session_token: &str,
    ) -> Result<Option<LiveCredentials>> {
        let record = match self.store.get_credentials(access_key_id).await {
            Ok(record) => record,
            Err(cognate_domain::StoreError::NotFound) => return Ok(None),
            Err(other) => return Err(internal(other)),
        };
        let token_hash = sha256_hex(session_token.as_bytes());
        if !constant_time_eq(token_hash.as_bytes(), record.session_token_hash.as_bytes())
            || record.expires_at <= self.clock.now()
        {
            return Ok(None);
        }
        let secret = self
            .seal
            .open(&record.sealed_secret, &secret_aad(&record.access_key_id))
            .map_err(|error| {
                tracing::error!(%error, "stored credentials could not be opened (wrong seal key?)");
                ApiError::internal()
            })?;
        let secret = String::from_utf8(secret).map_err(|_| ApiError::internal())?;
        Ok(Some(LiveCredentials { record, secret }))
    }
}
