use async_trait::async_trait;
use cognate_domain::ids::UserPoolId;
use cognate_domain::keys::SigningKeyRecord;
use cognate_domain::pool::UserPool;
use cognate_domain::store::PoolStore;
use cognate_domain::{Page, StoreError};
use sqlx::types::Json;

use crate::PgStore;
use crate::error::map_err;
use crate::keys::insert_keys;
use cognate_domain::listing::{fetch_limit, page};

#[async_trait]
impl PoolStore for PgStore {
    async fn create_pool(
        &self,
        pool: &UserPool,
        keys: &[SigningKeyRecord],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        sqlx::query("INSERT INTO user_pools (id, name, created_at, data) VALUES ($1, $2, $3, $4)")
            .bind(pool.id.as_str())
            .bind(&pool.name)
            .bind(pool.created_at.millis())
            .bind(Json(pool))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        insert_keys(&mut tx, keys).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn get_pool(&self, id: &UserPoolId) -> Result<UserPool, StoreError> {
        let Json(pool) = sqlx::query_scalar("SELECT data FROM user_pools WHERE id = $1")
            .bind(id.as_str())
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(pool)
    }

    async fn update_pool(&self, pool: &UserPool) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE user_pools SET name = $2, data = $3 WHERE id = $1")
            .bind(pool.id.as_str())
            .bind(&pool.name)
            .bind(Json(pool))
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        if done.rows_affected() == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    async fn delete_pool(&self, id: &UserPoolId) -> Result<(), StoreError> {
        // Clients, keys, users and their attribute and alias rows go by ON DELETE CASCADE, in
        // the statement's own transaction.
        let done = sqlx::query("DELETE FROM user_pools WHERE id = $1")
            .bind(id.as_str())
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        if done.rows_affected() == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    async fn list_pools(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<UserPool>, StoreError> {
        let query = match after {
            Some(after) => {
                sqlx::query_scalar("SELECT data FROM user_pools WHERE id > $2 ORDER BY id LIMIT $1")
                    .bind(fetch_limit(limit))
                    .bind(after)
            }
            None => sqlx::query_scalar("SELECT data FROM user_pools ORDER BY id LIMIT $1")
                .bind(fetch_limit(limit)),
        };
        let rows: Vec<Json<UserPool>> = query.fetch_all(&self.pool).await.map_err(map_err)?;
        let pools = rows.into_iter().map(|Json(pool)| pool).collect();
        Ok(page(pools, limit, |pool| pool.id.as_str().to_owned()))
    }

    async fn count_users(&self, id: &UserPoolId) -> Result<u64, StoreError> {
        let count: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM users WHERE users.pool_id = p.id) FROM user_pools p WHERE p.id = $1",
        )
        .bind(id.as_str())
        .fetch_one(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(u64::try_from(count).unwrap_or_default())
    }
}
