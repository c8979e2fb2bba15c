use cognate_awsjson::RequestContext;
use cognate_model::idp::{ListUsersInGroupRequest, ListUsersInGroupResponse};

use crate::errors::{Result, internal};
use crate::users::wire;
use crate::{Idp, paging};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: ListUsersInGroupRequest,
) -> Result<ListUsersInGroupResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let group = idp.group(&pool, &input.group_name).await?;
    let scope = format!("group-users/{}/{}", pool.id, group.key());
    let after = paging::open_after(&idp.seal, &scope, input.next_token.as_deref())?;
    let page = idp
        .store
        .list_group_members(
            &pool.id,
            &group.name,
            after.as_deref(),
            paging::page_limit(input.limit),
        )
        .await
        .map_err(internal)?;
    Ok(ListUsersInGroupResponse {
        users: Some(page.items.iter().map(wire::user_type).collect()),
        next_token: paging::seal_next(&idp.seal, &scope, page.next),
    })
}
