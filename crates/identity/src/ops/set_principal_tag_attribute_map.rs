use cognate_awsjson::RequestContext;
use cognate_model::identity::{
    SetPrincipalTagAttributeMapInput, SetPrincipalTagAttributeMapResponse,
};

use crate::Identity;
use crate::errors::{OrNotFound, Result, invalid_parameter, pool_not_found};
use crate::ops::principal_tags::{self, TagMap};

pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: SetPrincipalTagAttributeMapInput,
) -> Result<SetPrincipalTagAttributeMapResponse> {
    let mut pool = identity.identity_pool(&input.identity_pool_id).await?;
    let provider = identity
        .login_provider(&input.identity_provider_name)
        .ok_or_else(|| {
            invalid_parameter(format!(
                "Invalid identity provider name: {}",
                input.identity_provider_name
            ))
        })?;
    let map = TagMap {
        use_defaults: input.use_defaults.unwrap_or(false),
        principal_tags: input.principal_tags.clone().unwrap_or_default(),
    };
    let mut all = principal_tags::all(&pool);
    all.insert(provider, map.clone());
    pool.principal_tags = serde_json::to_value(all).unwrap_or_default();
    identity
        .store
        .update_identity_pool(&pool)
        .await
        .or_not_found(|| pool_not_found(&input.identity_pool_id))?;
    Ok(SetPrincipalTagAttributeMapResponse {
        identity_pool_id: Some(pool.id),
        identity_provider_name: Some(input.identity_provider_name),
        use_defaults: Some(map.use_defaults),
        principal_tags: Some(map.principal_tags),
    })
}
