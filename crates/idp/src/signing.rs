//! A pool's RS256 signing keys: provisioning at creation (from the pre-generated buffer so
//! CreateUserPool never waits on RSA key generation), generating missing keys on first use, and
//! the JWKS.

use cognate_awsjson::ApiError;
use cognate_crypto::GeneratedKey;
use cognate_domain::Timestamp;
use cognate_domain::ids::UserPoolId;
use cognate_domain::keys::{KeyPurpose, SigningKeyRecord};

use crate::Idp;
use crate::errors::{Result, internal};

/// AWS signs ID and access tokens with different keys, so a pool has two.
pub const KEYS_PER_POOL: usize = 2;
const PURPOSES: [KeyPurpose; KEYS_PER_POOL] = [KeyPurpose::IdToken, KeyPurpose::AccessToken];

/// Keys ready now from the buffer, without waiting: possibly fewer than a pool needs.
pub fn prefilled_keys(idp: &Idp, pool_id: &UserPoolId, now: Timestamp) -> Vec<SigningKeyRecord> {
    PURPOSES
        .iter()
        .map_while(|purpose| {
            idp.keys
                .take()
                .map(|key| record(idp, pool_id, *purpose, &key, now))
        })
        .collect()
}

/// The pool's keys, generating any that are missing. Replicas racing here converge: the store
/// keeps the first key of each purpose.
pub async fn ensure_keys(idp: &Idp, pool_id: &UserPoolId) -> Result<Vec<SigningKeyRecord>> {
    let keys = idp.store.list_keys(pool_id).await.map_err(internal)?;
    let missing: Vec<KeyPurpose> = PURPOSES
        .into_iter()
        .filter(|purpose| !keys.iter().any(|k| k.purpose == *purpose))
        .collect();
    if missing.is_empty() {
        return Ok(keys);
    }
    let now = idp.clock.now();
    let mut new_keys = Vec::with_capacity(missing.len());
    for purpose in missing {
        let key = idp.keys.generate().await.map_err(|error| {
            tracing::error!(%error, "signing key generation failed");
            ApiError::internal()
        })?;
        new_keys.push(record(idp, pool_id, purpose, &key, now));
    }
    idp.store.add_keys(&new_keys).await.map_err(internal)?;
    idp.store.list_keys(pool_id).await.map_err(internal)
}

fn record(
    idp: &Idp,
    pool_id: &UserPoolId,
    purpose: KeyPurpose,
    key: &GeneratedKey,
    now: Timestamp,
) -> SigningKeyRecord {
    SigningKeyRecord {
        pool_id: pool_id.clone(),
        kid: key.kid.clone(),
        purpose,
        sealed_private_key: idp.seal.seal(&key.pkcs8_der, &key_aad(pool_id, &key.kid)),
        public_jwk: serde_json::to_string(&key.public_jwk).unwrap_or_default(),
        created_at: now,
    }
}

/// Binds a sealed private key to its pool and kid.
pub fn key_aad(pool_id: &UserPoolId, kid: &str) -> Vec<u8> {
    format!("signing-key/{pool_id}/{kid}").into_bytes()
}
