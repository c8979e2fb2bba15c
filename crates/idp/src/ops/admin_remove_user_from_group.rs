use cognate_awsjson::RequestContext;
use cognate_model::idp::{AdminRemoveUserFromGroupRequest, Empty};

use crate::Idp;
use crate::errors::{Result, internal};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminRemoveUserFromGroupRequest,
) -> Result<Empty> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let group = idp.group(&pool, &input.group_name).await?;
    let user = idp.require_user(&pool, input.username.expose()).await?;
    idp.store
        .remove_group_member(&pool.id, &group.name, &user.username_key)
        .await
        .map_err(internal)?;
    Ok(Empty {})
}
