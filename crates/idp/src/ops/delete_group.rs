//! DeleteGroup: the group and every membership in it go in one statement (foreign keys).

use cognate_awsjson::RequestContext;
use cognate_model::idp::{DeleteGroupRequest, Empty};

use crate::Idp;
use crate::errors::Result;
use crate::groups::group_write_error;

pub async fn handle(idp: Idp, _ctx: RequestContext, input: DeleteGroupRequest) -> Result<Empty> {
    let pool = idp.pool(&input.user_pool_id).await?;
    idp.store
        .delete_group(&pool.id, &input.group_name)
        .await
        .map_err(group_write_error)?;
    Ok(Empty {})
}
