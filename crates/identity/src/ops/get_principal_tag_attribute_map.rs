use cognate_awsjson::RequestContext;
use cognate_model::identity::{
    GetPrincipalTagAttributeMapInput, GetPrincipalTagAttributeMapResponse,
};

use crate::Identity;
use crate::errors::Result;
use crate::ops::principal_tags;

pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: GetPrincipalTagAttributeMapInput,
) -> Result<GetPrincipalTagAttributeMapResponse> {
    let pool = identity.identity_pool(&input.identity_pool_id).await?;
    let map = identity
        .login_provider(&input.identity_provider_name)
        .and_then(|provider| principal_tags::all(&pool).remove(&provider))
        .unwrap_or_default();
    Ok(GetPrincipalTagAttributeMapResponse {
        identity_pool_id: Some(pool.id),
        identity_provider_name: Some(input.identity_provider_name),
        use_defaults: Some(map.use_defaults),
        principal_tags: Some(map.principal_tags),
    })
}
