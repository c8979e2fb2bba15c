//! External identity providers and their identifiers.

use cognate_domain::federation::IdentityProvider;
use cognate_domain::ids::UserPoolId;
use cognate_domain::listing::{fetch_limit, page};
use cognate_domain::{Page, StoreError};
use sqlx::types::Json;
use sqlx::{
    ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Transaction, Type,
};

use crate::{Dialect, found};

/// Each backend's SQL for `FederationStore`; the parameters are numbered as the comments say.
#[derive(Debug)]
pub struct FederationSql {
    /// pool_id, name, data
    pub create: &'static str,
    /// pool_id, identifier, name
    pub insert_identifier: &'static str,
    /// pool_id, name
    pub get: &'static str,
    /// pool_id, identifier: the provider's data
    pub by_identifier: &'static str,
    /// pool_id, name, data
    pub update: &'static str,
    /// pool_id, name
    pub delete_identifiers: &'static str,
    /// pool_id, name (identifiers go by `ON DELETE CASCADE`)
    pub delete: &'static str,
    /// pool_id, name after, limit
    pub list: &'static str,
}

/// `FederationStore` over one backend's pool and SQL.
pub struct Federation<'a, D: Dialect> {
    pub pool: &'a Pool<D::Db>,
    pub sql: &'static FederationSql,
}

impl<D: Dialect> Federation<'_, D>
where
    for<'c> &'c mut <D::Db as Database>::Connection: Executor<'c, Database = D::Db>,
    for<'q> <D::Db as Database>::Arguments<'q>: IntoArguments<'q, D::Db>,
    usize: ColumnIndex<<D::Db as Database>::Row>,
    for<'q> &'q str: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> i64: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> Json<&'q IdentityProvider>: Encode<'q, D::Db> + Type<D::Db>,
    Json<IdentityProvider>: for<'r> Decode<'r, D::Db> + Type<D::Db>,
{
    pub async fn create(&self, provider: &IdentityProvider) -> Result<(), StoreError> {
        let mut tx = D::begin_write(self.pool).await?;
        sqlx::query(self.sql.create)
            .bind(provider.pool_id.as_str())
            .bind(provider.name.as_str())
            .bind(Json(provider))
            .execute(&mut *tx)
            .await
            .map_err(D::map_err)?;
        self.insert_identifiers(&mut tx, provider).await?;
        tx.commit().await.map_err(D::map_err)
    }

    /// Writes the identifier rows of `provider` (whose old rows, if any, are gone).
    async fn insert_identifiers(
        &self,
        tx: &mut Transaction<'static, D::Db>,
        provider: &IdentityProvider,
    ) -> Result<(), StoreError> {
        for identifier in &provider.identifiers {
            sqlx::query(self.sql.insert_identifier)
                .bind(provider.pool_id.as_str())
                .bind(identifier.as_str())
                .bind(provider.name.as_str())
                .execute(&mut **tx)
                .await
                .map_err(D::map_err)?;
        }
        Ok(())
    }

    pub async fn get(
        &self,
        pool_id: &UserPoolId,
        name: &str,
    ) -> Result<IdentityProvider, StoreError> {
        self.fetch(self.sql.get, pool_id, name).await
    }

    pub async fn by_identifier(
        &self,
        pool_id: &UserPoolId,
        identifier: &str,
    ) -> Result<IdentityProvider, StoreError> {
        self.fetch(self.sql.by_identifier, pool_id, identifier)
            .await
    }

    async fn fetch(
        &self,
        sql: &'static str,
        pool_id: &UserPoolId,
        key: &str,
    ) -> Result<IdentityProvider, StoreError> {
        let Json(provider) = sqlx::query_scalar(sql)
            .bind(pool_id.as_str())
            .bind(key)
            .fetch_one(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(provider)
    }

    pub async fn update(&self, provider: &IdentityProvider) -> Result<(), StoreError> {
        let mut tx = D::begin_write(self.pool).await?;
        let done = sqlx::query(self.sql.update)
            .bind(provider.pool_id.as_str())
            .bind(provider.name.as_str())
            .bind(Json(provider))
            .execute(&mut *tx)
            .await
            .map_err(D::map_err)?;
        found(D::rows_affected(&done))?;
        sqlx::query(self.sql.delete_identifiers)
            .bind(provider.pool_id.as_str())
            .bind(provider.name.as_str())
            .execute(&mut *tx)
            .await
            .map_err(D::map_err)?;
        self.insert_identifiers(&mut tx, provider).await?;
        tx.commit().await.map_err(D::map_err)
    }

    pub async fn delete(&self, pool_id: &UserPoolId, name: &str) -> Result<(), StoreError> {
        // Identifier rows go by ON DELETE CASCADE, in the same implicit transaction.
        let done = sqlx::query(self.sql.delete)
            .bind(pool_id.as_str())
            .bind(name)
            .execute(self.pool)
            .await
            .map_err(D::map_err)?;
        found(D::rows_affected(&done))
    }

    pub async fn list(
        &self,
        pool_id: &UserPoolId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<IdentityProvider>, StoreError> {
        let rows: Vec<Json<IdentityProvider>> = sqlx::query_scalar(self.sql.list)
            .bind(pool_id.as_str())
            .bind(after.unwrap_or(""))
            .bind(fetch_limit(limit))
            .fetch_all(self.pool)
            .await
            .map_err(D::map_err)?;
        let providers: Vec<IdentityProvider> = rows.into_iter().map(|Json(p)| p).collect();
        Ok(page(providers, limit, |provider| provider.name.clone()))
    }
}

/// Implements `FederationStore` for a backend's store (a type with a `pool` field) with
/// [`Federation`] over the backend's dialect and SQL (a macro for the reason
/// `impl_hosted_store!` gives).
#[macro_export]
macro_rules! impl_federation_store {
    ($store:ty, $dialect:ty, $sql:expr) => {
        impl $store {
            fn federation(&self) -> $crate::federation::Federation<'_, $dialect> {
                $crate::federation::Federation {
                    pool: &self.pool,
                    sql: &$sql,
                }
            }
        }

        #[$crate::async_trait]
        impl ::cognate_domain::federation::FederationStore for $store {
            async fn create_identity_provider(
                &self,
                provider: &::cognate_domain::federation::IdentityProvider,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.federation().create(provider).await
            }

            async fn get_identity_provider(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                name: &str,
            ) -> Result<::cognate_domain::federation::IdentityProvider, ::cognate_domain::StoreError>
            {
                self.federation().get(pool_id, name).await
            }

            async fn identity_provider_by_identifier(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                identifier: &str,
            ) -> Result<::cognate_domain::federation::IdentityProvider, ::cognate_domain::StoreError>
            {
                self.federation().by_identifier(pool_id, identifier).await
            }

            async fn update_identity_provider(
                &self,
                provider: &::cognate_domain::federation::IdentityProvider,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.federation().update(provider).await
            }

            async fn delete_identity_provider(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                name: &str,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.federation().delete(pool_id, name).await
            }

            async fn list_identity_providers(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                after: Option<&str>,
                limit: usize,
            ) -> Result<
                ::cognate_domain::Page<::cognate_domain::federation::IdentityProvider>,
                ::cognate_domain::StoreError,
            > {
                self.federation().list(pool_id, after, limit).await
            }
        }
    };
}
