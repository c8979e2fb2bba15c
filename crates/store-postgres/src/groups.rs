use async_trait::async_trait;
use cognate_domain::group::{Group, GroupStore, group_key};
use cognate_domain::ids::UserPoolId;
use cognate_domain::user::User;
use cognate_domain::{Page, StoreError};
use sqlx::types::Json;

use crate::PgStore;
use crate::error::map_err;
use cognate_domain::listing::{fetch_limit, page};

fn found(rows_affected: u64) -> Result<(), StoreError> {
    if rows_affected == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// Keys are never empty, so "after the empty string" is the start: every page is the same
/// plain index range.
fn after_key(after: Option<&str>) -> &str {
    after.unwrap_or("")
}

fn unwrap_all<T>(rows: Vec<Json<T>>) -> Vec<T> {
    rows.into_iter().map(|Json(item)| item).collect()
}

#[async_trait]
impl GroupStore for PgStore {
    async fn create_group(&self, group: &Group) -> Result<(), StoreError> {
        // The name taken fails the primary key, reported as `user_groups_pool_name_key`.
        sqlx::query(
            "INSERT INTO user_groups (pool_id, name_key, name, created_at, data) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(group.pool_id.as_str())
        .bind(group.key())
        .bind(&group.name)
        .bind(group.created_at.millis())
        .bind(Json(group))
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn get_group(&self, pool_id: &UserPoolId, name: &str) -> Result<Group, StoreError> {
        let Json(group) =
            sqlx::query_scalar("SELECT data FROM user_groups WHERE pool_id = $1 AND name_key = $2")
                .bind(pool_id.as_str())
                .bind(group_key(name))
                .fetch_one(&self.pool)
                .await
                .map_err(map_err)?;
        Ok(group)
    }

    async fn update_group(&self, group: &Group) -> Result<(), StoreError> {
        let done =
            sqlx::query("UPDATE user_groups SET data = $3 WHERE pool_id = $1 AND name_key = $2")
                .bind(group.pool_id.as_str())
                .bind(group.key())
                .bind(Json(group))
                .execute(&self.pool)
                .await
                .map_err(map_err)?;
        found(done.rows_affected())
    }

    async fn delete_group(&self, pool_id: &UserPoolId, name: &str) -> Result<(), StoreError> {
        // Memberships go by ON DELETE CASCADE, in the same statement.
        let done = sqlx::query("DELETE FROM user_groups WHERE pool_id = $1 AND name_key = $2")
            .bind(pool_id.as_str())
            .bind(group_key(name))
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        found(done.rows_affected())
    }

    async fn list_groups(
        &self,
        pool_id: &UserPoolId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<Group>, StoreError> {
        let rows: Vec<Json<Group>> = sqlx::query_scalar(
            "SELECT data FROM user_groups WHERE pool_id = $1 AND name_key > $3 \
             ORDER BY name_key LIMIT $2",
        )
        .bind(pool_id.as_str())
        .bind(fetch_limit(limit))
        .bind(after_key(after))
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(page(unwrap_all(rows), limit, Group::key))
    }

    async fn add_group_member(
        &self,
        pool_id: &UserPoolId,
        group_name: &str,
        username_key: &str,
    ) -> Result<(), StoreError> {
        // A missing group or user fails a foreign key: NotFound. DO NOTHING covers only the
        // membership already being there.
        sqlx::query(
            "INSERT INTO group_members (pool_id, group_key, username_key) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(pool_id.as_str())
        .bind(group_key(group_name))
        .bind(username_key)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn remove_group_member(
        &self,
        pool_id: &UserPoolId,
        group_name: &str,
        username_key: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "DELETE FROM group_members WHERE pool_id = $1 AND group_key = $2 AND username_key = $3",
        )
        .bind(pool_id.as_str())
        .bind(group_key(group_name))
        .bind(username_key)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn list_user_groups(
        &self,
        pool_id: &UserPoolId,
        username_key: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<Group>, StoreError> {
        let rows: Vec<Json<Group>> = sqlx::query_scalar(
            "SELECT g.data FROM group_members m \
             JOIN user_groups g ON g.pool_id = m.pool_id AND g.name_key = m.group_key \
             WHERE m.pool_id = $1 AND m.username_key = $2 AND m.group_key > $4 \
             ORDER BY m.group_key LIMIT $3",
        )
        .bind(pool_id.as_str())
        .bind(username_key)
        .bind(fetch_limit(limit))
        .bind(after_key(after))
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(page(unwrap_all(rows), limit, Group::key))
    }

    async fn list_group_members(
        &self,
        pool_id: &UserPoolId,
        group_name: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<User>, StoreError> {
        let rows: Vec<Json<User>> = sqlx::query_scalar(
            "SELECT u.data FROM group_members m \
             JOIN users u ON u.pool_id = m.pool_id AND u.username_key = m.username_key \
             WHERE m.pool_id = $1 AND m.group_key = $2 AND m.username_key > $4 \
             ORDER BY m.username_key LIMIT $3",
        )
        .bind(pool_id.as_str())
        .bind(group_key(group_name))
        .bind(fetch_limit(limit))
        .bind(after_key(after))
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(page(unwrap_all(rows), limit, |user| {
            user.username_key.clone()
        }))
    }
}
