//! `IdentityStore`: identity pools, identities with their logins, credentials, issuer keys.

use async_trait::async_trait;
use cognate_domain::identity::{
    CredentialRecord, Identity, IdentityKeyRecord, IdentityLogin, IdentityPool, IdentityStore,
};
use cognate_domain::{Page, StoreError, Timestamp};
use sqlx::types::Json;

use crate::PgStore;
use crate::error::map_err;
use cognate_domain::listing::{fetch_limit, page};

const IDENTITY_BY_LOGIN: &str = "SELECT i.data FROM identity_logins l \
     JOIN identities i ON i.id = l.identity_id \
     WHERE l.pool_id = $1 AND l.provider = $2 AND l.subject = $3";

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
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    identity_id: &str,
) -> Result<Identity, StoreError> {
    let Json(mut identity): Json<Identity> =
        sqlx::query_scalar("SELECT data FROM identities WHERE id = $1 FOR UPDATE")
            .bind(identity_id)
            .fetch_one(&mut **tx)
            .await
            .map_err(map_err)?;
    identity.logins = sqlx::query_scalar(
        "SELECT DISTINCT provider FROM identity_logins WHERE identity_id = $1 ORDER BY provider",
    )
    .bind(identity_id)
    .fetch_all(&mut **tx)
    .await
    .map_err(map_err)?;
    sqlx::query("UPDATE identities SET data = $2 WHERE id = $1")
        .bind(identity_id)
        .bind(Json(&identity))
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    Ok(identity)
}

