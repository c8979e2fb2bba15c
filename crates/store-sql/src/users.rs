//! Users: a row each (the document, and the columns ListUsers reads and filters on) with their
//! attribute and alias rows.

use std::future::Future;

use cognate_domain::ids::{Sub, UserPoolId};
use cognate_domain::listing::{FilterPlan, ListedUser};
use cognate_domain::user::{User, UserFilter};
use cognate_domain::{Page, StoreError};
use sqlx::types::Json;
use sqlx::{
    ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, QueryBuilder, Row,
    Transaction, Type,
};

use crate::listed_users::{After, WalkEntry, decode_page, decode_users, decode_walk, page_of_walk};
use crate::listing_sql::{ListingSql, list_users_query, listed_users_query, page_keys_query};
use crate::read_cache::{
    ReadCache, before_user_write, cached_user, forget_user, keep_listed_users, kept_listed_users,
    saved_user,
};
use crate::{Dialect, found};

/// Each backend's SQL for `UserStore`; the parameters are numbered as the comments say. The
/// attribute and alias rows and the ListUsers statement differ in more than SQL: see
/// `UserDialect`.
#[derive(Debug)]
pub struct UserSql {
    /// pool_id, username_key, username, sub, status, enabled, created_at, last_modified_at,
    /// data, version
    pub insert: &'static str,
    /// pool_id, username_key: data
    pub get: &'static str,
    /// pool_id, sub: data
    pub by_sub: &'static str,
    /// pool_id, name, value_key: the data of the user holding the alias
    pub by_alias: &'static str,
    /// pool_id, username_key: a row when the user exists
    pub exists: &'static str,
    /// pool_id, username_key, username, sub, status, enabled, created_at, last_modified_at,
    /// data, version: only while the stored version is `version`, which it then bumps
    pub update: &'static str,
    /// pool_id, username_key, data, version: as `update`, the document alone
    pub update_extra: &'static str,
    /// pool_id, username_key: the user's attribute rows
    pub delete_attributes: &'static str,
    /// pool_id, username_key: the user's alias rows
    pub delete_aliases: &'static str,
    /// pool_id, username_key (attribute and alias rows go by `ON DELETE CASCADE`)
    pub delete: &'static str,
}

/// What the backends do their own way: how many statements a user's attribute and alias rows
/// take, and the ListUsers statement (index hints and JSON aggregates).
pub trait UserDialect: Dialect {
    /// Writes the attribute and alias rows of `user` (whose old rows, if any, are gone).
    fn insert_rows(
        tx: &mut Transaction<'static, Self::Db>,
        user: &User,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The text of the ListUsers statements.
    const LISTING: ListingSql;
}

/// `UserStore` over one backend's pool and SQL.
pub struct Users<'a, D: Dialect> {
    pub pool: &'a Pool<D::Db>,
    pub sql: &'static UserSql,
    /// Decoded users, where the backend may keep them (see `read_cache`).
    pub cache: Option<&'a ReadCache>,
}

