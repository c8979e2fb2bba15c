//! Domains, resource servers, hosted-UI customization and authorization codes.

use cognate_domain::hosted::{
    AuthorizationCode, ResourceServer, UiCustomization, UserPoolDomain, ui_client_key,
};
use cognate_domain::ids::{ClientId, UserPoolId};
use cognate_domain::listing::{fetch_limit, page};
use cognate_domain::{Page, StoreError};
use sqlx::types::Json;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Type};

use crate::{Dialect, found};

/// How long past its expiry an authorization code is kept before the next insert sweeps it.
const CODE_SWEEP_MILLIS: i64 = 3_600_000;

/// Each backend's SQL for `HostedStore`; the parameters are numbered as the comments say.
#[derive(Debug)]
pub struct HostedSql {
    /// domain, pool_id, custom, data
    pub create_domain: &'static str,
    /// domain
    pub get_domain: &'static str,
    /// pool_id; ordered by custom, domain
    pub pool_domains: &'static str,
    /// domain, pool_id, custom, data
    pub update_domain: &'static str,
    /// domain, pool_id
    pub delete_domain: &'static str,
    /// pool_id, identifier, data
    pub create_resource_server: &'static str,
    /// pool_id, identifier
    pub get_resource_server: &'static str,
    /// pool_id, identifier, data
    pub update_resource_server: &'static str,
    /// pool_id, identifier
    pub delete_resource_server: &'static str,
    /// pool_id, identifier after, limit
    pub list_resource_servers: &'static str,
    /// pool_id, client_key, data (an upsert)
    pub put_ui_customization: &'static str,
    /// pool_id, client_key
    pub get_ui_customization: &'static str,
    /// expired before
    pub sweep_authorization_codes: &'static str,
    /// code_hash, pool_id, expires_at, data
    pub insert_authorization_code: &'static str,
    /// code_hash; deletes and returns data
    pub take_authorization_code: &'static str,
}

/// `HostedStore` over one backend's pool and SQL.
pub struct Hosted<'a, D: Dialect> {
    pub pool: &'a Pool<D::Db>,
    pub sql: &'static HostedSql,
}

