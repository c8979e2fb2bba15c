use cognate_awsjson::RequestContext;
use cognate_model::identity::{GetIdentityPoolRolesInput, GetIdentityPoolRolesResponse};

use crate::errors::Result;
use crate::{Identity, roles};

pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: GetIdentityPoolRolesInput,
) -> Result<GetIdentityPoolRolesResponse> {
    let pool = identity.identity_pool(&input.identity_pool_id).await?;
    let mappings = roles::role_mappings(&pool);
    Ok(GetIdentityPoolRolesResponse {
        identity_pool_id: Some(pool.id.clone()),
        roles: Some(pool.roles.clone()),
        role_mappings: (!mappings.is_empty()).then_some(mappings),
    })
}
