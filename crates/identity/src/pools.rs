//! Identity pools between the wire and storage: the configuration is kept as the wire document
//! (minus id, name and tags, which have their own fields), so every setting round-trips.

use std::collections::BTreeMap;

use cognate_awsjson::ApiError;
use cognate_domain::Timestamp;
use cognate_domain::identity::IdentityPool;
use cognate_model::identity::{CognitoIdentityProvider, IdentityPool as WirePool};

use crate::errors::Result;

/// AWS's limit on tags per resource.
pub const MAX_TAGS: usize = 50;

/// The stored configuration of `wire`: everything but id, name and tags.
pub fn config_of(wire: &WirePool) -> Result<serde_json::Value> {
    let mut config = wire.clone();
    config.identity_pool_id = String::new();
    config.identity_pool_name = String::new();
    config.identity_pool_tags = None;
    serde_json::to_value(config).map_err(|error| {
        tracing::error!(%error, "identity pool configuration does not serialise");
        ApiError::internal()
    })
}

/// The pool as the API shows it.
pub fn wire_pool(pool: &IdentityPool) -> WirePool {
    let mut wire: WirePool = serde_json::from_value(pool.config.clone()).unwrap_or_default();
    wire.identity_pool_id = pool.id.clone();
    wire.identity_pool_name = pool.name.clone();
    wire.identity_pool_tags = Some(pool.tags.clone());
    wire
}

/// A new pool from its wire form, created at `now`.
pub fn new_pool(
    id: String,
    wire: &WirePool,
    tags: BTreeMap<String, String>,
    now: Timestamp,
) -> Result<IdentityPool> {
    Ok(IdentityPool {
        id,
        name: wire.identity_pool_name.clone(),
        config: config_of(wire)?,
        tags,
        roles: BTreeMap::new(),
        role_mappings: serde_json::Value::Null,
        principal_tags: serde_json::Value::Null,
        created_at: now,
        last_modified_at: now,
    })
}

/// The user-pool providers the pool accepts logins from.
pub fn cognito_providers(pool: &IdentityPool) -> Vec<CognitoIdentityProvider> {
    wire_pool(pool)
        .cognito_identity_providers
        .unwrap_or_default()
}

pub fn allows_unauthenticated(pool: &IdentityPool) -> bool {
    wire_pool(pool).allow_unauthenticated_identities
}
