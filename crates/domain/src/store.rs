//! Storage traits. One implementation per backend (`store-sqlite`, `store-postgres`), one
//! contract suite (`store-contract`) that both pass. Callers hold `Arc<dyn Store>`.

use async_trait::async_trait;

use crate::Timestamp;
use crate::client::AppClient;
use crate::ids::{ClientId, Sub, UserPoolId};
use crate::keys::SigningKeyRecord;
use crate::listing::ListedUser;
use crate::pool::UserPool;
use crate::tokens::{OutboxFilter, OutboxMessage, RefreshTokenRecord};
use crate::user::{User, UserFilter};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique index refused the write; the constraint name says which
    /// (`users_pool_username_key`, `user_aliases_pool_alias_key`, `users_pool_sub_key`...).
    #[error("conflict on {constraint}")]
    Conflict { constraint: String },
    #[error("storage backend error: {0}")]
    Backend(String),
}

/// One page of a listing, with the key to continue after its last item.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Present when more items may follow: pass it back as `after`.
    pub next: Option<String>,
}

#[async_trait]
pub trait PoolStore: Send + Sync {
    /// Creates the pool with its first signing keys in one transaction.
    async fn create_pool(
        &self,
        pool: &UserPool,
        keys: &[SigningKeyRecord],
    ) -> Result<(), StoreError>;
    async fn get_pool(&self, id: &UserPoolId) -> Result<UserPool, StoreError>;
    /// Replaces the stored pool. `NotFound` when it does not exist.
    async fn update_pool(&self, pool: &UserPool) -> Result<(), StoreError>;
    /// Deletes the pool and everything in it (clients, users, keys...). `NotFound` when absent.
    async fn delete_pool(&self, id: &UserPoolId) -> Result<(), StoreError>;
    /// Pools ordered by id, starting after the id `after`.
    async fn list_pools(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<UserPool>, StoreError>;
    async fn count_users(&self, id: &UserPoolId) -> Result<u64, StoreError>;
}

#[async_trait]
pub trait ClientStore: Send + Sync {
    /// `NotFound` when the pool does not exist.
    async fn create_client(&self, client: &AppClient) -> Result<(), StoreError>;
    /// Client ids are globally unique: InitiateAuth names only the client.
    async fn get_client(&self, client_id: &ClientId) -> Result<AppClient, StoreError>;
    async fn update_client(&self, client: &AppClient) -> Result<(), StoreError>;
    async fn delete_client(
        &self,
        pool_id: &UserPoolId,
        client_id: &ClientId,
    ) -> Result<(), StoreError>;
    /// A pool's clients ordered by client id, starting after `after`.
    async fn list_clients(
        &self,
        pool_id: &UserPoolId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<AppClient>, StoreError>;
}

#[async_trait]
pub trait KeyStore: Send + Sync {
    /// Adds keys; a key whose (pool, purpose) slot is already filled is skipped, so replicas
    /// racing to fill a pool's keys converge on one set.
    async fn add_keys(&self, keys: &[SigningKeyRecord]) -> Result<(), StoreError>;
    /// The pool's keys, oldest first.
    async fn list_keys(&self, pool_id: &UserPoolId) -> Result<Vec<SigningKeyRecord>, StoreError>;
}

#[async_trait]
pub trait UserStore: Send + Sync {
    /// Conflicts: `users_pool_username_key`, `users_pool_sub_key`, `user_aliases_pool_alias_key`.
    async fn create_user(&self, user: &User) -> Result<(), StoreError>;
    /// Creates many users at once (imports, benchmarks): each user is all or nothing, and one
    /// user's conflict (username, sub or alias taken, also by an earlier user of the same call)
    /// fails that user alone. One result per user, in order; the outer error is a backend
    /// failure. Backends override this default (one `create_user` each) with batched inserts.
    async fn create_users_bulk(
        &self,
        users: &[User],
    ) -> Result<Vec<Result<(), StoreError>>, StoreError> {
        let mut results = Vec::with_capacity(users.len());
        for user in users {
            match self.create_user(user).await {
                Err(StoreError::Backend(message)) => return Err(StoreError::Backend(message)),
                outcome => results.push(outcome),
            }
        }
        Ok(results)
    }
    async fn get_user(&self, pool_id: &UserPoolId, username_key: &str) -> Result<User, StoreError>;
    async fn get_user_by_sub(&self, pool_id: &UserPoolId, sub: &Sub) -> Result<User, StoreError>;
    /// The user holding alias `name` = `value_key` (e.g. a verified email used to sign in).
    async fn get_user_by_alias(
        &self,
        pool_id: &UserPoolId,
        name: &str,
        value_key: &str,
    ) -> Result<User, StoreError>;
    /// Replaces the user (attributes, aliases and all) in one transaction, if the stored
    /// version still equals `user.version` (the stored version becomes `user.version + 1`).
    /// A changed version is `Conflict { constraint: "users_version" }`; a missing user `NotFound`.
    async fn update_user(&self, user: &User) -> Result<(), StoreError>;
    /// Saves a change of `user.extra` alone (the sign-in state a password check claims and
    /// settles, challenge sessions): the document and the version, under `update_user`'s
    /// version check and errors, in one statement. The indexed columns and the attribute and
    /// alias rows are left as stored, so `user` must be the stored user at `user.version` with
    /// nothing but `extra` changed; `update_user` rewrites every attribute and alias row.
    async fn update_user_extra(&self, user: &User) -> Result<(), StoreError>;
    async fn delete_user(&self, pool_id: &UserPoolId, username_key: &str)
    -> Result<(), StoreError>;
    /// Users after the position `after` (a previous page's `next`), optionally filtered. An
    /// attribute filter lists in its index's order: the value's first 256 characters, then the
    /// username key, and `next` is an opaque position in that order; other listings are ordered
    /// by username key and `next` is the last key. Users added or removed between pages never
    /// make a listing repeat or skip another user.
    /// A filter is served by an index, never a scan of the pool. Only what ListUsers shows is
    /// read (`ListedUser`), not whole users.
    async fn list_users(
        &self,
        pool_id: &UserPoolId,
        filter: Option<&UserFilter>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<ListedUser>, StoreError>;
}

#[async_trait]
pub trait RefreshTokenStore: Send + Sync {
    /// `NotFound` when the pool does not exist.
    async fn insert_refresh_token(&self, record: &RefreshTokenRecord) -> Result<(), StoreError>;
    async fn get_refresh_token(&self, token_hash: &str) -> Result<RefreshTokenRecord, StoreError>;
    /// Marks the token revoked; returns its record. `NotFound` when unknown.
    async fn revoke_refresh_token(
        &self,
        token_hash: &str,
    ) -> Result<RefreshTokenRecord, StoreError>;
    /// Marks the token rotated at `at`, only if it was not rotated yet (`Conflict` otherwise).
    async fn mark_refresh_token_rotated(
        &self,
        token_hash: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    /// Revokes every refresh token of a user (GlobalSignOut, password reset, disable...).
    async fn revoke_user_refresh_tokens(
        &self,
        pool_id: &UserPoolId,
        username_key: &str,
    ) -> Result<u64, StoreError>;
}

#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Stores the message and returns its id.
    async fn add_message(&self, message: &OutboxMessage) -> Result<i64, StoreError>;
    /// Matching messages, newest first.
    async fn list_messages(
        &self,
        filter: &OutboxFilter,
        limit: usize,
    ) -> Result<Vec<OutboxMessage>, StoreError>;
}

/// The connection pool as the metrics show it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConnectionStats {
    /// Connections open now (idle or in use).
    pub open: u32,
    pub idle: u32,
    /// The most the pool opens.
    pub max: u32,
}

/// Probes for readiness and the metrics.
#[async_trait]
pub trait HealthStore: Send + Sync {
    /// A round trip to the database: how many of this build's migrations the database has not
    /// applied (0 when its schema is current). An error when the database does not answer.
    async fn pending_migrations(&self) -> Result<usize, StoreError>;
    fn connections(&self) -> ConnectionStats;
}

/// Everything a backend provides.
pub trait Store:
    PoolStore
    + ClientStore
    + KeyStore
    + UserStore
    + RefreshTokenStore
    + OutboxStore
    + crate::identity::IdentityStore
    + crate::group::GroupStore
    + crate::auth_event::AuthEventStore
    + crate::import_job::ImportJobStore
    + crate::hosted::HostedStore
    + HealthStore
    + crate::federation::FederationStore
{
}

impl<
    T: PoolStore
        + ClientStore
        + KeyStore
        + UserStore
        + RefreshTokenStore
        + OutboxStore
        + crate::identity::IdentityStore
        + crate::group::GroupStore
        + crate::auth_event::AuthEventStore
        + crate::import_job::ImportJobStore
        + crate::hosted::HostedStore
        + HealthStore
        + crate::federation::FederationStore,
> Store for T
{
}
