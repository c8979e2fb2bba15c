//! `IdentityStore`: identity pools, identities with their logins, issuer keys.

use std::future::Future;

use cognate_domain::identity::{Identity, IdentityKeyRecord, IdentityLogin, IdentityPool};
use cognate_domain::listing::{fetch_limit, page};
use cognate_domain::{Page, StoreError, Timestamp};
use sqlx::types::Json;
use sqlx::{
    ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Pool, Transaction,
    Type,
};

use crate::read_cache::{Documents, ReadCache, login_key};
use crate::{Dialect, found};

/// The constraint a login bound to another identity is reported under.
pub const LOGINS_KEY: &str = "identity_logins_pkey";

/// Each backend's SQL for `IdentityStore`; the parameters are numbered as the comments say.
/// Creating an identity and unlinking logins differ in more than SQL: see `IdentityDialect`.
#[derive(Debug)]
pub struct IdentitySql {
    /// id, name, created_at, data
    pub create_pool: &'static str,
    /// id
    pub get_pool: &'static str,
    /// id, name, data
    pub update_pool: &'static str,
    /// id (identities and logins go by `ON DELETE CASCADE`)
    pub delete_pool: &'static str,
    /// limit: the first page
    pub list_pools_first: &'static str,
    /// limit, id after
    pub list_pools_after: &'static str,
    /// pool_id, provider, subject: the data of the identity holding the login
    pub by_login: &'static str,
    /// id
    pub get: &'static str,
    /// id, locking the row for the rest of the transaction where the backend can
    pub get_for_update: &'static str,
    /// id, data
    pub update: &'static str,
    /// pool_id, limit: the first page
    pub list_first: &'static str,
    /// pool_id, limit, id after
    pub list_after: &'static str,
    /// id
    pub delete: &'static str,
    /// identity_id: its distinct providers, ordered
    pub providers: &'static str,
    /// identity_id: pool_id, provider, subject, ordered by provider, subject
    pub list_logins: &'static str,
    /// pool_id, provider, subject, identity_id
    pub link_login: &'static str,
    /// pool_id, provider, subject: the identity_id
    pub login_owner: &'static str,
    /// pool_id, provider, subject, identity_id to
    pub move_login: &'static str,
    /// pool_id, provider, subject, identity_id
    pub remove_login: &'static str,
    /// kid, sealed_private_key, public_jwk, created_at; a taken slot is skipped
    pub add_key: &'static str,
    /// kid, sealed_private_key, public_jwk, created_at, oldest first
    pub list_keys: &'static str,
}

/// A stored issuer key's columns, as `list_keys` selects them.
type KeyRow = (String, Vec<u8>, String, i64);
/// A login's columns, as `list_logins` selects them.
type LoginRow = (String, String, String);

/// What the backends do their own way: how racing creators of one login agree, and how many
/// statements unlinking takes.
pub trait IdentityDialect: Dialect + Sized {
    /// `IdentityStore::create_identity`.
    fn create_identity(
        store: &Identities<'_, Self>,
        identity: &Identity,
        login: Option<&IdentityLogin>,
    ) -> impl Future<Output = Result<Identity, StoreError>> + Send;

    /// `IdentityStore::unlink_logins`.
    fn unlink_logins(
        store: &Identities<'_, Self>,
        id: &str,
        providers: &[String],
    ) -> impl Future<Output = Result<Identity, StoreError>> + Send;
}

/// `IdentityStore` over one backend's pool and SQL.
pub struct Identities<'a, D: Dialect> {
    pub pool: &'a Pool<D::Db>,
    pub sql: &'static IdentitySql,
    /// Decoded identity pools and identities, where the backend may keep them (see
    /// `read_cache`).
    pub cache: Option<&'a ReadCache>,
}

