use async_trait::async_trait;
use cognate_domain::ids::{Sub, UserPoolId};
use cognate_domain::store::UserStore;
use cognate_domain::user::{User, UserFilter};
use cognate_domain::{Page, StoreError};
use sqlx::types::Json;
use sqlx::{Postgres, QueryBuilder, Transaction};

use crate::PgStore;
use crate::error::map_err;
use cognate_domain::listing::{FilterPlan, ListedUser, fetch_limit};
use cognate_store_sql::found;
use cognate_store_sql::listed_users::{After, decode_page};
use cognate_store_sql::listing_sql::{
    AttributeFilter, push_attribute_keys, push_key_order, push_match,
};
use cognate_store_sql::read_cache::{before_user_write, cached_user, forget_user, saved_user};

/// Writes the attribute and alias rows of `user` (whose old rows, if any, are gone): one
/// statement each, whatever the number of rows.
async fn insert_rows(
    tx: &mut Transaction<'static, Postgres>,
    user: &User,
) -> Result<(), StoreError> {
    if !user.attributes.is_empty() {
        let (names, values): (Vec<&str>, Vec<&str>) = user
            .attributes
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .unzip();
        sqlx::query(
            "INSERT INTO user_attributes (pool_id, username_key, name, value) \
             SELECT $1, $2, name, value FROM UNNEST($3::text[], $4::text[]) AS t (name, value)",
        )
        .bind(user.pool_id.as_str())
        .bind(&user.username_key)
        .bind(names)
        .bind(values)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    }
    if !user.aliases.is_empty() {
        let (names, values): (Vec<&str>, Vec<&str>) = user
            .aliases
            .iter()
            .map(|alias| (alias.name.as_str(), alias.value_key.as_str()))
            .unzip();
        sqlx::query(
            "INSERT INTO user_aliases (pool_id, name, value_key, username_key) \
             SELECT $1, name, value_key, $2 FROM UNNEST($3::text[], $4::text[]) AS t (name, value_key)",
        )
        .bind(user.pool_id.as_str())
        .bind(&user.username_key)
        .bind(names)
        .bind(values)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    }
    Ok(())
}

/// Why a versioned update matched no row: the user is gone, or another write changed it first.
async fn missing_or_changed<'e>(
    executor: impl sqlx::Executor<'e, Database = Postgres>,
    user: &User,
) -> StoreError {
    let exists = sqlx::query_scalar::<_, bool>(
        "SELECT TRUE FROM users WHERE pool_id = $1 AND username_key = $2",
    )
    .bind(user.pool_id.as_str())
    .bind(&user.username_key)
    .fetch_optional(executor)
    .await;
    match exists {
        Ok(Some(_)) => StoreError::Conflict {
            constraint: "users_version".into(),
        },
        Ok(None) => StoreError::NotFound,
        Err(error) => map_err(error),
    }
}

/// The ListUsers statement. The inner query takes the page's username keys from one index range
/// (primary key, status index, or the attribute filter index, which holds the keys too); only
/// those users are then read, and one aggregate turns them into the JSON array that
/// `cognate_store_sql::listed_users` decodes, each user's attributes read from their primary key
/// range; no user document is read. The keys come in the index's order (`listing_sql`: an
/// attribute filter's page is a walk of at most 61 index entries, however many users match).
/// `head` goes before the statement (`EXPLAIN` in the tests).
pub(crate) fn list_users_query<'a>(
    head: &str,
    pool_id: &'a UserPoolId,
    plan: &FilterPlan,
    after: Option<&After>,
    limit: usize,
) -> QueryBuilder<'a, Postgres> {
    let mut query = QueryBuilder::new(head);
    query.push(
        "SELECT coalesce(json_agg(json_build_array(u.username_key, u.username, u.status, \
         u.enabled::int, u.created_at, u.last_modified_at, (SELECT coalesce(json_object_agg(ua.name, ua.value), '{}') \
         FROM user_attributes ua WHERE ua.pool_id = u.pool_id AND ua.username_key = u.username_key))), '[]')::text FROM (",
    );
    let limit = fetch_limit(limit);
    match plan {
        FilterPlan::Attribute { name, value } => {
            let filter = AttributeFilter {
                pool_id: pool_id.as_str(),
                name,
                value,
            };
            push_attribute_keys(&mut query, "FROM user_attributes a", &filter, after, limit);
        }
        _ => {
            query
                .push("SELECT s.username_key AS k FROM users s WHERE s.pool_id = ")
                .push_bind(pool_id.as_str());
            match plan {
                FilterPlan::Username(value) => push_match(&mut query, "s.username_key", value),
                FilterPlan::Status(value) => push_match(&mut query, "s.status", value),
                FilterPlan::Enabled(enabled) => {
                    query.push(" AND s.enabled = ").push_bind(*enabled);
                }
                FilterPlan::All | FilterPlan::Nothing | FilterPlan::Attribute { .. } => {}
            }
            push_key_order(&mut query, after, limit);
        }
    }
    query
        .push(") p JOIN users u ON u.pool_id = ")
        .push_bind(pool_id.as_str())
        .push(" AND u.username_key = p.k");
    query
}

impl PgStore {
    async fn fetch_user(
        &self,
        sql: &str,
        pool_id: &UserPoolId,
        keys: &[&str],
    ) -> Result<User, StoreError> {
        let mut query = sqlx::query_scalar(sql).bind(pool_id.as_str());
        for key in keys {
            query = query.bind(*key);
        }
        let Json(user) = query.fetch_one(&self.pool).await.map_err(map_err)?;
        Ok(user)
    }

