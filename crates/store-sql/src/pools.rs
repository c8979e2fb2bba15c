//! User pools and their signing keys.

use cognate_domain::ids::UserPoolId;
use cognate_domain::keys::{KeyPurpose, SigningKeyRecord};
use cognate_domain::listing::{fetch_limit, page};
use cognate_domain::pool::UserPool;
use cognate_domain::{Page, StoreError, Timestamp};
use sqlx::types::Json;
use sqlx::{
    ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Pool, Transaction,
    Type,
};

use std::sync::Arc;

use crate::read_cache::{Lookup, ReadCache};
use crate::{Dialect, found};

/// A stored key's columns, as `list_keys` selects them.
type KeyRow = (String, String, Vec<u8>, String, i64);

/// Each backend's SQL for `PoolStore` and `KeyStore`; the parameters are numbered as the comments
/// say.
#[derive(Debug)]
pub struct PoolSql {
    /// id, name, created_at, data
    pub create: &'static str,
    /// id
    pub get: &'static str,
    /// id, name, data
    pub update: &'static str,
    /// id (the rest goes by `ON DELETE CASCADE`)
    pub delete: &'static str,
    /// limit: the first page
    pub list_first: &'static str,
    /// limit, id after
    pub list_after: &'static str,
    /// id: the pool's user count, no row when the pool does not exist
    pub count_users: &'static str,
    /// pool_id, kid, purpose, sealed_private_key, public_jwk, created_at; a taken slot is skipped
    pub insert_key: &'static str,
    /// pool_id: kid, purpose, sealed_private_key, public_jwk, created_at, oldest first
    pub list_keys: &'static str,
}

/// `PoolStore` and `KeyStore` over one backend's pool and SQL.
pub struct Pools<'a, D: Dialect> {
    pub pool: &'a Pool<D::Db>,
    pub sql: &'static PoolSql,
    /// Decoded pools and clients, where the backend may keep them (see `read_cache`).
    pub cache: Option<&'a ReadCache>,
}