impl<D: UserDialect> Users<'_, D>
where
    for<'c> &'c mut <D::Db as Database>::Connection: Executor<'c, Database = D::Db>,
    for<'q> <D::Db as Database>::Arguments<'q>: IntoArguments<'q, D::Db>,
    usize: ColumnIndex<<D::Db as Database>::Row>,
    for<'q> &'q str: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> i64: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> bool: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> String: Encode<'q, D::Db>,
    for<'q> Json<&'q User>: Encode<'q, D::Db> + Type<D::Db>,
    bool: for<'r> Decode<'r, D::Db>,
    String: for<'r> Decode<'r, D::Db> + Type<D::Db>,
    Json<User>: for<'r> Decode<'r, D::Db> + Type<D::Db>,
{
    pub async fn create(&self, user: &User) -> Result<(), StoreError> {
        let mut tx = D::begin_write(self.pool).await?;
        self.insert(&mut tx, user).await?;
        tx.commit().await.map_err(D::map_err)
    }

    /// Writes a new user in `tx`: its row, attributes and aliases.
    pub async fn insert(
        &self,
        tx: &mut Transaction<'static, D::Db>,
        user: &User,
    ) -> Result<(), StoreError> {
        sqlx::query(self.sql.insert)
            .bind(user.pool_id.as_str())
            .bind(user.username_key.as_str())
            .bind(user.username.as_str())
            .bind(user.sub.as_str())
            .bind(user.status.as_str())
            .bind(user.enabled)
            .bind(user.created_at.millis())
            .bind(user.last_modified_at.millis())
            .bind(Json(user))
            .bind(user.version)
            .execute(&mut **tx)
            .await
            .map_err(D::map_err)?;
        D::insert_rows(tx, user).await
    }

    pub async fn get(&self, pool_id: &UserPoolId, username_key: &str) -> Result<User, StoreError> {
        let keys = [username_key];
        let read = self.fetch(self.sql.get, pool_id, &keys);
        cached_user(self.cache, pool_id, username_key, read).await
    }

    pub async fn get_by_sub(&self, pool_id: &UserPoolId, sub: &Sub) -> Result<User, StoreError> {
        self.fetch(self.sql.by_sub, pool_id, &[sub.as_str()]).await
    }

    pub async fn get_by_alias(
        &self,
        pool_id: &UserPoolId,
        name: &str,
        value_key: &str,
    ) -> Result<User, StoreError> {
        self.fetch(self.sql.by_alias, pool_id, &[name, value_key])
            .await
    }

    /// The user whose document `sql` selects by `pool_id` and `keys`.
    async fn fetch(
        &self,
        sql: &'static str,
        pool_id: &UserPoolId,
        keys: &[&str],
    ) -> Result<User, StoreError> {
        let mut query = sqlx::query_scalar(sql).bind(pool_id.as_str());
        for key in keys {
            query = query.bind(*key);
        }
        let Json(user) = query.fetch_one(self.pool).await.map_err(D::map_err)?;
        Ok(user)
    }

    pub async fn update(&self, user: &User) -> Result<(), StoreError> {
        let saved = self.save(user).await;
        forget_user(self.cache, user.pool_id.as_str(), &user.username_key);
        saved
    }

    pub async fn update_extra(&self, user: &User) -> Result<(), StoreError> {
        let before = before_user_write(self.cache);
        match self.save_extra(user).await {
            Ok(saved) => {
                saved_user(self.cache, saved, before);
                Ok(())
            }
            Err(error) => {
                forget_user(self.cache, user.pool_id.as_str(), &user.username_key);
                Err(error)
            }
        }
    }

    /// `update`'s write: the document and its attribute and alias rows, if the stored version
    /// is still `user.version`.
    async fn save(&self, user: &User) -> Result<(), StoreError> {
        let saved = User {
            version: user.version + 1,
            ..user.clone()
        };
        // Bound (so encoded) before the transaction begins: SQLite's holds the write lock.
        let update = sqlx::query(self.sql.update)
            .bind(user.pool_id.as_str())
            .bind(user.username_key.as_str())
            .bind(user.username.as_str())
            .bind(user.sub.as_str())
            .bind(user.status.as_str())
            .bind(user.enabled)
            .bind(user.created_at.millis())
            .bind(user.last_modified_at.millis())
            .bind(Json(&saved))
            .bind(user.version);
        let mut tx = D::begin_write(self.pool).await?;
        let done = update.execute(&mut *tx).await.map_err(D::map_err)?;
        if D::rows_affected(&done) == 0 {
            return Err(self.missing_or_changed(&mut *tx, user).await);
        }
        for sql in [self.sql.delete_attributes, self.sql.delete_aliases] {
            sqlx::query(sql)
                .bind(user.pool_id.as_str())
                .bind(user.username_key.as_str())
                .execute(&mut *tx)
                .await
                .map_err(D::map_err)?;
        }
        D::insert_rows(&mut tx, user).await?;
        tx.commit().await.map_err(D::map_err)
    }

    /// `update_extra`'s write: the document and version alone, if the stored version is still
    /// `user.version`; returns the user as now stored. One statement in its own transaction:
    /// no BEGIN or COMMIT (on SQLite each a round trip to the connection's thread) and no row
    /// rewrites. On Postgres its UPDATE notifies other replicas like any other (migration
    /// 0008's trigger).
    async fn save_extra(&self, user: &User) -> Result<User, StoreError> {
        let saved = User {
            version: user.version + 1,
            ..user.clone()
        };
        let done = sqlx::query(self.sql.update_extra)
            .bind(user.pool_id.as_str())
            .bind(user.username_key.as_str())
            .bind(Json(&saved))
            .bind(user.version)
            .execute(self.pool)
            .await
            .map_err(D::map_err)?;
        if D::rows_affected(&done) == 0 {
            return Err(self.missing_or_changed(self.pool, user).await);
        }
        Ok(saved)
    }

    /// Why a versioned update matched no row: the user is gone, or another write changed it
    /// first.
    async fn missing_or_changed<'e>(
        &self,
        executor: impl Executor<'e, Database = D::Db>,
        user: &User,
    ) -> StoreError {
        let exists = sqlx::query_scalar::<_, bool>(self.sql.exists)
            .bind(user.pool_id.as_str())
            .bind(user.username_key.as_str())
            .fetch_optional(executor)
            .await;
        match exists {
            Ok(Some(_)) => StoreError::Conflict {
                constraint: "users_version".into(),
            },
            Ok(None) => StoreError::NotFound,
            Err(error) => D::map_err(error),
        }
    }

    pub async fn delete(&self, pool_id: &UserPoolId, username_key: &str) -> Result<(), StoreError> {
        // Attribute and alias rows go by ON DELETE CASCADE, in the statement's own transaction.
        let done = sqlx::query(self.sql.delete)
            .bind(pool_id.as_str())
            .bind(username_key)
            .execute(self.pool)
            .await;
        forget_user(self.cache, pool_id.as_str(), username_key);
        found(D::rows_affected(&done.map_err(D::map_err)?))
    }

    pub async fn list(
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
        match self.cache {
            Some(cache) => {
                self.list_through(cache, pool_id, &plan, after.as_ref(), limit)
                    .await
            }
            None => {
                let query = list_users_query(
                    &D::LISTING,
                    "",
                    pool_id.as_str(),
                    &plan,
                    after.as_ref(),
                    limit,
                );
                decode_page(&self.text_of(query).await?, limit, &plan)
            }
        }
    }

    /// A page where the backend keeps listed users: the page's index walk, then its users from
    /// the cache, those it does not hold read together (and kept). A page of users listed
    /// before reads no user row.
    async fn list_through(
        &self,
        cache: &ReadCache,
        pool_id: &UserPoolId,
        plan: &FilterPlan,
        after: Option<&After>,
        limit: usize,
    ) -> Result<Page<ListedUser>, StoreError> {
        let walked = self
            .text_of(page_keys_query(
                &D::LISTING,
                "",
                pool_id.as_str(),
                plan,
                after,
                limit,
            ))
            .await?;
        let walk = decode_walk(&walked)?;
        let keys = walk.iter().map(|WalkEntry(_, key)| key.as_ref());
        let (mut users, missing, generation) = kept_listed_users(cache, pool_id.as_str(), keys);
        if !missing.is_empty() {
            let query = listed_users_query(&D::LISTING, "", pool_id.as_str(), &missing);
            let read = decode_users(&self.text_of(query).await?)?;
            keep_listed_users(cache, pool_id.as_str(), &read, generation);
            users.extend(read);
        }
        Ok(page_of_walk(walk, users, limit, plan))
    }

    /// The text of the one row `query` selects.
    async fn text_of(&self, mut query: QueryBuilder<'_, D::Db>) -> Result<String, StoreError> {
        D::build(&mut query)
            .try_map(|row| row.try_get(0))
            .fetch_one(self.pool)
            .await
            .map_err(D::map_err)
    }
}

