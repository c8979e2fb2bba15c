//! `IdentityStore`: identity pools, identities with their logins, credentials, issuer keys.

use async_trait::async_trait;
use cognate_domain::identity::{
    CredentialRecord, Identity, IdentityKeyRecord, IdentityLogin, IdentityPool, IdentityStore,
};
use cognate_domain::{Page, StoreError, Timestamp};

use crate::SqliteStore;
use crate::error::{decode, json_err, map_err};
use cognate_domain::listing::{fetch_limit, page};

fn encode<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(json_err)
}

fn affected(rows: u64) -> Result<(), StoreError> {
    if rows == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// Rewrites the identity's document so its `logins` list the providers bound in
/// `identity_logins`, and returns it. `NotFound` when the identity does not exist.
async fn refresh_logins(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    identity_id: &str,
) -> Result<Identity, StoreError> {
    let data: String = sqlx::query_scalar("SELECT data FROM identities WHERE id = ?1")
        .bind(identity_id)
        .fetch_one(&mut **tx)
        .await
        .map_err(map_err)?;
    let mut identity: Identity = decode(&data)?;
    identity.logins = sqlx::query_scalar(
        "SELECT DISTINCT provider FROM identity_logins WHERE identity_id = ?1 ORDER BY provider",
    )
    .bind(identity_id)
    .fetch_all(&mut **tx)
    .await
    .map_err(map_err)?;
    sqlx::query("UPDATE identities SET data = ?2 WHERE id = ?1")
        .bind(identity_id)
        .bind(encode(&identity)?)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    Ok(identity)
}

#[async_trait]
impl IdentityStore for SqliteStore {
    async fn create_identity_pool(&self, pool: &IdentityPool) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO identity_pools (id, name, created_at, data) VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(&pool.id)
        .bind(&pool.name)
        .bind(pool.created_at.millis())
        .bind(encode(pool)?)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn get_identity_pool(&self, id: &str) -> Result<IdentityPool, StoreError> {
        let data: String = sqlx::query_scalar("SELECT data FROM identity_pools WHERE id = ?1")
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        decode(&data)
    }

    async fn update_identity_pool(&self, pool: &IdentityPool) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE identity_pools SET name = ?2, data = ?3 WHERE id = ?1")
            .bind(&pool.id)
            .bind(&pool.name)
            .bind(encode(pool)?)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        affected(done.rows_affected())
    }

    async fn delete_identity_pool(&self, id: &str) -> Result<(), StoreError> {
        // Identities, logins and credentials go by ON DELETE CASCADE.
        let mut tx = self.write().await?;
        let done = sqlx::query("DELETE FROM identity_pools WHERE id = ?1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        affected(done.rows_affected())?;
        tx.commit().await.map_err(map_err)
    }

    async fn list_identity_pools(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<IdentityPool>, StoreError> {
        let sql = match after {
            Some(_) => "SELECT data FROM identity_pools WHERE id > ?2 ORDER BY id LIMIT ?1",
            None => "SELECT data FROM identity_pools ORDER BY id LIMIT ?1",
        };
        let rows: Vec<String> = sqlx::query_scalar(sql)
            .bind(fetch_limit(limit))
            .bind(after)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        let pools = rows
            .iter()
            .map(|data| decode(data))
            .collect::<Result<Vec<IdentityPool>, _>>()?;
        Ok(page(pools, limit, |pool| pool.id.clone()))
    }

    async fn create_identity(
        &self,
        identity: &Identity,
        login: Option<&IdentityLogin>,
    ) -> Result<Identity, StoreError> {
        let mut tx = self.write().await?;
        // Under the write lock a login found absent stays absent until commit.
        if let Some(login) = login {
            let existing: Option<String> = sqlx::query_scalar(
                "SELECT i.data FROM identity_logins l JOIN identities i ON i.id = l.identity_id \
                 WHERE l.pool_id = ?1 AND l.provider = ?2 AND l.subject = ?3",
            )
            .bind(&login.pool_id)
            .bind(&login.provider)
            .bind(&login.subject)
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?;
            if let Some(data) = existing {
                return decode(&data);
            }
        }
        sqlx::query(
            "INSERT INTO identities (id, pool_id, created_at, data) VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(&identity.id)
        .bind(&identity.pool_id)
        .bind(identity.created_at.millis())
        .bind(encode(identity)?)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if let Some(login) = login {
            sqlx::query(
                "INSERT INTO identity_logins (pool_id, provider, subject, identity_id) \
                 VALUES (?1, ?2, ?3, ?4)",
            )
            .bind(&login.pool_id)
            .bind(&login.provider)
            .bind(&login.subject)
            .bind(&identity.id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)?;
        Ok(identity.clone())
    }

    async fn find_identity_by_login(
        &self,
        login: &IdentityLogin,
    ) -> Result<Option<Identity>, StoreError> {
        let data: Option<String> = sqlx::query_scalar(
            "SELECT i.data FROM identity_logins l JOIN identities i ON i.id = l.identity_id \
             WHERE l.pool_id = ?1 AND l.provider = ?2 AND l.subject = ?3",
        )
        .bind(&login.pool_id)
        .bind(&login.provider)
        .bind(&login.subject)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        data.map(|data| decode(&data)).transpose()
    }

    async fn get_identity(&self, id: &str) -> Result<Identity, StoreError> {
        let data: String = sqlx::query_scalar("SELECT data FROM identities WHERE id = ?1")
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        decode(&data)
    }

    async fn list_identities(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<Identity>, StoreError> {
        let sql = match after {
            Some(_) => {
                "SELECT data FROM identities WHERE pool_id = ?1 AND id > ?3 ORDER BY id LIMIT ?2"
            }
            None => "SELECT data FROM identities WHERE pool_id = ?1 ORDER BY id LIMIT ?2",
        };
        let rows: Vec<String> = sqlx::query_scalar(sql)
            .bind(pool_id)
            .bind(fetch_limit(limit))
            .bind(after)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        let identities = rows
            .iter()
            .map(|data| decode(data))
            .collect::<Result<Vec<Identity>, _>>()?;
        Ok(page(identities, limit, |identity| identity.id.clone()))
    }

    async fn delete_identity(&self, id: &str) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        let done = sqlx::query("DELETE FROM identities WHERE id = ?1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        affected(done.rows_affected())?;
        tx.commit().await.map_err(map_err)
    }

    async fn unlink_logins(&self, id: &str, providers: &[String]) -> Result<Identity, StoreError> {
        let mut tx = self.write().await?;
        let data: String = sqlx::query_scalar("SELECT data FROM identities WHERE id = ?1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .map_err(map_err)?;
        let mut identity: Identity = decode(&data)?;
        for provider in providers {
            sqlx::query("DELETE FROM identity_logins WHERE identity_id = ?1 AND provider = ?2")
                .bind(id)
                .bind(provider)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        identity.logins.retain(|login| !providers.contains(login));
        sqlx::query("UPDATE identities SET data = ?2 WHERE id = ?1")
            .bind(id)
            .bind(encode(&identity)?)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok(identity)
    }

    async fn list_logins(&self, identity_id: &str) -> Result<Vec<IdentityLogin>, StoreError> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT pool_id, provider, subject FROM identity_logins WHERE identity_id = ?1 \
             ORDER BY provider, subject",
        )
        .bind(identity_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(rows
            .into_iter()
            .map(|(pool_id, provider, subject)| IdentityLogin {
                pool_id,
                provider,
                subject,
            })
            .collect())
    }

    async fn link_login(
        &self,
        identity_id: &str,
        login: &IdentityLogin,
    ) -> Result<Identity, StoreError> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO identity_logins (pool_id, provider, subject, identity_id) \
             VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(&login.pool_id)
        .bind(&login.provider)
        .bind(&login.subject)
        .bind(identity_id)
        .execute(&mut *tx)
        .await
        .map_err(map_err)
        .map_err(|error| match error {
            StoreError::Conflict { .. } => StoreError::Conflict {
                constraint: "identity_logins_pkey".into(),
            },
            other => other,
        })?;
        let identity = refresh_logins(&mut tx, identity_id).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(identity)
    }

    async fn move_login(
        &self,
        login: &IdentityLogin,
        to_identity_id: &str,
    ) -> Result<Identity, StoreError> {
        let mut tx = self.write().await?;
        let from: String = sqlx::query_scalar(
            "SELECT identity_id FROM identity_logins \
             WHERE pool_id = ?1 AND provider = ?2 AND subject = ?3",
        )
        .bind(&login.pool_id)
        .bind(&login.provider)
        .bind(&login.subject)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        sqlx::query(
            "UPDATE identity_logins SET identity_id = ?4 \
             WHERE pool_id = ?1 AND provider = ?2 AND subject = ?3",
        )
        .bind(&login.pool_id)
        .bind(&login.provider)
        .bind(&login.subject)
        .bind(to_identity_id)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        refresh_logins(&mut tx, &from).await?;
        let identity = refresh_logins(&mut tx, to_identity_id).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(identity)
    }

    async fn remove_login(
        &self,
        identity_id: &str,
        login: &IdentityLogin,
    ) -> Result<Identity, StoreError> {
        let mut tx = self.write().await?;
        let done = sqlx::query(
            "DELETE FROM identity_logins \
             WHERE pool_id = ?1 AND provider = ?2 AND subject = ?3 AND identity_id = ?4",
        )
        .bind(&login.pool_id)
        .bind(&login.provider)
        .bind(&login.subject)
        .bind(identity_id)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        affected(done.rows_affected())?;
        let identity = refresh_logins(&mut tx, identity_id).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(identity)
    }

    async fn insert_credentials(&self, record: &CredentialRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO identity_credentials (access_key_id, identity_id, expires_at, data) \
             VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(&record.access_key_id)
        .bind(&record.identity_id)
        .bind(record.expires_at.millis())
        .bind(encode(record)?)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn get_credentials(&self, access_key_id: &str) -> Result<CredentialRecord, StoreError> {
        let data: String =
            sqlx::query_scalar("SELECT data FROM identity_credentials WHERE access_key_id = ?1")
                .bind(access_key_id)
                .fetch_one(&self.pool)
                .await
                .map_err(map_err)?;
        decode(&data)
    }

    async fn add_identity_key(&self, key: &IdentityKeyRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO identity_keys (kid, slot, sealed_private_key, public_jwk, created_at) \
             VALUES (?1, 'current', ?2, ?3, ?4) ON CONFLICT DO NOTHING",
        )
        .bind(&key.kid)
        .bind(&key.sealed_private_key)
        .bind(&key.public_jwk)
        .bind(key.created_at.millis())
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn list_identity_keys(&self) -> Result<Vec<IdentityKeyRecord>, StoreError> {
        let rows: Vec<(String, Vec<u8>, String, i64)> = sqlx::query_as(
            "SELECT kid, sealed_private_key, public_jwk, created_at FROM identity_keys \
             ORDER BY created_at, kid",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(rows
            .into_iter()
            .map(
                |(kid, sealed_private_key, public_jwk, created_at)| IdentityKeyRecord {
                    kid,
                    sealed_private_key,
                    public_jwk,
                    created_at: Timestamp(created_at),
                },
            )
            .collect())
    }
}