impl<D: Dialect> Pools<'_, D>
where
    for<'c> &'c mut <D::Db as Database>::Connection: Executor<'c, Database = D::Db>,
    for<'q> <D::Db as Database>::Arguments<'q>: IntoArguments<'q, D::Db>,
    usize: ColumnIndex<<D::Db as Database>::Row>,
    for<'q> &'q str: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> &'q [u8]: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> i64: Encode<'q, D::Db> + Decode<'q, D::Db> + Type<D::Db>,
    for<'q> Json<&'q UserPool>: Encode<'q, D::Db> + Type<D::Db>,
    Json<UserPool>: for<'r> Decode<'r, D::Db> + Type<D::Db>,
    KeyRow: for<'r> FromRow<'r, <D::Db as Database>::Row>,
{
    pub async fn create(
        &self,
        pool: &UserPool,
        keys: &[SigningKeyRecord],
    ) -> Result<(), StoreError> {
        let mut tx = D::begin_write(self.pool).await?;
        sqlx::query(self.sql.create)
            .bind(pool.id.as_str())
            .bind(pool.name.as_str())
            .bind(pool.created_at.millis())
            .bind(Json(pool))
            .execute(&mut *tx)
            .await
            .map_err(D::map_err)?;
        self.insert_keys(&mut tx, keys).await?;
        tx.commit().await.map_err(D::map_err)
    }

    pub async fn get(&self, id: &UserPoolId) -> Result<UserPool, StoreError> {
        let generation = match self.cache.map(|cache| cache.pools.get(id.as_str())) {
            Some(Lookup::Hit(pool)) => return Ok(UserPool::clone(&pool)),
            Some(Lookup::Miss(generation)) => generation,
            None => None,
        };
        let Json(pool) = sqlx::query_scalar(self.sql.get)
            .bind(id.as_str())
            .fetch_one(self.pool)
            .await
            .map_err(D::map_err)?;
        if let Some(cache) = self.cache {
            cache
                .pools
                .put(id.as_str(), Arc::new(UserPool::clone(&pool)), generation);
        }
        Ok(pool)
    }

    pub async fn update(&self, pool: &UserPool) -> Result<(), StoreError> {
        let done = sqlx::query(self.sql.update)
            .bind(pool.id.as_str())
            .bind(pool.name.as_str())
            .bind(Json(pool))
            .execute(self.pool)
            .await;
        if let Some(cache) = self.cache {
            cache.pools.invalidate(pool.id.as_str());
        }
        found(D::rows_affected(&done.map_err(D::map_err)?))
    }

    pub async fn delete(&self, id: &UserPoolId) -> Result<(), StoreError> {
        // Clients, keys, users and their attribute and alias rows go by ON DELETE CASCADE.
        let deleted = D::delete_cascading(self.pool, self.sql.delete, id.as_str()).await;
        // Whether or not it went through, nothing read before it may be served after.
        if let Some(cache) = self.cache {
            cache.forget_pool(id.as_str());
        }
        found(deleted?)
    }

    pub async fn list(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<UserPool>, StoreError> {
        // Two statements rather than `$2 IS NULL OR id > $2`, which would not seek in the index.
        let sql = match after {
            Some(_) => self.sql.list_after,
            None => self.sql.list_first,
        };
        let mut query = sqlx::query_scalar(sql).bind(fetch_limit(limit));
        if let Some(after) = after {
            query = query.bind(after);
        }
        let rows: Vec<Json<UserPool>> = query.fetch_all(self.pool).await.map_err(D::map_err)?;
        let pools = rows.into_iter().map(|Json(pool)| pool).collect();
        Ok(page(pools, limit, |pool| pool.id.as_str().to_owned()))
    }

    pub async fn count_users(&self, id: &UserPoolId) -> Result<u64, StoreError> {
        let count: i64 = sqlx::query_scalar(self.sql.count_users)
            .bind(id.as_str())
            .fetch_one(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(u64::try_from(count).unwrap_or_default())
    }

    pub async fn add_keys(&self, keys: &[SigningKeyRecord]) -> Result<(), StoreError> {
        if keys.is_empty() {
            return Ok(());
        }
        let mut tx = D::begin_write(self.pool).await?;
        self.insert_keys(&mut tx, keys).await?;
        tx.commit().await.map_err(D::map_err)
    }

    /// Inserts keys, skipping those whose (pool, purpose) slot (or kid) is taken.
    async fn insert_keys(
        &self,
        tx: &mut Transaction<'static, D::Db>,
        keys: &[SigningKeyRecord],
    ) -> Result<(), StoreError> {
        for key in keys {
            sqlx::query(self.sql.insert_key)
                .bind(key.pool_id.as_str())
                .bind(key.kid.as_str())
                .bind(key.purpose.as_str())
                .bind(key.sealed_private_key.as_slice())
                .bind(key.public_jwk.as_str())
                .bind(key.created_at.millis())
                .execute(&mut **tx)
                .await
                .map_err(D::map_err)?;
        }
        Ok(())
    }

    pub async fn list_keys(
        &self,
        pool_id: &UserPoolId,
    ) -> Result<Vec<SigningKeyRecord>, StoreError> {
        let rows: Vec<KeyRow> = sqlx::query_as(self.sql.list_keys)
            .bind(pool_id.as_str())
            .fetch_all(self.pool)
            .await
            .map_err(D::map_err)?;
        rows.into_iter()
            .map(|row| key_record(pool_id, row))
            .collect()
    }
}

fn key_record(pool_id: &UserPoolId, row: KeyRow) -> Result<SigningKeyRecord, StoreError> {
    let (kid, purpose, sealed_private_key, public_jwk, created_at) = row;
    let purpose = KeyPurpose::parse(&purpose).ok_or_else(|| {
        StoreError::Backend(format!("stored key {kid} has unknown purpose {purpose:?}"))
    })?;
    Ok(SigningKeyRecord {
        pool_id: pool_id.clone(),
        kid,
        purpose,
        sealed_private_key,
        public_jwk,
        created_at: Timestamp(created_at),
    })
}

/// Implements `PoolStore` and `KeyStore` for a backend's store (a type with a `pool` field) with
/// [`Pools`] over the backend's dialect and SQL (a macro for the reason `impl_hosted_store!`
/// gives).
#[macro_export]
macro_rules! impl_pool_stores {
    ($store:ty, $dialect:ty, $sql:expr) => {
        impl $store {
            fn pools(&self) -> $crate::pools::Pools<'_, $dialect> {
                $crate::pools::Pools {
                    pool: &self.pool,
                    sql: &$sql,
                    cache: self.read_cache(),
                }
            }
        }

        #[$crate::async_trait]
        impl ::cognate_domain::store::PoolStore for $store {
            async fn create_pool(
                &self,
                pool: &::cognate_domain::pool::UserPool,
                keys: &[::cognate_domain::keys::SigningKeyRecord],
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.pools().create(pool, keys).await
            }

            async fn get_pool(
                &self,
                id: &::cognate_domain::ids::UserPoolId,
            ) -> Result<::cognate_domain::pool::UserPool, ::cognate_domain::StoreError> {
                self.pools().get(id).await
            }

            async fn update_pool(
                &self,
                pool: &::cognate_domain::pool::UserPool,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.pools().update(pool).await
            }

            async fn delete_pool(
                &self,
                id: &::cognate_domain::ids::UserPoolId,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.pools().delete(id).await
            }

            async fn list_pools(
                &self,
                after: Option<&str>,
                limit: usize,
            ) -> Result<
                ::cognate_domain::Page<::cognate_domain::pool::UserPool>,
                ::cognate_domain::StoreError,
            > {
                self.pools().list(after, limit).await
            }

            async fn count_users(
                &self,
                id: &::cognate_domain::ids::UserPoolId,
            ) -> Result<u64, ::cognate_domain::StoreError> {
                self.pools().count_users(id).await
            }
        }

        #[$crate::async_trait]
        impl ::cognate_domain::store::KeyStore for $store {
            async fn add_keys(
                &self,
                keys: &[::cognate_domain::keys::SigningKeyRecord],
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.pools().add_keys(keys).await
            }

            async fn list_keys(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
            ) -> Result<Vec<::cognate_domain::keys::SigningKeyRecord>, ::cognate_domain::StoreError>
            {
                self.pools().list_keys(pool_id).await
            }
        }
    };
}
