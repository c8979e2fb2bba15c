//! External identity providers and their identifiers.

use async_trait::async_trait;
use cognate_domain::federation::{FederationStore, IdentityProvider};
use cognate_domain::ids::UserPoolId;
use cognate_domain::listing::{fetch_limit, page};
use cognate_domain::{Page, StoreError};
use sqlx::{Sqlite, Transaction};

use crate::SqliteStore;
use crate::error::{decode, decode_all, json_err, map_err};

/// Writes the identifier rows of `provider` (whose old rows, if any, are gone).
async fn insert_identifiers(
    tx: &mut Transaction<'static, Sqlite>,
    provider: &IdentityProvider,
) -> Result<(), StoreError> {
    for identifier in &provider.identifiers {
        sqlx::query(
            "INSERT INTO identity_provider_identifiers (pool_id, identifier, name) \
             VALUES (?1, ?2, ?3)",
        )
        .bind(provider.pool_id.as_str())
        .bind(identifier)
        .bind(&provider.name)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    }
    Ok(())
}

#[async_trait]
impl FederationStore for SqliteStore {
    async fn create_identity_provider(
        &self,
        provider: &IdentityProvider,
    ) -> Result<(), StoreError> {
        let data = serde_json::to_string(provider).map_err(json_err)?;
        let mut tx = self.write().await?;
        sqlx::query("INSERT INTO identity_providers (pool_id, name, data) VALUES (?1, ?2, ?3)")
            .bind(provider.pool_id.as_str())
            .bind(&provider.name)
            .bind(&data)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        insert_identifiers(&mut tx, provider).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn get_identity_provider(
        &self,
        pool_id: &UserPoolId,
        name: &str,
    ) -> Result<IdentityProvider, StoreError> {
        let data: String = sqlx::query_scalar(
            "SELECT data FROM identity_providers WHERE pool_id = ?1 AND name = ?2",
        )
        .bind(pool_id.as_str())
        .bind(name)
        .fetch_one(&self.pool)
        .await
        .map_err(map_err)?;
        decode(&data)
    }

    async fn identity_provider_by_identifier(
        &self,
        pool_id: &UserPoolId,
        identifier: &str,
    ) -> Result<IdentityProvider, StoreError> {
        let data: String = sqlx::query_scalar(
            "SELECT p.data FROM identity_provider_identifiers i CROSS JOIN identity_providers p \
             ON p.pool_id = i.pool_id AND p.name = i.name \
             WHERE i.pool_id = ?1 AND i.identifier = ?2",
        )
        .bind(pool_id.as_str())
        .bind(identifier)
        .fetch_one(&self.pool)
        .await
        .map_err(map_err)?;
        decode(&data)
    }

    async fn update_identity_provider(
        &self,
        provider: &IdentityProvider,
    ) -> Result<(), StoreError> {
        let data = serde_json::to_string(provider).map_err(json_err)?;
        let mut tx = self.write().await?;
        let done =
            sqlx::query("UPDATE identity_providers SET data = ?3 WHERE pool_id = ?1 AND name = ?2")
                .bind(provider.pool_id.as_str())
                .bind(&provider.name)
                .bind(&data)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM identity_provider_identifiers WHERE pool_id = ?1 AND name = ?2")
            .bind(provider.pool_id.as_str())
            .bind(&provider.name)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        insert_identifiers(&mut tx, provider).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn delete_identity_provider(
        &self,
        pool_id: &UserPoolId,
        name: &str,
    ) -> Result<(), StoreError> {
        // Identifier rows go by ON DELETE CASCADE, in the same implicit transaction.
        let done = sqlx::query("DELETE FROM identity_providers WHERE pool_id = ?1 AND name = ?2")
            .bind(pool_id.as_str())
            .bind(name)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        match done.rows_affected() {
            0 => Err(StoreError::NotFound),
            _ => Ok(()),
        }
    }

    async fn list_identity_providers(
        &self,
        pool_id: &UserPoolId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<IdentityProvider>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT data FROM identity_providers WHERE pool_id = ?1 AND name > ?2 \
             ORDER BY name LIMIT ?3",
        )
        .bind(pool_id.as_str())
        .bind(after.unwrap_or(""))
        .bind(fetch_limit(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        let providers: Vec<IdentityProvider> = decode_all(&rows)?;
        Ok(page(providers, limit, |provider| provider.name.clone()))
    }
}
