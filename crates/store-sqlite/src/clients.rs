use async_trait::async_trait;
use cognate_domain::client::AppClient;
use cognate_domain::ids::{ClientId, UserPoolId};
use cognate_domain::store::ClientStore;
use cognate_domain::{Page, StoreError};

use std::sync::Arc;

use crate::SqliteStore;
use crate::error::{decode, json_err, map_err};
use crate::read_cache::Lookup;
use cognate_domain::listing::{fetch_limit, page};

#[async_trait]
impl ClientStore for SqliteStore {
    async fn create_client(&self, client: &AppClient) -> Result<(), StoreError> {
        let data = serde_json::to_string(client).map_err(json_err)?;
        // A missing pool fails the foreign key: NotFound.
        sqlx::query("INSERT INTO app_clients (client_id, pool_id, name, created_at, data) VALUES (?1, ?2, ?3, ?4, ?5)")
            .bind(client.client_id.as_str())
            .bind(client.pool_id.as_str())
            .bind(&client.name)
            .bind(client.created_at.millis())
            .bind(&data)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn get_client(&self, client_id: &ClientId) -> Result<AppClient, StoreError> {
        let generation = match self.cache.clients.get(client_id.as_str()) {
            Lookup::Hit(client) => return Ok(AppClient::clone(&client)),
            Lookup::Miss(generation) => generation,
        };
        let data: String = sqlx::query_scalar("SELECT data FROM app_clients WHERE client_id = ?1")
            .bind(client_id.as_str())
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        let client: AppClient = decode(&data)?;
        self.cache
            .clients
            .put(client_id.as_str(), Arc::new(client.clone()), generation);
        Ok(client)
    }

    async fn update_client(&self, client: &AppClient) -> Result<(), StoreError> {
        let data = serde_json::to_string(client).map_err(json_err)?;
        let done = sqlx::query(
            "UPDATE app_clients SET name = ?3, data = ?4 WHERE client_id = ?1 AND pool_id = ?2",
        )
        .bind(client.client_id.as_str())
        .bind(client.pool_id.as_str())
        .bind(&client.name)
        .bind(&data)
        .execute(&self.pool)
        .await;
        self.cache.clients.invalidate(client.client_id.as_str());
        let done = done.map_err(map_err)?;
        if done.rows_affected() == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    async fn delete_client(
        &self,
        pool_id: &UserPoolId,
        client_id: &ClientId,
    ) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM app_clients WHERE client_id = ?1 AND pool_id = ?2")
            .bind(client_id.as_str())
            .bind(pool_id.as_str())
            .execute(&self.pool)
            .await;
        self.cache.clients.invalidate(client_id.as_str());
        let done = done.map_err(map_err)?;
        if done.rows_affected() == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    async fn list_clients(
        &self,
        pool_id: &UserPoolId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<AppClient>, StoreError> {
        let sql = match after {
            Some(_) => {
                "SELECT data FROM app_clients WHERE pool_id = ?1 AND client_id > ?3 ORDER BY client_id LIMIT ?2"
            }
            None => "SELECT data FROM app_clients WHERE pool_id = ?1 ORDER BY client_id LIMIT ?2",
        };
        let rows: Vec<String> = sqlx::query_scalar(sql)
            .bind(pool_id.as_str())
            .bind(fetch_limit(limit))
            .bind(after)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        let clients = rows
            .iter()
            .map(|data| decode(data))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page(clients, limit, |client| {
            client.client_id.as_str().to_owned()
        }))
    }
}
