//! Signing keys loaded once per pool: opening a sealed PKCS#8 key and parsing it costs far more
//! than a signature, and verification needs kid → public key without a database read.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use cognate_awsjson::ApiError;
use cognate_crypto::{PublicKey, SigningKey};
use cognate_domain::ids::UserPoolId;
use cognate_domain::keys::{KeyPurpose, SigningKeyRecord};

use crate::errors::Result;
use crate::{Idp, signing};

pub struct PoolKeys {
    pub id_token: SigningKey,
    pub access_token: SigningKey,
}

impl PoolKeys {
    pub fn public_key(&self, kid: &str) -> Option<PublicKey> {
        [&self.id_token, &self.access_token]
            .into_iter()
            .find(|key| key.kid() == kid)
            .map(|key| key.public_key().clone())
    }
}

#[derive(Default)]
pub struct KeyCache {
    pools: RwLock<HashMap<String, Arc<PoolKeys>>>,
}

impl KeyCache {
    fn get(&self, pool_id: &str) -> Option<Arc<PoolKeys>> {
        self.pools
            .read()
            .ok()
            .and_then(|pools| pools.get(pool_id).cloned())
    }

    fn put(&self, pool_id: &str, keys: Arc<PoolKeys>) {
        if let Ok(mut pools) = self.pools.write() {
            pools.insert(pool_id.to_string(), keys);
        }
    }

    pub fn forget(&self, pool_id: &str) {
        if let Ok(mut pools) = self.pools.write() {
            pools.remove(pool_id);
        }
    }

    /// Forgets every pool's keys (changes may have been missed).
    pub fn clear(&self) {
        if let Ok(mut pools) = self.pools.write() {
            pools.clear();
        }
    }
}

impl Idp {
    /// The pool's signing keys, loaded (and generated if missing) on first use.
    pub async fn pool_keys(&self, pool_id: &UserPoolId) -> Result<Arc<PoolKeys>> {
        if let Some(keys) = self.key_cache.get(pool_id.as_str()) {
            return Ok(keys);
        }
        let records = signing::ensure_keys(self, pool_id).await?;
        let keys = Arc::new(PoolKeys {
            id_token: self.open_key(&records, KeyPurpose::IdToken)?,
            access_token: self.open_key(&records, KeyPurpose::AccessToken)?,
        });
        self.key_cache.put(pool_id.as_str(), keys.clone());
        Ok(keys)
    }

    fn open_key(&self, records: &[SigningKeyRecord], purpose: KeyPurpose) -> Result<SigningKey> {
        let record = records
            .iter()
            .find(|r| r.purpose == purpose)
            .ok_or_else(ApiError::internal)?;
        let der = self
            .seal
            .open(&record.sealed_private_key, &signing::key_aad(&record.pool_id, &record.kid))
            .map_err(|error| {
                tracing::error!(%error, pool = %record.pool_id, "a signing key could not be opened (wrong seal key?)");
                ApiError::internal()
            })?;
        SigningKey::from_pkcs8(&der).map_err(|error| {
            tracing::error!(%error, "a stored signing key does not parse");
            ApiError::internal()
        })
    }
}
