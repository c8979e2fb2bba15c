//! The web side of a user pool: its domains, resource servers (custom OAuth scopes), hosted-UI
//! customization and the authorization codes the hosted sign-in hands out, with their storage.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::ids::{ClientId, Sub, UserPoolId};
use crate::store::{Page, StoreError};

/// The constraint a domain name already taken (by any pool) violates.
pub const DOMAINS_DOMAIN_KEY: &str = "user_pool_domains_pkey";
/// The constraint a pool's second prefix (or second custom) domain violates.
pub const DOMAINS_POOL_KIND_KEY: &str = "user_pool_domains_pool_kind_key";
/// The constraint a second resource server with the same identifier in a pool violates.
pub const RESOURCE_SERVERS_KEY: &str = "resource_servers_pkey";

/// A domain of a pool: a prefix (`<prefix>.auth.<region>.amazoncognito.com` on AWS) or a
/// custom domain with its certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPoolDomain {
    pub domain: String,
    pub pool_id: UserPoolId,
    /// The ACM certificate of a custom domain; `None` for a prefix domain.
    pub certificate_arn: Option<String>,
    /// 1: classic hosted UI, 2: managed login.
    pub managed_login_version: i32,
    pub created_at: Timestamp,
}

impl UserPoolDomain {
    pub fn is_custom(&self) -> bool {
        self.certificate_arn.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceServer {
    pub pool_id: UserPoolId,
    pub identifier: String,
    pub name: String,
    pub scopes: Vec<ResourceServerScope>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceServerScope {
    pub name: String,
    pub description: String,
}

impl ResourceServer {
    /// The scope names as clients request them: `<identifier>/<scope>`.
    pub fn full_scopes(&self) -> impl Iterator<Item = String> + '_ {
        self.scopes
            .iter()
            .map(|scope| format!("{}/{}", self.identifier, scope.name))
    }
}

/// Hosted-UI CSS and logo, for the whole pool (`client_id` None, AWS's `ALL`) or one client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UiCustomization {
    pub pool_id: UserPoolId,
    pub client_id: Option<ClientId>,
    pub css: Option<String>,
    /// The logo, base64 as SetUICustomization received it.
    pub image_base64: Option<String>,
    pub created_at: Timestamp,
    pub last_modified_at: Timestamp,
}

/// An authorization code as stored: only its hash, bound to the client, the redirect URI and
/// the sign-in it came from. Single use: redeeming takes it out of the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationCode {
    /// SHA-256 (hex) of the code.
    pub code_hash: String,
    pub pool_id: UserPoolId,
    pub client_id: ClientId,
    pub username_key: String,
    pub sub: Sub,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub nonce: Option<String>,
    /// PKCE S256 challenge (base64url of SHA-256 of the verifier).
    pub code_challenge: Option<String>,
    /// Epoch seconds of the authentication.
    pub auth_time: i64,
    pub expires_at: Timestamp,
}

#[async_trait]
pub trait HostedStore: Send + Sync {
    /// `Conflict { DOMAINS_DOMAIN_KEY }` when the name is taken by any pool,
    /// `Conflict { DOMAINS_POOL_KIND_KEY }` when the pool has a domain of that kind;
    /// `NotFound` without the pool.
    async fn create_domain(&self, domain: &UserPoolDomain) -> Result<(), StoreError>;
    async fn get_domain(&self, domain: &str) -> Result<UserPoolDomain, StoreError>;
    /// The pool's domains, prefix domain first.
    async fn pool_domains(&self, pool_id: &UserPoolId) -> Result<Vec<UserPoolDomain>, StoreError>;
    /// Replaces the certificate and version of the pool's domain. `NotFound` when absent.
    async fn update_domain(&self, domain: &UserPoolDomain) -> Result<(), StoreError>;
    /// `NotFound` unless the pool has that domain.
    async fn delete_domain(&self, pool_id: &UserPoolId, domain: &str) -> Result<(), StoreError>;

    /// `Conflict { RESOURCE_SERVERS_KEY }` when the identifier is taken in the pool.
    async fn create_resource_server(&self, server: &ResourceServer) -> Result<(), StoreError>;
    async fn get_resource_server(
        &self,
        pool_id: &UserPoolId,
        identifier: &str,
    ) -> Result<ResourceServer, StoreError>;
    async fn update_resource_server(&self, server: &ResourceServer) -> Result<(), StoreError>;
    async fn delete_resource_server(
        &self,
        pool_id: &UserPoolId,
        identifier: &str,
    ) -> Result<(), StoreError>;
    /// A pool's resource servers ordered by identifier, starting after `after`.
    async fn list_resource_servers(
        &self,
        pool_id: &UserPoolId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<ResourceServer>, StoreError>;

    /// Inserts or replaces the customization of (pool, client). `NotFound` without the pool.
    async fn put_ui_customization(&self, ui: &UiCustomization) -> Result<(), StoreError>;
    async fn get_ui_customization(
        &self,
        pool_id: &UserPoolId,
        client_id: Option<&ClientId>,
    ) -> Result<UiCustomization, StoreError>;

    /// `NotFound` without the pool.
    async fn insert_authorization_code(&self, code: &AuthorizationCode) -> Result<(), StoreError>;
    /// Removes and returns the code: a second call for the same hash is `NotFound`, also when
    /// two replicas race.
    async fn take_authorization_code(
        &self,
        code_hash: &str,
    ) -> Result<AuthorizationCode, StoreError>;
}

/// The key a customization is stored under: AWS's `ALL` for the pool-wide one.
pub fn ui_client_key(client_id: Option<&ClientId>) -> &str {
    client_id.map_or("ALL", ClientId::as_str)
}
