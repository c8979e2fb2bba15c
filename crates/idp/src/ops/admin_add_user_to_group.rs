//! AdminAddUserToGroup: idempotent; the group and the user must both exist.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{AdminAddUserToGroupRequest, Empty};

use crate::Idp;
use crate::errors::Result;
use crate::groups::group_write_error;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminAddUserToGroupRequest,
) -> Result<Empty> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let group = idp.group(&pool, &input.group_name).await?;
    let user = idp.require_user(&pool, input.username.expose()).await?;
    // A group or user deleted meanwhile fails the foreign key: reported as the group missing.
    idp.store
        .add_group_member(&pool.id, &group.name, &user.username_key)
        .await
        .map_err(group_write_error)?;
    Ok(Empty {})
}
