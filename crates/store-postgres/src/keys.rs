use async_trait::async_trait;
use cognate_domain::ids::UserPoolId;
use cognate_domain::keys::{KeyPurpose, SigningKeyRecord};
use cognate_domain::store::KeyStore;
use cognate_domain::{StoreError, Timestamp};
use sqlx::{Postgres, Transaction};

use crate::PgStore;
use crate::error::map_err;

/// Inserts keys, skipping those whose (pool, purpose) slot (or kid) is taken.
pub(crate) async fn insert_keys(
    tx: &mut Transaction<'static, Postgres>,
    keys: &[SigningKeyRecord],
) -> Result<(), StoreError> {
    for key in keys {
        sqlx::query(
            "INSERT INTO signing_keys (pool_id, kid, purpose, sealed_private_key, public_jwk, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(key.pool_id.as_str())
        .bind(&key.kid)
        .bind(key.purpose.as_str())
        .bind(&key.sealed_private_key)
        .bind(&key.public_jwk)
        .bind(key.created_at.millis())
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    }
    Ok(())
}

#[async_trait]
impl KeyStore for PgStore {
    async fn add_keys(&self, keys: &[SigningKeyRecord]) -> Result<(), StoreError> {
        if keys.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        insert_keys(&mut tx, keys).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn list_keys(&self, pool_id: &UserPoolId) -> Result<Vec<SigningKeyRecord>, StoreError> {
        let rows: Vec<(String, String, Vec<u8>, String, i64)> = sqlx::query_as(
            "SELECT kid, purpose, sealed_private_key, public_jwk, created_at FROM signing_keys \
             WHERE pool_id = $1 ORDER BY created_at, kid",
        )
        .bind(pool_id.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.into_iter()
            .map(
                |(kid, purpose, sealed_private_key, public_jwk, created_at)| {
                    let purpose = KeyPurpose::parse(&purpose).ok_or_else(|| {
                        StoreError::Backend(format!(
                            "stored key {kid} has unknown purpose {purpose:?}"
                        ))
                    })?;
                    Ok(SigningKeyRecord {
                        pool_id: pool_id.clone(),
                        kid,
                        purpose,
                        sealed_private_key,
                        public_jwk,
                        created_at: Timestamp(created_at),
                    })
                },
            )
            .collect()
    }
}
