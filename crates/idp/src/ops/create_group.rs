//! CreateGroup: a name unique per pool regardless of case (a unique index, not a lookup).

use cognate_awsjson::RequestContext;
use cognate_domain::group::Group;
use cognate_model::idp::{CreateGroupRequest, CreateGroupResponse};

use crate::Idp;
use crate::errors::Result;
use crate::groups::{group_type, group_write_error};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: CreateGroupRequest,
) -> Result<CreateGroupResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let now = idp.clock.now();
    let group = Group {
        pool_id: pool.id.clone(),
        name: input.group_name,
        description: input.description,
        role_arn: input.role_arn,
        precedence: input.precedence,
        created_at: now,
        last_modified_at: now,
    };
    idp.store
        .create_group(&group)
        .await
        .map_err(group_write_error)?;
    Ok(CreateGroupResponse {
        group: Some(group_type(&group)),
    })
}
