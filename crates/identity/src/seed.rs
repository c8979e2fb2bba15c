//! What a seed file needs beyond the operations themselves: an identity pool created under a
//! fixed id, by CreateIdentityPool's own code.

use cognate_domain::StoreError;
use cognate_model::identity::CreateIdentityPoolInput;

use crate::Identity;
use crate::errors::{Result, internal};
use crate::ops::create_identity_pool;

/// CreateIdentityPool with the id `id` (`<region>:<uuid>`) instead of a generated one.
pub async fn create_pool(
    identity: &Identity,
    id: String,
    input: CreateIdentityPoolInput,
) -> Result<()> {
    create_identity_pool::create(identity, id, input)
        .await
        .map(|_| ())
}

/// Whether the identity pool `id` exists.
pub async fn pool_exists(identity: &Identity, id: &str) -> Result<bool> {
    match identity.store.get_identity_pool(id).await {
        Ok(_) => Ok(true),
        Err(StoreError::NotFound) => Ok(false),
        Err(error) => Err(internal(error)),
    }
}
