//! Identity pools (cognito-identity): pools, identities bound to their logins, and the signing
//! keys of Cognate's identity issuer. (Temporary credentials are not stored: their session
//! token carries them sealed, `cognate-identity`'s `credentials`.)

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::store::{Page, StoreError};

/// An identity pool. `config` holds the pool's settings as configured (providers, flags), a
/// document the identity service owns; roles and mappings are kept apart because they are set
/// by their own operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdentityPool {
    /// `<region>:<uuid>`.
    pub id: String,
    pub name: String,
    pub config: serde_json::Value,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub roles: BTreeMap<String, String>,
    #[serde(default)]
    pub role_mappings: serde_json::Value,
    #[serde(default)]
    pub principal_tags: serde_json::Value,
    pub created_at: Timestamp,
    pub last_modified_at: Timestamp,
}

impl IdentityPool {
    /// The region part of the id (before the colon): the region of the pool's identities.
    pub fn region(&self) -> &str {
        self.id
            .split_once(':')
            .map_or("us-east-1", |(region, _)| region)
    }
}

/// An identity of a pool, with the providers it is linked to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    /// `<region>:<uuid>`.
    pub id: String,
    pub pool_id: String,
    /// Canonical provider names of the linked logins.
    #[serde(default)]
    pub logins: Vec<String>,
    pub created_at: Timestamp,
    pub last_modified_at: Timestamp,
}

/// One login bound to an identity: unique per (pool, provider, subject), so a user's token
/// always maps to the same identity and never to another one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityLogin {
    pub pool_id: String,
    pub provider: String,
    pub subject: String,
}

/// A signing key of the identity issuer (GetOpenIdToken).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityKeyRecord {
    pub kid: String,
    /// PKCS#8 DER sealed with the server key.
    pub sealed_private_key: Vec<u8>,
    pub public_jwk: String,
    pub created_at: Timestamp,
}

#[async_trait]
pub trait IdentityStore: Send + Sync {
    async fn create_identity_pool(&self, pool: &IdentityPool) -> Result<(), StoreError>;
    async fn get_identity_pool(&self, id: &str) -> Result<IdentityPool, StoreError>;
    /// Replaces the stored pool. `NotFound` when it does not exist.
    async fn update_identity_pool(&self, pool: &IdentityPool) -> Result<(), StoreError>;
    /// Deletes the pool with its identities and logins. `NotFound` when absent.
    async fn delete_identity_pool(&self, id: &str) -> Result<(), StoreError>;
    /// Pools ordered by id, starting after `after`.
    async fn list_identity_pools(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<IdentityPool>, StoreError>;

    /// Creates `identity`, bound to `login` when given, in one transaction. When the login is
    /// already bound, nothing is written and the identity holding it is returned instead.
    /// `NotFound` when the pool does not exist.
    async fn create_identity(
        &self,
        identity: &Identity,
        login: Option<&IdentityLogin>,
    ) -> Result<Identity, StoreError>;
    /// The identity holding the login, if any.
    async fn find_identity_by_login(
        &self,
        login: &IdentityLogin,
    ) -> Result<Option<Identity>, StoreError>;
    async fn get_identity(&self, id: &str) -> Result<Identity, StoreError>;
    /// A pool's identities ordered by id, starting after `after`.
    async fn list_identities(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<Identity>, StoreError>;
    /// Deletes the identity and its logins. `NotFound` when absent.
    async fn delete_identity(&self, id: &str) -> Result<(), StoreError>;
    /// Removes the identity's logins of the given providers (canonical names).
    async fn unlink_logins(&self, id: &str, providers: &[String]) -> Result<Identity, StoreError>;

    /// The logins bound to the identity.
    async fn list_logins(&self, identity_id: &str) -> Result<Vec<IdentityLogin>, StoreError>;
    /// Binds `login` to the identity (`NotFound` when it does not exist); a login bound to
    /// another identity is `Conflict { constraint: "identity_logins_pkey" }`.
    async fn link_login(
        &self,
        identity_id: &str,
        login: &IdentityLogin,
    ) -> Result<Identity, StoreError>;
    /// Moves a bound login to another identity of its pool (MergeDeveloperIdentities), in one
    /// transaction. `NotFound` when the login or the identity does not exist.
    async fn move_login(
        &self,
        login: &IdentityLogin,
        to_identity_id: &str,
    ) -> Result<Identity, StoreError>;
    /// Unbinds one login from the identity. `NotFound` when it is not bound to it.
    async fn remove_login(
        &self,
        identity_id: &str,
        login: &IdentityLogin,
    ) -> Result<Identity, StoreError>;

    /// Adds the issuer's key unless one exists already (replicas racing converge on one).
    async fn add_identity_key(&self, key: &IdentityKeyRecord) -> Result<(), StoreError>;
    /// The issuer's keys, oldest first.
    async fn list_identity_keys(&self) -> Result<Vec<IdentityKeyRecord>, StoreError>;
}
