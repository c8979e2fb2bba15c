use cognate_awsjson::RequestContext;
use cognate_model::Empty;
use cognate_model::identity::SetIdentityPoolRolesInput;

use crate::errors::{OrNotFound, Result, invalid_parameter, pool_not_found};
use crate::{Identity, roles};

const ROLE_KEYS: [&str; 2] = ["authenticated", "unauthenticated"];

pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: SetIdentityPoolRolesInput,
) -> Result<Empty> {
    let mut pool = identity.identity_pool(&input.identity_pool_id).await?;
    if let Some(key) = input
        .roles
        .keys()
        .find(|key| !ROLE_KEYS.contains(&key.as_str()))
    {
        return Err(invalid_parameter(format!(
            "Invalid role key {key}: use authenticated or unauthenticated."
        )));
    }
    for (key, mapping) in input.role_mappings.iter().flatten() {
        roles::check_mapping(&identity, key, mapping)?;
    }
    pool.roles = input.roles;
    pool.role_mappings =
        serde_json::to_value(input.role_mappings.unwrap_or_default()).unwrap_or_default();
    pool.last_modified_at = identity.clock.now();
    identity
        .store
        .update_identity_pool(&pool)
        .await
        .or_not_found(|| pool_not_found(&input.identity_pool_id))?;
    Ok(Empty {})
}