impl<D: IdentityDialect> Identities<'_, D>
where
    for<'c> &'c mut <D::Db as Database>::Connection: Executor<'c, Database = D::Db>,
    for<'q> <D::Db as Database>::Arguments<'q>: IntoArguments<'q, D::Db>,
    usize: ColumnIndex<<D::Db as Database>::Row>,
    for<'q> &'q str: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> i64: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> &'q [u8]: Encode<'q, D::Db> + Type<D::Db>,
    String: for<'r> Decode<'r, D::Db> + Type<D::Db>,
    for<'q> Json<&'q IdentityPool>: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> Json<&'q Identity>: Encode<'q, D::Db> + Type<D::Db>,
    Json<IdentityPool>: for<'r> Decode<'r, D::Db> + Type<D::Db>,
    Json<Identity>: for<'r> Decode<'r, D::Db> + Type<D::Db>,
    KeyRow: for<'r> FromRow<'r, <D::Db as Database>::Row>,
    LoginRow: for<'r> FromRow<'r, <D::Db as Database>::Row>,
{
    pub async fn create_pool(&self, pool: &IdentityPool) -> Result<(), StoreError> {
        sqlx::query(self.sql.create_pool)
            .bind(pool.id.as_str())
            .bind(pool.name.as_str())
            .bind(pool.created_at.millis())
            .bind(Json(pool))
            .execute(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(())
    }

    pub async fn get_pool(&self, id: &str) -> Result<IdentityPool, StoreError> {
        let kept = self.cache.map(|cache| &cache.identity_pools);
        Documents::read_through(kept, id, || async {
            let row: Option<Json<IdentityPool>> = sqlx::query_scalar(self.sql.get_pool)
                .bind(id)
                .fetch_optional(self.pool)
                .await
                .map_err(D::map_err)?;
            Ok(row.map(|Json(pool)| pool))
        })
        .await?
        .ok_or(StoreError::NotFound)
    }

    pub async fn update_pool(&self, pool: &IdentityPool) -> Result<(), StoreError> {
        let done = sqlx::query(self.sql.update_pool)
            .bind(pool.id.as_str())
            .bind(pool.name.as_str())
            .bind(Json(pool))
            .execute(self.pool)
            .await;
        if let Some(cache) = self.cache {
            cache.identity_pools.invalidate(&pool.id);
        }
        found(D::rows_affected(&done.map_err(D::map_err)?))
    }

    pub async fn delete_pool(&self, id: &str) -> Result<(), StoreError> {
        let deleted = D::delete_cascading(self.pool, self.sql.delete_pool, id).await;
        // Its identities and logins went with it; whether or not it went through, nothing
        // read before may be served after.
        if let Some(cache) = self.cache {
            cache.identity_pools.invalidate(id);
            cache.forget_identities();
        }
        found(deleted?)
    }

    /// Runs an identity write, then (whatever its outcome) forgets the identities kept.
    async fn changing_identities<T>(
        &self,
        write: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        let outcome = write.await;
        if let Some(cache) = self.cache {
            cache.forget_identities();
        }
        outcome
    }

    pub async fn list_pools(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<IdentityPool>, StoreError> {
        let sql = match after {
            Some(_) => self.sql.list_pools_after,
            None => self.sql.list_pools_first,
        };
        let mut query = sqlx::query_scalar(sql).bind(fetch_limit(limit));
        if let Some(after) = after {
            query = query.bind(after);
        }
        let rows: Vec<Json<IdentityPool>> = query.fetch_all(self.pool).await.map_err(D::map_err)?;
        let pools = rows.into_iter().map(|Json(pool)| pool).collect();
        Ok(page(pools, limit, |pool: &IdentityPool| pool.id.clone()))
    }

    pub async fn create(
        &self,
        identity: &Identity,
        login: Option<&IdentityLogin>,
    ) -> Result<Identity, StoreError> {
        D::create_identity(self, identity, login).await
    }

    pub async fn find_by_login(
        &self,
        login: &IdentityLogin,
    ) -> Result<Option<Identity>, StoreError> {
        let kept = self.cache.map(|cache| &cache.identities_by_login);
        let key = login_key(&login.pool_id, &login.provider, &login.subject);
        Documents::read_through(kept, &key, || async {
            let row: Option<Json<Identity>> = sqlx::query_scalar(self.sql.by_login)
                .bind(login.pool_id.as_str())
                .bind(login.provider.as_str())
                .bind(login.subject.as_str())
                .fetch_optional(self.pool)
                .await
                .map_err(D::map_err)?;
            Ok(row.map(|Json(identity)| identity))
        })
        .await
    }

    pub async fn get(&self, id: &str) -> Result<Identity, StoreError> {
        let kept = self.cache.map(|cache| &cache.identities);
        Documents::read_through(kept, id, || async {
            let row: Option<Json<Identity>> = sqlx::query_scalar(self.sql.get)
                .bind(id)
                .fetch_optional(self.pool)
                .await
                .map_err(D::map_err)?;
            Ok(row.map(|Json(identity)| identity))
        })
        .await?
        .ok_or(StoreError::NotFound)
    }

    pub async fn list(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<Identity>, StoreError> {
        let sql = match after {
            Some(_) => self.sql.list_after,
            None => self.sql.list_first,
        };
        let mut query = sqlx::query_scalar(sql)
            .bind(pool_id)
            .bind(fetch_limit(limit));
        if let Some(after) = after {
            query = query.bind(after);
        }
        let rows: Vec<Json<Identity>> = query.fetch_all(self.pool).await.map_err(D::map_err)?;
        let identities = rows.into_iter().map(|Json(identity)| identity).collect();
        Ok(page(identities, limit, |identity: &Identity| {
            identity.id.clone()
        }))
    }

    pub async fn delete(&self, id: &str) -> Result<(), StoreError> {
        let deleted = self.changing_identities(D::delete_cascading(self.pool, self.sql.delete, id));
        found(deleted.await?)
    }

    pub async fn unlink_logins(
        &self,
        id: &str,
        providers: &[String],
    ) -> Result<Identity, StoreError> {
        self.changing_identities(D::unlink_logins(self, id, providers))
            .await
    }

    pub async fn list_logins(&self, identity_id: &str) -> Result<Vec<IdentityLogin>, StoreError> {
        let rows: Vec<LoginRow> = sqlx::query_as(self.sql.list_logins)
            .bind(identity_id)
            .fetch_all(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(rows
            .into_iter()
            .map(|(pool_id, provider, subject)| IdentityLogin {
                pool_id,
                provider,
                subject,
            })
            .collect())
    }

    pub async fn link_login(
        &self,
        identity_id: &str,
        login: &IdentityLogin,
    ) -> Result<Identity, StoreError> {
        self.changing_identities(self.link_login_uncached(identity_id, login))
            .await
    }

    async fn link_login_uncached(
        &self,
        identity_id: &str,
        login: &IdentityLogin,
    ) -> Result<Identity, StoreError> {
        let mut tx = D::begin_write(self.pool).await?;
        sqlx::query(self.sql.link_login)
            .bind(login.pool_id.as_str())
            .bind(login.provider.as_str())
            .bind(login.subject.as_str())
            .bind(identity_id)
            .execute(&mut *tx)
            .await
            .map_err(D::map_err)
            .map_err(|error| match error {
                StoreError::Conflict { .. } => StoreError::Conflict {
                    constraint: LOGINS_KEY.into(),
                },
                other => other,
            })?;
        let identity = self.refresh_logins(&mut tx, identity_id).await?;
        tx.commit().await.map_err(D::map_err)?;
        Ok(identity)
    }

    pub async fn move_login(
        &self,
        login: &IdentityLogin,
        to_identity_id: &str,
    ) -> Result<Identity, StoreError> {
        self.changing_identities(self.move_login_uncached(login, to_identity_id))
            .await
    }

    async fn move_login_uncached(
        &self,
        login: &IdentityLogin,
        to_identity_id: &str,
    ) -> Result<Identity, StoreError> {
        let mut tx = D::begin_write(self.pool).await?;
        let from: String = sqlx::query_scalar(self.sql.login_owner)
            .bind(login.pool_id.as_str())
            .bind(login.provider.as_str())
            .bind(login.subject.as_str())
            .fetch_one(&mut *tx)
            .await
            .map_err(D::map_err)?;
        sqlx::query(self.sql.move_login)
            .bind(login.pool_id.as_str())
            .bind(login.provider.as_str())
            .bind(login.subject.as_str())
            .bind(to_identity_id)
            .execute(&mut *tx)
            .await
            .map_err(D::map_err)?;
        self.refresh_logins(&mut tx, &from).await?;
        let identity = self.refresh_logins(&mut tx, to_identity_id).await?;
        tx.commit().await.map_err(D::map_err)?;
        Ok(identity)
    }

    pub async fn remove_login(
        &self,
        identity_id: &str,
        login: &IdentityLogin,
    ) -> Result<Identity, StoreError> {
        self.changing_identities(self.remove_login_uncached(identity_id, login))
            .await
    }

    async fn remove_login_uncached(
        &self,
        identity_id: &str,
        login: &IdentityLogin,
    ) -> Result<Identity, StoreError> {
        let mut tx = D::begin_write(self.pool).await?;
        let done = sqlx::query(self.sql.remove_login)
            .bind(login.pool_id.as_str())
            .bind(login.provider.as_str())
            .bind(login.subject.as_str())
            .bind(identity_id)
            .execute(&mut *tx)
            .await
            .map_err(D::map_err)?;
        found(D::rows_affected(&done))?;
        let identity = self.refresh_logins(&mut tx, identity_id).await?;
        tx.commit().await.map_err(D::map_err)?;
        Ok(identity)
    }

    /// Rewrites the identity's document so its `logins` list the providers bound in
    /// `identity_logins`, and returns it. `NotFound` when the identity does not exist.
    async fn refresh_logins(
        &self,
        tx: &mut Transaction<'static, D::Db>,
        identity_id: &str,
    ) -> Result<Identity, StoreError> {
        let mut identity = self.get_for_update(tx, identity_id).await?;
        identity.logins = sqlx::query_scalar(self.sql.providers)
            .bind(identity_id)
            .fetch_all(&mut **tx)
            .await
            .map_err(D::map_err)?;
        self.put(tx, &identity).await?;
        Ok(identity)
    }

    /// The identity, locked for the transaction where the backend locks rows.
    pub async fn get_for_update(
        &self,
        tx: &mut Transaction<'static, D::Db>,
        id: &str,
    ) -> Result<Identity, StoreError> {
        let Json(identity) = sqlx::query_scalar(self.sql.get_for_update)
            .bind(id)
            .fetch_one(&mut **tx)
            .await
            .map_err(D::map_err)?;
        Ok(identity)
    }

    /// Replaces the identity's document.
    pub async fn put(
        &self,
        tx: &mut Transaction<'static, D::Db>,
        identity: &Identity,
    ) -> Result<(), StoreError> {
        sqlx::query(self.sql.update)
            .bind(identity.id.as_str())
            .bind(Json(identity))
            .execute(&mut **tx)
            .await
            .map_err(D::map_err)?;
        Ok(())
    }

    pub async fn add_key(&self, key: &IdentityKeyRecord) -> Result<(), StoreError> {
        sqlx::query(self.sql.add_key)
            .bind(key.kid.as_str())
            .bind(key.sealed_private_key.as_slice())
            .bind(key.public_jwk.as_str())
            .bind(key.created_at.millis())
            .execute(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(())
    }

    pub async fn list_keys(&self) -> Result<Vec<IdentityKeyRecord>, StoreError> {
        let rows: Vec<KeyRow> = sqlx::query_as(self.sql.list_keys)
            .fetch_all(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(rows
            .into_iter()
            .map(
                |(kid, sealed_private_key, public_jwk, created_at)| IdentityKeyRecord {
                    kid,
                    sealed_private_key,
                    public_jwk,
                    created_at: Timestamp(created_at),
                },
            )
            .collect())
    }
}

/// Implements `IdentityStore` for a backend's store (a type with a `pool` field) with
/// [`Identities`] over the backend's dialect and SQL (a macro for the reason
/// `impl_hosted_store!` gives).
#[macro_export]
macro_rules! impl_identity_store {
    ($store:ty, $dialect:ty, $sql:expr) => {
        impl $store {
            fn identities(&self) -> $crate::identity::Identities<'_, $dialect> {
                $crate::identity::Identities {
                    pool: &self.pool,
                    sql: &$sql,
                    cache: self.read_cache(),
                }
            }
        }

        #[$crate::async_trait]
        impl ::cognate_domain::identity::IdentityStore for $store {
            async fn create_identity_pool(
                &self,
                pool: &::cognate_domain::identity::IdentityPool,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.identities().create_pool(pool).await
            }

            async fn get_identity_pool(
                &self,
                id: &str,
            ) -> Result<::cognate_domain::identity::IdentityPool, ::cognate_domain::StoreError> {
                self.identities().get_pool(id).await
            }

            async fn update_identity_pool(
                &self,
                pool: &::cognate_domain::identity::IdentityPool,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.identities().update_pool(pool).await
            }

            async fn delete_identity_pool(&self, id: &str) -> Result<(), ::cognate_domain::StoreError> {
                self.identities().delete_pool(id).await
            }

            async fn list_identity_pools(
                &self,
                after: Option<&str>,
                limit: usize,
            ) -> Result<
                ::cognate_domain::Page<::cognate_domain::identity::IdentityPool>,
                ::cognate_domain::StoreError,
            > {
                self.identities().list_pools(after, limit).await
            }

            async fn create_identity(
                &self,
                identity: &::cognate_domain::identity::Identity,
                login: Option<&::cognate_domain::identity::IdentityLogin>,
            ) -> Result<::cognate_domain::identity::Identity, ::cognate_domain::StoreError> {
                self.identities().create(identity, login).await
            }

            async fn find_identity_by_login(
                &self,
                login: &::cognate_domain::identity::IdentityLogin,
            ) -> Result<Option<::cognate_domain::identity::Identity>, ::cognate_domain::StoreError>
            {
                self.identities().find_by_login(login).await
            }

            async fn get_identity(
                &self,
                id: &str,
            ) -> Result<::cognate_domain::identity::Identity, ::cognate_domain::StoreError> {
                self.identities().get(id).await
            }

            async fn list_identities(
                &self,
                pool_id: &str,
                after: Option<&str>,
                limit: usize,
            ) -> Result<
                ::cognate_domain::Page<::cognate_domain::identity::Identity>,
                ::cognate_domain::StoreError,
            > {
                self.identities().list(pool_id, after, limit).await
            }

            async fn delete_identity(&self, id: &str) -> Result<(), ::cognate_domain::StoreError> {
                self.identities().delete(id).await
            }

            async fn unlink_logins(
                &self,
                id: &str,
                providers: &[String],
            ) -> Result<::cognate_domain::identity::Identity, ::cognate_domain::StoreError> {
                self.identities().unlink_logins(id, providers).await
            }

            async fn list_logins(
                &self,
                identity_id: &str,
            ) -> Result<
                Vec<::cognate_domain::identity::IdentityLogin>,
                ::cognate_domain::StoreError,
            > {
                self.identities().list_logins(identity_id).await
            }

            async fn link_login(
                &self,
                identity_id: &str,
                login: &::cognate_domain::identity::IdentityLogin,
            ) -> Result<::cognate_domain::identity::Identity, ::cognate_domain::StoreError> {
                self.identities().link_login(identity_id, login).await
            }

            async fn move_login(
                &self,
                login: &::cognate_domain::identity::IdentityLogin,
                to_identity_id: &str,
            ) -> Result<::cognate_domain::identity::Identity, ::cognate_domain::StoreError> {
                self.identities().move_login(login, to_identity_id).await
            }

            async fn remove_login(
                &self,
                identity_id: &str,
                login: &::cognate_domain::identity::IdentityLogin,
            ) -> Result<::cognate_domain::identity::Identity, ::cognate_domain::StoreError> {
                self.identities().remove_login(identity_id, login).await
            }

            async fn add_identity_key(
                &self,
                key: &::cognate_domain::identity::IdentityKeyRecord,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.identities().add_key(key).await
            }

            async fn list_identity_keys(
                &self,
            ) -> Result<
                Vec<::cognate_domain::identity::IdentityKeyRecord>,
                ::cognate_domain::StoreError,
            > {
                self.identities().list_keys().await
            }
        }
    };
}
