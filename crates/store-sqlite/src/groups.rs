use async_trait::async_trait;
use cognate_domain::group::{GROUPS_POOL_NAME_KEY, Group, GroupStore, group_key};
use cognate_domain::ids::UserPoolId;
use cognate_domain::user::User;
use cognate_domain::{Page, StoreError};

use crate::SqliteStore;
use crate::error::{decode, decode_all, json_err, map_err};
use cognate_domain::listing::{fetch_limit, page};

/// SQLite names the columns of a unique violation, not the constraint: name it as Postgres does.
fn named_conflict(error: StoreError) -> StoreError {
    match error {
        StoreError::Conflict { constraint }
            if constraint == "user_groups.pool_id, user_groups.name_key" =>
        {
            StoreError::Conflict {
                constraint: GROUPS_POOL_NAME_KEY.into(),
            }
        }
        other => other,
    }
}

/// `AND <column> > ?n` when continuing after a key (a separate statement, so that the first
/// page and the next ones are both plain index ranges).
fn after_clause(after: Option<&str>, column: &str, param: u8) -> String {
    match after {
        Some(_) => format!(" AND {column} > ?{param}"),
        None => String::new(),
    }
}

fn found(rows_affected: u64) -> Result<(), StoreError> {
    if rows_affected == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

#[async_trait]
impl GroupStore for SqliteStore {
    async fn create_group(&self, group: &Group) -> Result<(), StoreError> {
        let data = serde_json::to_string(group).map_err(json_err)?;
        sqlx::query(
            "INSERT INTO user_groups (pool_id, name_key, name, created_at, data) VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(group.pool_id.as_str())
        .bind(group.key())
        .bind(&group.name)
        .bind(group.created_at.millis())
        .bind(&data)
        .execute(&self.pool)
        .await
        .map_err(|error| named_conflict(map_err(error)))?;
        Ok(())
    }

    async fn get_group(&self, pool_id: &UserPoolId, name: &str) -> Result<Group, StoreError> {
        let data: String =
            sqlx::query_scalar("SELECT data FROM user_groups WHERE pool_id = ?1 AND name_key = ?2")
                .bind(pool_id.as_str())
                .bind(group_key(name))
                .fetch_one(&self.pool)
                .await
                .map_err(map_err)?;
        decode(&data)
    }

    async fn update_group(&self, group: &Group) -> Result<(), StoreError> {
        let data = serde_json::to_string(group).map_err(json_err)?;
        let done =
            sqlx::query("UPDATE user_groups SET data = ?3 WHERE pool_id = ?1 AND name_key = ?2")
                .bind(group.pool_id.as_str())
                .bind(group.key())
                .bind(&data)
                .execute(&self.pool)
                .await
                .map_err(map_err)?;
        found(done.rows_affected())
    }

    async fn delete_group(&self, pool_id: &UserPoolId, name: &str) -> Result<(), StoreError> {
        // Memberships go by ON DELETE CASCADE, in the same implicit transaction.
        let done = sqlx::query("DELETE FROM user_groups WHERE pool_id = ?1 AND name_key = ?2")
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
        let sql = format!(
            "SELECT data FROM user_groups WHERE pool_id = ?1{} ORDER BY name_key LIMIT ?2",
            after_clause(after, "name_key", 3)
        );
        let rows: Vec<String> = sqlx::query_scalar(&sql)
            .bind(pool_id.as_str())
            .bind(fetch_limit(limit))
            .bind(after)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(page(decode_all(&rows)?, limit, Group::key))
    }

    async fn add_group_member(
        &self,
        pool_id: &UserPoolId,
        group_name: &str,
        username_key: &str,
    ) -> Result<(), StoreError> {
        // A missing group or user fails a foreign key: NotFound. DO NOTHING does not cover
        // foreign keys, only the membership already being there.
        sqlx::query(
            "INSERT INTO group_members (pool_id, group_key, username_key) VALUES (?1, ?2, ?3) \
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
            "DELETE FROM group_members WHERE pool_id = ?1 AND group_key = ?2 AND username_key = ?3",
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
        let sql = format!(
            "SELECT g.data FROM group_members m INDEXED BY group_members_user_idx \
             CROSS JOIN user_groups g ON g.pool_id = m.pool_id AND g.name_key = m.group_key \
             WHERE m.pool_id = ?1 AND m.username_key = ?2{} ORDER BY m.group_key LIMIT ?3",
            after_clause(after, "m.group_key", 4)
        );
        let rows: Vec<String> = sqlx::query_scalar(&sql)
            .bind(pool_id.as_str())
            .bind(username_key)
            .bind(fetch_limit(limit))
            .bind(after)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(page(decode_all(&rows)?, limit, Group::key))
    }

    async fn list_group_members(
        &self,
        pool_id: &UserPoolId,
        group_name: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<User>, StoreError> {
        let sql = format!(
            "SELECT u.data FROM group_members m \
             CROSS JOIN users u ON u.pool_id = m.pool_id AND u.username_key = m.username_key \
             WHERE m.pool_id = ?1 AND m.group_key = ?2{} ORDER BY m.username_key LIMIT ?3",
            after_clause(after, "m.username_key", 4)
        );
        let rows: Vec<String> = sqlx::query_scalar(&sql)
            .bind(pool_id.as_str())
            .bind(group_key(group_name))
            .bind(fetch_limit(limit))
            .bind(after)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        let users: Vec<User> = decode_all(&rows)?;
        Ok(page(users, limit, |user| user.username_key.clone()))
    }
}
