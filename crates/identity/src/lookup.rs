//! Loading what an operation names, with the not-found error AWS gives for each.

use cognate_domain::identity::{Identity as IdentityRecord, IdentityPool};

use crate::Identity;
use crate::errors::{OrNotFound, Result, identity_not_found, pool_not_found};

impl Identity {
    pub async fn identity_pool(&self, pool_id: &str) -> Result<IdentityPool> {
        self.store
            .get_identity_pool(pool_id)
            .await
            .or_not_found(|| pool_not_found(pool_id))
    }

    pub async fn identity(&self, identity_id: &str) -> Result<IdentityRecord> {
        self.store
            .get_identity(identity_id)
            .await
            .or_not_found(|| identity_not_found(identity_id))
    }
}
