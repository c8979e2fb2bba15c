//! Groups of a pool and their members, with the storage trait for both.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::ids::UserPoolId;
use crate::store::{Page, StoreError};
use crate::user::User;

/// The constraint a second group of the same name in a pool violates.
pub const GROUPS_POOL_NAME_KEY: &str = "user_groups_pool_name_key";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub pool_id: UserPoolId,
    /// The name as created (case preserved).
    pub name: String,
    pub description: Option<String>,
    pub role_arn: Option<String>,
    /// Lower wins; None ranks after every number.
    pub precedence: Option<i32>,
    pub created_at: Timestamp,
    pub last_modified_at: Timestamp,
}

impl Group {
    /// The key the name is unique and looked up under.
    pub fn key(&self) -> String {
        group_key(&self.name)
    }
}

/// Group names are unique per pool regardless of case (Cognito refuses `Admins` beside
/// `ADMINS`), and found the same way.
pub fn group_key(name: &str) -> String {
    name.to_lowercase()
}

#[async_trait]
pub trait GroupStore: Send + Sync {
    /// `Conflict { GROUPS_POOL_NAME_KEY }` when the name is taken; `NotFound` without the pool.
    async fn create_group(&self, group: &Group) -> Result<(), StoreError>;
    /// `name` in any case.
    async fn get_group(&self, pool_id: &UserPoolId, name: &str) -> Result<Group, StoreError>;
    /// Replaces the group's description, role and precedence. `NotFound` when absent.
    async fn update_group(&self, group: &Group) -> Result<(), StoreError>;
    /// Deletes the group and its memberships. `NotFound` when absent.
    async fn delete_group(&self, pool_id: &UserPoolId, name: &str) -> Result<(), StoreError>;
    /// A pool's groups ordered by key, starting after the key `after`.
    async fn list_groups(
        &self,
        pool_id: &UserPoolId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<Group>, StoreError>;
    /// Adds the user to the group; already a member is fine. `NotFound` when either is gone.
    async fn add_group_member(
        &self,
        pool_id: &UserPoolId,
        group_name: &str,
        username_key: &str,
    ) -> Result<(), StoreError>;
    /// Removes the membership if there is one.
    async fn remove_group_member(
        &self,
        pool_id: &UserPoolId,
        group_name: &str,
        username_key: &str,
    ) -> Result<(), StoreError>;
    /// The user's groups ordered by key, starting after the key `after`.
    async fn list_user_groups(
        &self,
        pool_id: &UserPoolId,
        username_key: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<Group>, StoreError>;
    /// The group's members ordered by username key, starting after `after`.
    async fn list_group_members(
        &self,
        pool_id: &UserPoolId,
        group_name: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<User>, StoreError>;
}
