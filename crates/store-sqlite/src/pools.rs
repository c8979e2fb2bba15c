use async_trait::async_trait;
use cognate_domain::ids::UserPoolId;
use cognate_domain::keys::SigningKeyRecord;
use cognate_domain::pool::UserPool;
use cognate_domain::store::PoolStore;
use cognate_domain::{Page, StoreError};

use crate::SqliteStore;
use crate::error::{decode, json_err, map_err};
use crate::keys::insert_keys;
use crate::read_cache::Lookup;
use cognate_domain::listing::{fetch_limit, page};
use std::sync::Arc;

#[async_trait]
impl PoolStore for SqliteStore {
    async fn create_pool(
        &self,
        pool: &UserPool,
        keys: &[SigningKeyRecord],
    ) -> Result<(), StoreError> {
        let data = serde_json::to_string(pool).map_err(json_err)?;
        let mut tx = self.write().await?;
        sqlx::query("INSERT INTO user_pools (id, name, created_at, data) VALUES (?1, ?2, ?3, ?4)")
            .bind(pool.id.as_str())
            .bind(&pool.name)
            .bind(pool.created_at.millis())
            .bind(&data)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        insert_keys(&mut tx, keys).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn get_pool(&self, id: &UserPoolId) -> Result<UserPool, StoreError> {
        let generation = match self.cache.pools.get(id.as_str()) {
            Lookup::Hit(pool) => return Ok(UserPool::clone(&pool)),
            Lookup::Miss(generation) => generation,
        };
        let data: String = sqlx::query_scalar("SELECT data FROM user_pools WHERE id = ?1")
            .bind(id.as_str())
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        let pool: UserPool = decode(&data)?;
        self.cache
            .pools
            .put(id.as_str(), Arc::new(pool.clone()), generation);
        Ok(pool)
    }

    async fn update_pool(&self, pool: &UserPool) -> Result<(), StoreError> {
        let data = serde_json::to_string(pool).map_err(json_err)?;
        let done = sqlx::query("UPDATE user_pools SET name = ?2, data = ?3 WHERE id = ?1")
            .bind(pool.id.as_str())
            .bind(&pool.name)
            .bind(&data)
            .execute(&self.pool)
            .await;
        self.cache.pools.invalidate(pool.id.as_str());
        let done = done.map_err(map_err)?;
        if done.rows_affected() == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    async fn delete_pool(&self, id: &UserPoolId) -> Result<(), StoreError> {
        // Clients, keys, users and their attribute and alias rows go by ON DELETE CASCADE.
        let mut tx = self.write().await?;
        let done = sqlx::query("DELETE FROM user_pools WHERE id = ?1")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let committed = tx.commit().await.map_err(map_err);
        // Whether or not the commit went through, nothing read before it may be served after.
        self.cache.pools.invalidate(id.as_str());
        self.cache.clients.clear();
        committed
    }

    async fn list_pools(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<UserPool>, StoreError> {
        // Two statements rather than `?1 IS NULL OR id > ?1`, which would not seek in the index.
        let sql = match after {
            Some(_) => "SELECT data FROM user_pools WHERE id > ?2 ORDER BY id LIMIT ?1",
            None => "SELECT data FROM user_pools ORDER BY id LIMIT ?1",
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
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page(pools, limit, |pool| pool.id.as_str().to_owned()))
    }

    async fn count_users(&self, id: &UserPoolId) -> Result<u64, StoreError> {
        let count: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM users WHERE users.pool_id = p.id) FROM user_pools p WHERE p.id = ?1",
        )
        .bind(id.as_str())
        .fetch_one(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(u64::try_from(count).unwrap_or_default())
    }
}
