//! Groups and their members.

use cognate_domain::group::{Group, group_key};
use cognate_domain::ids::UserPoolId;
use cognate_domain::listing::{fetch_limit, page};
use cognate_domain::user::User;
use cognate_domain::{Page, StoreError};
use sqlx::types::Json;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Type};

use crate::read_cache::{ReadCache, cached_user_groups};
use crate::{Dialect, found};

/// Each backend's SQL for `GroupStore`; the parameters are numbered as the comments say. The
/// listings come as a first-page and a next-page statement, which may be the same: the start
/// key is bound after the others, as `''` on the first page.
#[derive(Debug)]
pub struct GroupSql {
    /// pool_id, name_key, name, created_at, data; a taken name fails as
    /// `Conflict { GROUPS_POOL_NAME_KEY }`
    pub create: &'static str,
    /// pool_id, name_key
    pub get: &'static str,
    /// pool_id, name_key, data
    pub update: &'static str,
    /// pool_id, name_key (memberships go by `ON DELETE CASCADE`)
    pub delete: &'static str,
    /// pool_id, limit, name_key after
    pub list_first: &'static str,
    pub list_after: &'static str,
    /// pool_id, group_key, username_key; an existing membership is kept
    pub add_member: &'static str,
    /// pool_id, group_key, username_key
    pub remove_member: &'static str,
    /// pool_id, username_key, limit, group_key after: the groups' data
    pub user_groups_first: &'static str,
    pub user_groups_after: &'static str,
    /// pool_id, group_key, limit, username_key after: the users' data
    pub members_first: &'static str,
    pub members_after: &'static str,
}

/// `GroupStore` over one backend's pool and SQL.
pub struct Groups<'a, D: Dialect> {
    pub pool: &'a Pool<D::Db>,
    pub sql: &'static GroupSql,
    /// Where users' groups are kept (`ReadCache::user_groups`; see `read_cache`).
    pub cache: Option<&'a ReadCache>,
}

/// The statement for a page: the first, or one continuing after a key (separate statements,
/// so that the first page and the next ones are both plain index ranges).
fn paged(after: Option<&str>, first: &'static str, next: &'static str) -> &'static str {
    match after {
        Some(_) => next,
        None => first,
    }
}

fn unwrap_all<T>(rows: Vec<Json<T>>) -> Vec<T> {
    rows.into_iter().map(|Json(item)| item).collect()
}