#[async_trait]
impl IdentityStore for PgStore {
    async fn create_identity_pool(&self, pool: &IdentityPool) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO identity_pools (id, name, created_at, data) VALUES ($1, $2, $3, $4)",
        )
        .bind(&pool.id)
        .bind(&pool.name)
        .bind(pool.created_at.millis())
        .bind(Json(pool))
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn get_identity_pool(&self, id: &str) -> Result<IdentityPool, StoreError> {
        let Json(pool) = sqlx::query_scalar("SELECT data FROM identity_pools WHERE id = $1")
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(pool)
    }

    async fn update_identity_pool(&self, pool: &IdentityPool) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE identity_pools SET name = $2, data = $3 WHERE id = $1")
            .bind(&pool.id)
            .bind(&pool.name)
            .bind(Json(pool))
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        affected(done.rows_affected())
    }

    async fn delete_identity_pool(&self, id: &str) -> Result<(), StoreError> {
        // Identities, logins and credentials go by ON DELETE CASCADE, in the statement's own
        // transaction.
        let done = sqlx::query("DELETE FROM identity_pools WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        affected(done.rows_affected())
    }

    async fn list_identity_pools(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<IdentityPool>, StoreError> {
        let query = match after {
            Some(after) => sqlx::query_scalar(
                "SELECT data FROM identity_pools WHERE id > $2 ORDER BY id LIMIT $1",
            )
            .bind(fetch_limit(limit))
            .bind(after),
            None => sqlx::query_scalar("SELECT data FROM identity_pools ORDER BY id LIMIT $1")
                .bind(fetch_limit(limit)),
        };
        let rows: Vec<Json<IdentityPool>> = query.fetch_all(&self.pool).await.map_err(map_err)?;
        let pools = rows.into_iter().map(|Json(pool)| pool).collect();
        Ok(page(pools, limit, |pool: &IdentityPool| pool.id.clone()))
    }

    async fn create_identity(
        &self,
        identity: &Identity,
        login: Option<&IdentityLogin>,
    ) -> Result<Identity, StoreError> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        sqlx::query(
            "INSERT INTO identities (id, pool_id, created_at, data) VALUES ($1, $2, $3, $4)",
        )
        .bind(&identity.id)
        .bind(&identity.pool_id)
        .bind(identity.created_at.millis())
        .bind(Json(identity))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if let Some(login) = login {
            // The unique key decides between racing callers: the loser's identity is rolled
            // back and the winner's returned.
            let done = sqlx::query(
                "INSERT INTO identity_logins (pool_id, provider, subject, identity_id) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(&login.pool_id)
            .bind(&login.provider)
            .bind(&login.subject)
            .bind(&identity.id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
            if done.rows_affected() == 0 {
                tx.rollback().await.map_err(map_err)?;
                return self
                    .find_identity_by_login(login)
                    .await?
                    .ok_or(StoreError::Conflict {
                        constraint: "identity_logins_pkey".into(),
                    });
            }
        }
        tx.commit().await.map_err(map_err)?;
        Ok(identity.clone())
    }

    async fn find_identity_by_login(
        &self,
        login: &IdentityLogin,
    ) -> Result<Option<Identity>, StoreError> {
        let row: Option<Json<Identity>> = sqlx::query_scalar(IDENTITY_BY_LOGIN)
            .bind(&login.pool_id)
            .bind(&login.provider)
            .bind(&login.subject)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(row.map(|Json(identity)| identity))
    }

    async fn get_identity(&self, id: &str) -> Result<Identity, StoreError> {
        let Json(identity) = sqlx::query_scalar("SELECT data FROM identities WHERE id = $1")
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(identity)
    }

    async fn list_identities(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<Identity>, StoreError> {
        let query = match after {
            Some(after) => sqlx::query_scalar(
                "SELECT data FROM identities WHERE pool_id = $1 AND id > $3 ORDER BY id LIMIT $2",
            )
            .bind(pool_id)
            .bind(fetch_limit(limit))
            .bind(after),
            None => sqlx::query_scalar(
                "SELECT data FROM identities WHERE pool_id = $1 ORDER BY id LIMIT $2",
            )
            .bind(pool_id)
            .bind(fetch_limit(limit)),
        };
        let rows: Vec<Json<Identity>> = query.fetch_all(&self.pool).await.map_err(map_err)?;
        let identities = rows.into_iter().map(|Json(identity)| identity).collect();
        Ok(page(identities, limit, |identity: &Identity| {
            identity.id.clone()
        }))
    }

    async fn delete_identity(&self, id: &str) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM identities WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        affected(done.rows_affected())
    }

    async fn unlink_logins(&self, id: &str, providers: &[String]) -> Result<Identity, StoreError> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let Json(mut identity): Json<Identity> =
            sqlx::query_scalar("SELECT data FROM identities WHERE id = $1 FOR UPDATE")
                .bind(id)
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
        sqlx::query("DELETE FROM identity_logins WHERE identity_id = $1 AND provider = ANY($2)")
            .bind(id)
            .bind(providers)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        identity.logins.retain(|login| !providers.contains(login));
        sqlx::query("UPDATE identities SET data = $2 WHERE id = $1")
            .bind(id)
            .bind(Json(&identity))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok(identity)
    }

    async fn list_logins(&self, identity_id: &str) -> Result<Vec<IdentityLogin>, StoreError> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT pool_id, provider, subject FROM identity_logins WHERE identity_id = $1 \
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
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        sqlx::query(
            "INSERT INTO identity_logins (pool_id, provider, subject, identity_id) \
             VALUES ($1, $2, $3, $4)",
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
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let from: String = sqlx::query_scalar(
            "SELECT identity_id FROM identity_logins \
             WHERE pool_id = $1 AND provider = $2 AND subject = $3",
        )
        .bind(&login.pool_id)
        .bind(&login.provider)
        .bind(&login.subject)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        sqlx::query(
            "UPDATE identity_logins SET identity_id = $4 \
             WHERE pool_id = $1 AND provider = $2 AND subject = $3",
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
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let done = sqlx::query(
            "DELETE FROM identity_logins \
             WHERE pool_id = $1 AND provider = $2 AND subject = $3 AND identity_id = $4",
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
             VALUES ($1, $2, $3, $4)",
        )
        .bind(&record.access_key_id)
        .bind(&record.identity_id)
        .bind(record.expires_at.millis())
        .bind(Json(record))
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn get_credentials(&self, access_key_id: &str) -> Result<CredentialRecord, StoreError> {
        let Json(record) =
            sqlx::query_scalar("SELECT data FROM identity_credentials WHERE access_key_id = $1")
                .bind(access_key_id)
                .fetch_one(&self.pool)
                .await
                .map_err(map_err)?;
        Ok(record)
    }

    async fn add_identity_key(&self, key: &IdentityKeyRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO identity_keys (kid, slot, sealed_private_key, public_jwk, created_at) \
             VALUES ($1, 'current', $2, $3, $4) ON CONFLICT DO NOTHING",
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
