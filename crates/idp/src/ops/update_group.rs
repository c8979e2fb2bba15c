//! UpdateGroup: the members given replace the group's; members left out keep their values.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{UpdateGroupRequest, UpdateGroupResponse};

use crate::Idp;
use crate::errors::Result;
use crate::groups::{group_type, group_write_error};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: UpdateGroupRequest,
) -> Result<UpdateGroupResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let mut group = idp.group(&pool, &input.group_name).await?;
    if input.description.is_some() {
        group.description = input.description;
    }
    if input.role_arn.is_some() {
        group.role_arn = input.role_arn;
    }
    if input.precedence.is_some() {
        group.precedence = input.precedence;
    }
    group.last_modified_at = idp.clock.now();
    idp.store
        .update_group(&group)
        .await
        .map_err(group_write_error)?;
    Ok(UpdateGroupResponse {
        group: Some(group_type(&group)),
    })
}
