use cognate_awsjson::RequestContext;
use cognate_model::idp::{GetGroupRequest, GetGroupResponse};

use crate::Idp;
use crate::errors::Result;
use crate::groups::group_type;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: GetGroupRequest,
) -> Result<GetGroupResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let group = idp.group(&pool, &input.group_name).await?;
    Ok(GetGroupResponse {
        group: Some(group_type(&group)),
    })
}