    /// `update_user`'s write: the document and its attribute and alias rows, if the stored
    /// version is still `user.version`.
    async fn save_user(&self, user: &User) -> Result<(), StoreError> {
        let saved = User {
            version: user.version + 1,
            ..user.clone()
        };
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let done = sqlx::query(
            "UPDATE users SET username = $3, sub = $4, status = $5, enabled = $6, created_at = $7, \
             last_modified_at = $8, data = $9, version = $10 + 1 \
             WHERE pool_id = $1 AND username_key = $2 AND version = $10",
        )
        .bind(user.pool_id.as_str())
        .bind(&user.username_key)
        .bind(&user.username)
        .bind(user.sub.as_str())
        .bind(user.status.as_str())
        .bind(user.enabled)
        .bind(user.created_at.millis())
        .bind(user.last_modified_at.millis())
        .bind(Json(&saved))
        .bind(user.version)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(missing_or_changed(&mut *tx, user).await);
        }
        for sql in [
            "DELETE FROM user_attributes WHERE pool_id = $1 AND username_key = $2",
            "DELETE FROM user_aliases WHERE pool_id = $1 AND username_key = $2",
        ] {
            sqlx::query(sql)
                .bind(user.pool_id.as_str())
                .bind(&user.username_key)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        insert_rows(&mut tx, user).await?;
        tx.commit().await.map_err(map_err)
    }

    /// `update_user_extra`'s write: the document and version alone, if the stored version is
    /// still `user.version`; returns the user as now stored. One statement in its own
    /// transaction (no BEGIN and COMMIT round trips); its UPDATE notifies other replicas like
    /// any other (migration 0008's trigger).
    async fn save_extra(&self, user: &User) -> Result<User, StoreError> {
        let saved = User {
            version: user.version + 1,
            ..user.clone()
        };
        let done = sqlx::query(
            "UPDATE users SET data = $3, version = $4 + 1 \
             WHERE pool_id = $1 AND username_key = $2 AND version = $4",
        )
        .bind(user.pool_id.as_str())
        .bind(&user.username_key)
        .bind(Json(&saved))
        .bind(user.version)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(missing_or_changed(&self.pool, user).await);
        }
        Ok(saved)
    }
}

#[async_trait]
impl UserStore for PgStore {
    async fn create_user(&self, user: &User) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        sqlx::query(
            "INSERT INTO users (pool_id, username_key, username, sub, status, enabled, created_at, last_modified_at, data, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(user.pool_id.as_str())
        .bind(&user.username_key)
        .bind(&user.username)
        .bind(user.sub.as_str())
        .bind(user.status.as_str())
        .bind(user.enabled)
        .bind(user.created_at.millis())
        .bind(user.last_modified_at.millis())
        .bind(Json(user))
        .bind(user.version)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        insert_rows(&mut tx, user).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn create_users_bulk(
        &self,
        users: &[User],
    ) -> Result<Vec<Result<(), StoreError>>, StoreError> {
        crate::bulk::create_users(self, users).await
    }

    async fn get_user(&self, pool_id: &UserPoolId, username_key: &str) -> Result<User, StoreError> {
        let keys = [username_key];
        let read = self.fetch_user(
            "SELECT data FROM users WHERE pool_id = $1 AND username_key = $2",
            pool_id,
            &keys,
        );
        cached_user(self.read_cache(), pool_id, username_key, read).await
    }

    async fn get_user_by_sub(&self, pool_id: &UserPoolId, sub: &Sub) -> Result<User, StoreError> {
        self.fetch_user(
            "SELECT data FROM users WHERE pool_id = $1 AND sub = $2",
            pool_id,
            &[sub.as_str()],
        )
        .await
    }

    async fn get_user_by_alias(
        &self,
        pool_id: &UserPoolId,
        name: &str,
        value_key: &str,
    ) -> Result<User, StoreError> {
        self.fetch_user(
            "SELECT u.data FROM user_aliases a JOIN users u \
             ON u.pool_id = a.pool_id AND u.username_key = a.username_key \
             WHERE a.pool_id = $1 AND a.name = $2 AND a.value_key = $3",
            pool_id,
            &[name, value_key],
        )
        .await
    }

    async fn update_user(&self, user: &User) -> Result<(), StoreError> {
        let saved = self.save_user(user).await;
        forget_user(self.read_cache(), user.pool_id.as_str(), &user.username_key);
        saved
    }

    async fn update_user_extra(&self, user: &User) -> Result<(), StoreError> {
        let before = before_user_write(self.read_cache());
        match self.save_extra(user).await {
            Ok(saved) => {
                saved_user(self.read_cache(), saved, before);
                Ok(())
            }
            Err(error) => {
                forget_user(self.read_cache(), user.pool_id.as_str(), &user.username_key);
                Err(error)
            }
        }
    }

    async fn delete_user(
        &self,
        pool_id: &UserPoolId,
        username_key: &str,
    ) -> Result<(), StoreError> {
        // Attribute and alias rows go by ON DELETE CASCADE, in the statement's own transaction.
        let done = sqlx::query("DELETE FROM users WHERE pool_id = $1 AND username_key = $2")
            .bind(pool_id.as_str())
            .bind(username_key)
            .execute(&self.pool)
            .await;
        forget_user(self.read_cache(), pool_id.as_str(), username_key);
        found(done.map_err(map_err)?.rows_affected())
    }

    async fn list_users(
        &self,
        pool_id: &UserPoolId,
        filter: Option<&UserFilter>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<ListedUser>, StoreError> {
        let plan = FilterPlan::new(filter);
        if plan == FilterPlan::Nothing {
            return Ok(Page {
                items: Vec::new(),
                next: None,
            });
        }
        let after = After::parse(&plan, after)?;
        let json: String = list_users_query("", pool_id, &plan, after.as_ref(), limit)
            .build_query_scalar()
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        decode_page(&json, limit, &plan)
    }
}
