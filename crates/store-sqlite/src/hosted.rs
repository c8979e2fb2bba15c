//! Domains, resource servers, hosted-UI customization and authorization codes.

use async_trait::async_trait;
use cognate_domain::hosted::{
    AuthorizationCode, HostedStore, ResourceServer, UiCustomization, UserPoolDomain, ui_client_key,
};
use cognate_domain::ids::{ClientId, UserPoolId};
use cognate_domain::listing::{fetch_limit, page};
use cognate_domain::{Page, StoreError};

use crate::SqliteStore;
use crate::error::{decode, json_err, map_err};

fn encode<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(json_err)
}

fn found(rows_affected: u64) -> Result<(), StoreError> {
    if rows_affected == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

#[async_trait]
impl HostedStore for SqliteStore {
    async fn create_domain(&self, domain: &UserPoolDomain) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO user_pool_domains (domain, pool_id, custom, data) VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(&domain.domain)
        .bind(domain.pool_id.as_str())
        .bind(i64::from(domain.is_custom()))
        .bind(encode(domain)?)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn get_domain(&self, domain: &str) -> Result<UserPoolDomain, StoreError> {
        let data: String =
            sqlx::query_scalar("SELECT data FROM user_pool_domains WHERE domain = ?1")
                .bind(domain)
                .fetch_one(&self.pool)
                .await
                .map_err(map_err)?;
        decode(&data)
    }

    async fn pool_domains(&self, pool_id: &UserPoolId) -> Result<Vec<UserPoolDomain>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT data FROM user_pool_domains WHERE pool_id = ?1 ORDER BY custom, domain",
        )
        .bind(pool_id.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter().map(|data| decode(data)).collect()
    }

    async fn update_domain(&self, domain: &UserPoolDomain) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE user_pool_domains SET custom = ?3, data = ?4 WHERE domain = ?1 AND pool_id = ?2",
        )
        .bind(&domain.domain)
        .bind(domain.pool_id.as_str())
        .bind(i64::from(domain.is_custom()))
        .bind(encode(domain)?)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        found(done.rows_affected())
    }

    async fn delete_domain(&self, pool_id: &UserPoolId, domain: &str) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM user_pool_domains WHERE domain = ?1 AND pool_id = ?2")
            .bind(domain)
            .bind(pool_id.as_str())
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        found(done.rows_affected())
    }

    async fn create_resource_server(&self, server: &ResourceServer) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO resource_servers (pool_id, identifier, data) VALUES (?1, ?2, ?3)")
            .bind(server.pool_id.as_str())
            .bind(&server.identifier)
            .bind(encode(server)?)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn get_resource_server(
        &self,
        pool_id: &UserPoolId,
        identifier: &str,
    ) -> Result<ResourceServer, StoreError> {
        let data: String = sqlx::query_scalar(
            "SELECT data FROM resource_servers WHERE pool_id = ?1 AND identifier = ?2",
        )
        .bind(pool_id.as_str())
        .bind(identifier)
        .fetch_one(&self.pool)
        .await
        .map_err(map_err)?;
        decode(&data)
    }

    async fn update_resource_server(&self, server: &ResourceServer) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE resource_servers SET data = ?3 WHERE pool_id = ?1 AND identifier = ?2",
        )
        .bind(server.pool_id.as_str())
        .bind(&server.identifier)
        .bind(encode(server)?)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        found(done.rows_affected())
    }

    async fn delete_resource_server(
        &self,
        pool_id: &UserPoolId,
        identifier: &str,
    ) -> Result<(), StoreError> {
        let done =
            sqlx::query("DELETE FROM resource_servers WHERE pool_id = ?1 AND identifier = ?2")
                .bind(pool_id.as_str())
                .bind(identifier)
                .execute(&self.pool)
                .await
                .map_err(map_err)?;
        found(done.rows_affected())
    }

    async fn list_resource_servers(
        &self,
        pool_id: &UserPoolId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<ResourceServer>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT data FROM resource_servers WHERE pool_id = ?1 AND identifier > ?2 \
             ORDER BY identifier LIMIT ?3",
        )
        .bind(pool_id.as_str())
        .bind(after.unwrap_or(""))
        .bind(fetch_limit(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        let servers = rows
            .iter()
            .map(|data| decode(data))
            .collect::<Result<Vec<ResourceServer>, _>>()?;
        Ok(page(servers, limit, |server| server.identifier.clone()))
    }

    async fn put_ui_customization(&self, ui: &UiCustomization) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO ui_customizations (pool_id, client_key, data) VALUES (?1, ?2, ?3) \
             ON CONFLICT (pool_id, client_key) DO UPDATE SET data = excluded.data",
        )
        .bind(ui.pool_id.as_str())
        .bind(ui_client_key(ui.client_id.as_ref()))
        .bind(encode(ui)?)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn get_ui_customization(
        &self,
        pool_id: &UserPoolId,
        client_id: Option<&ClientId>,
    ) -> Result<UiCustomization, StoreError> {
        let data: String = sqlx::query_scalar(
            "SELECT data FROM ui_customizations WHERE pool_id = ?1 AND client_key = ?2",
        )
        .bind(pool_id.as_str())
        .bind(ui_client_key(client_id))
        .fetch_one(&self.pool)
        .await
        .map_err(map_err)?;
        decode(&data)
    }

    async fn insert_authorization_code(&self, code: &AuthorizationCode) -> Result<(), StoreError> {
        // Codes live minutes: expired ones of the pool go as new ones come.
        sqlx::query("DELETE FROM authorization_codes WHERE expires_at < ?1")
            .bind(code.expires_at.millis() - 3_600_000)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        sqlx::query(
            "INSERT INTO authorization_codes (code_hash, pool_id, expires_at, data) \
             VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(&code.code_hash)
        .bind(code.pool_id.as_str())
        .bind(code.expires_at.millis())
        .bind(encode(code)?)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn take_authorization_code(
        &self,
        code_hash: &str,
    ) -> Result<AuthorizationCode, StoreError> {
        let data: String = sqlx::query_scalar(
            "DELETE FROM authorization_codes WHERE code_hash = ?1 RETURNING data",
        )
        .bind(code_hash)
        .fetch_one(&self.pool)
        .await
        .map_err(map_err)?;
        decode(&data)
    }
}