impl<D: Dialect> Hosted<'_, D>
where
    for<'c> &'c mut <D::Db as Database>::Connection: Executor<'c, Database = D::Db>,
    for<'q> <D::Db as Database>::Arguments<'q>: IntoArguments<'q, D::Db>,
    usize: ColumnIndex<<D::Db as Database>::Row>,
    for<'q> &'q str: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> i64: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> Json<&'q UserPoolDomain>: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> Json<&'q ResourceServer>: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> Json<&'q UiCustomization>: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> Json<&'q AuthorizationCode>: Encode<'q, D::Db> + Type<D::Db>,
    Json<UserPoolDomain>: for<'r> Decode<'r, D::Db> + Type<D::Db>,
    Json<ResourceServer>: for<'r> Decode<'r, D::Db> + Type<D::Db>,
    Json<UiCustomization>: for<'r> Decode<'r, D::Db> + Type<D::Db>,
    Json<AuthorizationCode>: for<'r> Decode<'r, D::Db> + Type<D::Db>,
{
    pub async fn create_domain(&self, domain: &UserPoolDomain) -> Result<(), StoreError> {
        sqlx::query(self.sql.create_domain)
            .bind(domain.domain.as_str())
            .bind(domain.pool_id.as_str())
            .bind(D::Flag::from(domain.is_custom()))
            .bind(Json(domain))
            .execute(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(())
    }

    pub async fn get_domain(&self, domain: &str) -> Result<UserPoolDomain, StoreError> {
        let Json(found_item) = sqlx::query_scalar(self.sql.get_domain)
            .bind(domain)
            .fetch_one(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(found_item)
    }

    pub async fn pool_domains(
        &self,
        pool_id: &UserPoolId,
    ) -> Result<Vec<UserPoolDomain>, StoreError> {
        let rows: Vec<Json<UserPoolDomain>> = sqlx::query_scalar(self.sql.pool_domains)
            .bind(pool_id.as_str())
            .fetch_all(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(rows.into_iter().map(|Json(domain)| domain).collect())
    }

    pub async fn update_domain(&self, domain: &UserPoolDomain) -> Result<(), StoreError> {
        let done = sqlx::query(self.sql.update_domain)
            .bind(domain.domain.as_str())
            .bind(domain.pool_id.as_str())
            .bind(D::Flag::from(domain.is_custom()))
            .bind(Json(domain))
            .execute(self.pool)
            .await
            .map_err(D::map_err)?;
        found(D::rows_affected(&done))
    }

    pub async fn delete_domain(
        &self,
        pool_id: &UserPoolId,
        domain: &str,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(self.sql.delete_domain)
            .bind(domain)
            .bind(pool_id.as_str())
            .execute(self.pool)
            .await
            .map_err(D::map_err)?;
        found(D::rows_affected(&done))
    }

    pub async fn create_resource_server(&self, server: &ResourceServer) -> Result<(), StoreError> {
        sqlx::query(self.sql.create_resource_server)
            .bind(server.pool_id.as_str())
            .bind(server.identifier.as_str())
            .bind(Json(server))
            .execute(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(())
    }

    pub async fn get_resource_server(
        &self,
        pool_id: &UserPoolId,
        identifier: &str,
    ) -> Result<ResourceServer, StoreError> {
        let Json(found_item) = sqlx::query_scalar(self.sql.get_resource_server)
            .bind(pool_id.as_str())
            .bind(identifier)
            .fetch_one(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(found_item)
    }

    pub async fn update_resource_server(&self, server: &ResourceServer) -> Result<(), StoreError> {
        let done = sqlx::query(self.sql.update_resource_server)
            .bind(server.pool_id.as_str())
            .bind(server.identifier.as_str())
            .bind(Json(server))
            .execute(self.pool)
            .await
            .map_err(D::map_err)?;
        found(D::rows_affected(&done))
    }

    pub async fn delete_resource_server(
        &self,
        pool_id: &UserPoolId,
        identifier: &str,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(self.sql.delete_resource_server)
            .bind(pool_id.as_str())
            .bind(identifier)
            .execute(self.pool)
            .await
            .map_err(D::map_err)?;
        found(D::rows_affected(&done))
    }

    pub async fn list_resource_servers(
        &self,
        pool_id: &UserPoolId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<ResourceServer>, StoreError> {
        let rows: Vec<Json<ResourceServer>> = sqlx::query_scalar(self.sql.list_resource_servers)
            .bind(pool_id.as_str())
            .bind(after.unwrap_or(""))
            .bind(fetch_limit(limit))
            .fetch_all(self.pool)
            .await
            .map_err(D::map_err)?;
        let servers: Vec<ResourceServer> = rows.into_iter().map(|Json(server)| server).collect();
        Ok(page(servers, limit, |server| server.identifier.clone()))
    }

    pub async fn put_ui_customization(&self, ui: &UiCustomization) -> Result<(), StoreError> {
        sqlx::query(self.sql.put_ui_customization)
            .bind(ui.pool_id.as_str())
            .bind(ui_client_key(ui.client_id.as_ref()))
            .bind(Json(ui))
            .execute(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(())
    }

    pub async fn get_ui_customization(
        &self,
        pool_id: &UserPoolId,
        client_id: Option<&ClientId>,
    ) -> Result<UiCustomization, StoreError> {
        let Json(found_item) = sqlx::query_scalar(self.sql.get_ui_customization)
            .bind(pool_id.as_str())
            .bind(ui_client_key(client_id))
            .fetch_one(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(found_item)
    }

    pub async fn insert_authorization_code(
        &self,
        code: &AuthorizationCode,
    ) -> Result<(), StoreError> {
        // Codes live minutes: expired ones of the pool go as new ones come.
        sqlx::query(self.sql.sweep_authorization_codes)
            .bind(code.expires_at.millis() - CODE_SWEEP_MILLIS)
            .execute(self.pool)
            .await
            .map_err(D::map_err)?;
        sqlx::query(self.sql.insert_authorization_code)
            .bind(code.code_hash.as_str())
            .bind(code.pool_id.as_str())
            .bind(code.expires_at.millis())
            .bind(Json(code))
            .execute(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(())
    }

    pub async fn take_authorization_code(
        &self,
        code_hash: &str,
    ) -> Result<AuthorizationCode, StoreError> {
        let Json(found_item) = sqlx::query_scalar(self.sql.take_authorization_code)
            .bind(code_hash)
            .fetch_one(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(found_item)
    }
}

/// Implements `HostedStore` for a backend's store (a type with a `pool` field) with [`Hosted`]
/// over the backend's dialect and SQL. A macro because the orphan rule keeps a generic impl of
/// a domain trait from serving both backends' store types; it only forwards.
#[macro_export]
macro_rules! impl_hosted_store {
    ($store:ty, $dialect:ty, $sql:expr) => {
        impl $store {
            fn hosted(&self) -> $crate::hosted::Hosted<'_, $dialect> {
                $crate::hosted::Hosted {
                    pool: &self.pool,
                    sql: &$sql,
                }
            }
        }

        #[$crate::async_trait]
        impl ::cognate_domain::hosted::HostedStore for $store {
            async fn create_domain(
                &self,
                domain: &::cognate_domain::hosted::UserPoolDomain,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.hosted().create_domain(domain).await
            }

            async fn get_domain(
                &self,
                domain: &str,
            ) -> Result<::cognate_domain::hosted::UserPoolDomain, ::cognate_domain::StoreError>
            {
                self.hosted().get_domain(domain).await
            }

            async fn pool_domains(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
            ) -> Result<Vec<::cognate_domain::hosted::UserPoolDomain>, ::cognate_domain::StoreError>
            {
                self.hosted().pool_domains(pool_id).await
            }

            async fn update_domain(
                &self,
                domain: &::cognate_domain::hosted::UserPoolDomain,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.hosted().update_domain(domain).await
            }

            async fn delete_domain(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                domain: &str,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.hosted().delete_domain(pool_id, domain).await
            }

            async fn create_resource_server(
                &self,
                server: &::cognate_domain::hosted::ResourceServer,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.hosted().create_resource_server(server).await
            }

            async fn get_resource_server(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                identifier: &str,
            ) -> Result<::cognate_domain::hosted::ResourceServer, ::cognate_domain::StoreError>
            {
                self.hosted().get_resource_server(pool_id, identifier).await
            }

            async fn update_resource_server(
                &self,
                server: &::cognate_domain::hosted::ResourceServer,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.hosted().update_resource_server(server).await
            }

            async fn delete_resource_server(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                identifier: &str,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.hosted()
                    .delete_resource_server(pool_id, identifier)
                    .await
            }

            async fn list_resource_servers(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                after: Option<&str>,
                limit: usize,
            ) -> Result<
                ::cognate_domain::Page<::cognate_domain::hosted::ResourceServer>,
                ::cognate_domain::StoreError,
            > {
                self.hosted()
                    .list_resource_servers(pool_id, after, limit)
                    .await
            }

            async fn put_ui_customization(
                &self,
                ui: &::cognate_domain::hosted::UiCustomization,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.hosted().put_ui_customization(ui).await
            }

            async fn get_ui_customization(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                client_id: Option<&::cognate_domain::ids::ClientId>,
            ) -> Result<::cognate_domain::hosted::UiCustomization, ::cognate_domain::StoreError>
            {
                self.hosted().get_ui_customization(pool_id, client_id).await
            }

            async fn insert_authorization_code(
                &self,
                code: &::cognate_domain::hosted::AuthorizationCode,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.hosted().insert_authorization_code(code).await
            }

            async fn take_authorization_code(
                &self,
                code_hash: &str,
            ) -> Result<::cognate_domain::hosted::AuthorizationCode, ::cognate_domain::StoreError>
            {
                self.hosted().take_authorization_code(code_hash).await
            }
        }
    };
}
