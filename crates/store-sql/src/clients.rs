//! App clients.

use cognate_domain::client::AppClient;
use cognate_domain::ids::{ClientId, UserPoolId};
use cognate_domain::listing::{fetch_limit, page};
use cognate_domain::{Page, StoreError};
use sqlx::types::Json;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Type};

use std::sync::Arc;

use crate::read_cache::{Lookup, ReadCache};
use crate::{Dialect, found};

/// Each backend's SQL for `ClientStore`; the parameters are numbered as the comments say.
#[derive(Debug)]
pub struct ClientSql {
    /// client_id, pool_id, name, created_at, data
    pub create: &'static str,
    /// client_id
    pub get: &'static str,
    /// client_id, pool_id, name, data
    pub update: &'static str,
    /// client_id, pool_id
    pub delete: &'static str,
    /// pool_id, limit: the first page
    pub list_first: &'static str,
    /// pool_id, limit, client_id after
    pub list_after: &'static str,
}

/// `ClientStore` over one backend's pool and SQL.
pub struct Clients<'a, D: Dialect> {
    pub pool: &'a Pool<D::Db>,
    pub sql: &'static ClientSql,
    /// Decoded clients, where the backend may keep them (see `read_cache`).
    pub cache: Option<&'a ReadCache>,
}

impl<D: Dialect> Clients<'_, D>
where
    for<'c> &'c mut <D::Db as Database>::Connection: Executor<'c, Database = D::Db>,
    for<'q> <D::Db as Database>::Arguments<'q>: IntoArguments<'q, D::Db>,
    usize: ColumnIndex<<D::Db as Database>::Row>,
    for<'q> &'q str: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> i64: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> Json<&'q AppClient>: Encode<'q, D::Db> + Type<D::Db>,
    Json<AppClient>: for<'r> Decode<'r, D::Db> + Type<D::Db>,
{
    pub async fn create(&self, client: &AppClient) -> Result<(), StoreError> {
        // A missing pool fails the foreign key: NotFound.
        sqlx::query(self.sql.create)
            .bind(client.client_id.as_str())
            .bind(client.pool_id.as_str())
            .bind(client.name.as_str())
            .bind(client.created_at.millis())
            .bind(Json(client))
            .execute(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(())
    }

    pub async fn get(&self, client_id: &ClientId) -> Result<AppClient, StoreError> {
        let key = client_id.as_str();
        let generation = match self.cache.map(|cache| cache.clients.get(key)) {
            Some(Lookup::Hit(client)) => return Ok(AppClient::clone(&client)),
            Some(Lookup::Miss(generation)) => generation,
            None => None,
        };
        let Json(client) = sqlx::query_scalar(self.sql.get)
            .bind(key)
            .fetch_one(self.pool)
            .await
            .map_err(D::map_err)?;
        if let Some(cache) = self.cache {
            let kept = Arc::new(AppClient::clone(&client));
            cache.clients.put(key, kept, generation);
        }
        Ok(client)
    }

    pub async fn update(&self, client: &AppClient) -> Result<(), StoreError> {
        let done = sqlx::query(self.sql.update)
            .bind(client.client_id.as_str())
            .bind(client.pool_id.as_str())
            .bind(client.name.as_str())
            .bind(Json(client))
            .execute(self.pool)
            .await;
        self.forget(client.client_id.as_str());
        found(D::rows_affected(&done.map_err(D::map_err)?))
    }

    pub async fn delete(
        &self,
        pool_id: &UserPoolId,
        client_id: &ClientId,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(self.sql.delete)
            .bind(client_id.as_str())
            .bind(pool_id.as_str())
            .execute(self.pool)
            .await;
        self.forget(client_id.as_str());
        found(D::rows_affected(&done.map_err(D::map_err)?))
    }

    /// After a statement that may have changed the client has run, whether or not it succeeded
    /// (a deleted client's refresh tokens go with it).
    fn forget(&self, client_id: &str) {
        if let Some(cache) = self.cache {
            cache.forget_client(client_id);
        }
    }

    pub async fn list(
        &self,
        pool_id: &UserPoolId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<AppClient>, StoreError> {
        // Two statements rather than `$3 IS NULL OR client_id > $3`, which would not seek.
        let sql = match after {
            Some(_) => self.sql.list_after,
            None => self.sql.list_first,
        };
        let mut query = sqlx::query_scalar(sql)
            .bind(pool_id.as_str())
            .bind(fetch_limit(limit));
        if let Some(after) = after {
            query = query.bind(after);
        }
        let rows: Vec<Json<AppClient>> = query.fetch_all(self.pool).await.map_err(D::map_err)?;
        let clients = rows.into_iter().map(|Json(client)| client).collect();
        Ok(page(clients, limit, |client| {
            client.client_id.as_str().to_owned()
        }))
    }
}

/// Implements `ClientStore` for a backend's store (a type with a `pool` field) with [`Clients`]
/// over the backend's dialect and SQL (a macro for the reason `impl_hosted_store!` gives).
#[macro_export]
macro_rules! impl_client_store {
    ($store:ty, $dialect:ty, $sql:expr) => {
        impl $store {
            fn clients(&self) -> $crate::clients::Clients<'_, $dialect> {
                $crate::clients::Clients {
                    pool: &self.pool,
                    sql: &$sql,
                    cache: self.read_cache(),
                }
            }
        }

        #[$crate::async_trait]
        impl ::cognate_domain::store::ClientStore for $store {
            async fn create_client(
                &self,
                client: &::cognate_domain::client::AppClient,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.clients().create(client).await
            }

            async fn get_client(
                &self,
                client_id: &::cognate_domain::ids::ClientId,
            ) -> Result<::cognate_domain::client::AppClient, ::cognate_domain::StoreError> {
                self.clients().get(client_id).await
            }

            async fn update_client(
                &self,
                client: &::cognate_domain::client::AppClient,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.clients().update(client).await
            }

            async fn delete_client(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                client_id: &::cognate_domain::ids::ClientId,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.clients().delete(pool_id, client_id).await
            }

            async fn list_clients(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                after: Option<&str>,
                limit: usize,
            ) -> Result<
                ::cognate_domain::Page<::cognate_domain::client::AppClient>,
                ::cognate_domain::StoreError,
            > {
                self.clients().list(pool_id, after, limit).await
            }
        }
    };
}