impl<D: Dialect> Groups<'_, D>
where
    for<'c> &'c mut <D::Db as Database>::Connection: Executor<'c, Database = D::Db>,
    for<'q> <D::Db as Database>::Arguments<'q>: IntoArguments<'q, D::Db>,
    usize: ColumnIndex<<D::Db as Database>::Row>,
    for<'q> &'q str: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> i64: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> Json<&'q Group>: Encode<'q, D::Db> + Type<D::Db>,
    Json<Group>: for<'r> Decode<'r, D::Db> + Type<D::Db>,
    Json<User>: for<'r> Decode<'r, D::Db> + Type<D::Db>,
{
    pub async fn create(&self, group: &Group) -> Result<(), StoreError> {
        sqlx::query(self.sql.create)
            .bind(group.pool_id.as_str())
            .bind(group.key().as_str())
            .bind(group.name.as_str())
            .bind(group.created_at.millis())
            .bind(Json(group))
            .execute(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(())
    }

    pub async fn get(&self, pool_id: &UserPoolId, name: &str) -> Result<Group, StoreError> {
        let Json(group) = sqlx::query_scalar(self.sql.get)
            .bind(pool_id.as_str())
            .bind(group_key(name).as_str())
            .fetch_one(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(group)
    }

    pub async fn update(&self, group: &Group) -> Result<(), StoreError> {
        let done = sqlx::query(self.sql.update)
            .bind(group.pool_id.as_str())
            .bind(group.key().as_str())
            .bind(Json(group))
            .execute(self.pool)
            .await;
        self.forget_pool_groups(&group.pool_id);
        found(D::rows_affected(&done.map_err(D::map_err)?))
    }

    pub async fn delete(&self, pool_id: &UserPoolId, name: &str) -> Result<(), StoreError> {
        let done = sqlx::query(self.sql.delete)
            .bind(pool_id.as_str())
            .bind(group_key(name).as_str())
            .execute(self.pool)
            .await;
        self.forget_pool_groups(pool_id);
        found(D::rows_affected(&done.map_err(D::map_err)?))
    }

    /// After a group's update or deletion has run, whether or not it succeeded.
    fn forget_pool_groups(&self, pool_id: &UserPoolId) {
        if let Some(cache) = self.cache {
            cache.forget_pool_groups(pool_id.as_str());
        }
    }

    pub async fn list(
        &self,
        pool_id: &UserPoolId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<Group>, StoreError> {
        let sql = paged(after, self.sql.list_first, self.sql.list_after);
        let rows: Vec<Json<Group>> = sqlx::query_scalar(sql)
            .bind(pool_id.as_str())
            .bind(fetch_limit(limit))
            .bind(after.unwrap_or(""))
            .fetch_all(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(page(unwrap_all(rows), limit, Group::key))
    }

    pub async fn add_member(
        &self,
        pool_id: &UserPoolId,
        group_name: &str,
        username_key: &str,
    ) -> Result<(), StoreError> {
        // A missing group or user fails a foreign key: NotFound. DO NOTHING covers only the
        // membership already being there.
        self.membership(self.sql.add_member, pool_id, group_name, username_key)
            .await
    }

    pub async fn remove_member(
        &self,
        pool_id: &UserPoolId,
        group_name: &str,
        username_key: &str,
    ) -> Result<(), StoreError> {
        self.membership(self.sql.remove_member, pool_id, group_name, username_key)
            .await
    }

    async fn membership(
        &self,
        sql: &'static str,
        pool_id: &UserPoolId,
        group_name: &str,
        username_key: &str,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(sql)
            .bind(pool_id.as_str())
            .bind(group_key(group_name).as_str())
            .bind(username_key)
            .execute(self.pool)
            .await;
        if let Some(cache) = self.cache {
            cache.forget_user_groups(pool_id.as_str(), username_key);
        }
        done.map_err(D::map_err)?;
        Ok(())
    }

    pub async fn user_groups(
        &self,
        pool_id: &UserPoolId,
        username_key: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<Group>, StoreError> {
        let read = self.read_user_groups(pool_id, username_key, after, limit);
        match after {
            // The first page is what every token issued to the user reads.
            None => cached_user_groups(self.cache, pool_id, username_key, limit, read).await,
            Some(_) => read.await,
        }
    }

    async fn read_user_groups(
        &self,
        pool_id: &UserPoolId,
        username_key: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<Group>, StoreError> {
        let sql = paged(
            after,
            self.sql.user_groups_first,
            self.sql.user_groups_after,
        );
        let rows: Vec<Json<Group>> = sqlx::query_scalar(sql)
            .bind(pool_id.as_str())
            .bind(username_key)
            .bind(fetch_limit(limit))
            .bind(after.unwrap_or(""))
            .fetch_all(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(page(unwrap_all(rows), limit, Group::key))
    }

    pub async fn members(
        &self,
        pool_id: &UserPoolId,
        group_name: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<User>, StoreError> {
        let sql = paged(after, self.sql.members_first, self.sql.members_after);
        let rows: Vec<Json<User>> = sqlx::query_scalar(sql)
            .bind(pool_id.as_str())
            .bind(group_key(group_name).as_str())
            .bind(fetch_limit(limit))
            .bind(after.unwrap_or(""))
            .fetch_all(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(page(unwrap_all(rows), limit, |user| {
            user.username_key.clone()
        }))
    }
}

/// Implements `GroupStore` for a backend's store (a type with a `pool` field) with [`Groups`]
/// over the backend's dialect and SQL (a macro for the reason `impl_hosted_store!` gives).
#[macro_export]
macro_rules! impl_group_store {
    ($store:ty, $dialect:ty, $sql:expr) => {
        impl $store {
            fn groups(&self) -> $crate::groups::Groups<'_, $dialect> {
                $crate::groups::Groups {
                    pool: &self.pool,
                    sql: &$sql,
                    cache: self.read_cache(),
                }
            }
        }

        #[$crate::async_trait]
        impl ::cognate_domain::group::GroupStore for $store {
            async fn create_group(
                &self,
                group: &::cognate_domain::group::Group,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.groups().create(group).await
            }

            async fn get_group(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                name: &str,
            ) -> Result<::cognate_domain::group::Group, ::cognate_domain::StoreError> {
                self.groups().get(pool_id, name).await
            }

            async fn update_group(
                &self,
                group: &::cognate_domain::group::Group,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.groups().update(group).await
            }

            async fn delete_group(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                name: &str,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.groups().delete(pool_id, name).await
            }

            async fn list_groups(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                after: Option<&str>,
                limit: usize,
            ) -> Result<
                ::cognate_domain::Page<::cognate_domain::group::Group>,
                ::cognate_domain::StoreError,
            > {
                self.groups().list(pool_id, after, limit).await
            }

            async fn add_group_member(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                group_name: &str,
                username_key: &str,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.groups()
                    .add_member(pool_id, group_name, username_key)
                    .await
            }

            async fn remove_group_member(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                group_name: &str,
                username_key: &str,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.groups()
                    .remove_member(pool_id, group_name, username_key)
                    .await
            }

            async fn list_user_groups(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                username_key: &str,
                after: Option<&str>,
                limit: usize,
            ) -> Result<
                ::cognate_domain::Page<::cognate_domain::group::Group>,
                ::cognate_domain::StoreError,
            > {
                self.groups()
                    .user_groups(pool_id, username_key, after, limit)
                    .await
            }

            async fn list_group_members(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                group_name: &str,
                after: Option<&str>,
                limit: usize,
            ) -> Result<
                ::cognate_domain::Page<::cognate_domain::user::User>,
                ::cognate_domain::StoreError,
            > {
                self.groups()
                    .members(pool_id, group_name, after, limit)
                    .await
            }
        }
    };
}