/// Implements `UserStore` for a backend's store (a type with a `pool` field) with [`Users`]
/// over the backend's dialect and SQL, and `bulk` (an async fn of the store and the users) for
/// `create_users_bulk` (a macro for the reason `impl_hosted_store!` gives).
#[macro_export]
macro_rules! impl_user_store {
    ($store:ty, $dialect:ty, $sql:expr, $bulk:path) => {
        impl $store {
            pub(crate) fn users(&self) -> $crate::users::Users<'_, $dialect> {
                $crate::users::Users {
                    pool: &self.pool,
                    sql: &$sql,
                    cache: self.read_cache(),
                }
            }
        }

        #[$crate::async_trait]
        impl ::cognate_domain::store::UserStore for $store {
            async fn create_user(
                &self,
                user: &::cognate_domain::user::User,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.users().create(user).await
            }

            async fn create_users_bulk(
                &self,
                users: &[::cognate_domain::user::User],
            ) -> Result<Vec<Result<(), ::cognate_domain::StoreError>>, ::cognate_domain::StoreError>
            {
                $bulk(self, users).await
            }

            async fn get_user(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                username_key: &str,
            ) -> Result<::cognate_domain::user::User, ::cognate_domain::StoreError> {
                self.users().get(pool_id, username_key).await
            }

            async fn get_user_by_sub(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                sub: &::cognate_domain::ids::Sub,
            ) -> Result<::cognate_domain::user::User, ::cognate_domain::StoreError> {
                self.users().get_by_sub(pool_id, sub).await
            }

            async fn get_user_by_alias(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                name: &str,
                value_key: &str,
            ) -> Result<::cognate_domain::user::User, ::cognate_domain::StoreError> {
                self.users().get_by_alias(pool_id, name, value_key).await
            }

            async fn update_user(
                &self,
                user: &::cognate_domain::user::User,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.users().update(user).await
            }

            async fn update_user_extra(
                &self,
                user: &::cognate_domain::user::User,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.users().update_extra(user).await
            }

            async fn delete_user(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                username_key: &str,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.users().delete(pool_id, username_key).await
            }

            async fn list_users(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                filter: Option<&::cognate_domain::user::UserFilter>,
                after: Option<&str>,
                limit: usize,
            ) -> Result<
                ::cognate_domain::Page<::cognate_domain::listing::ListedUser>,
                ::cognate_domain::StoreError,
            > {
                self.users().list(pool_id, filter, after, limit).await
            }
        }
    };
}
