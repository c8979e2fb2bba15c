use cognate_awsjson::RequestContext;
use cognate_model::idp::{ListGroupsRequest, ListGroupsResponse};

use crate::errors::{Result, internal};
use crate::groups::group_type;
use crate::{Idp, paging};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: ListGroupsRequest,
) -> Result<ListGroupsResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let scope = format!("groups/{}", pool.id);
    let after = paging::open_after(&idp.seal, &scope, input.next_token.as_deref())?;
    let page = idp
        .store
        .list_groups(&pool.id, after.as_deref(), paging::page_limit(input.limit))
        .await
        .map_err(internal)?;
    Ok(ListGroupsResponse {
        groups: Some(page.items.iter().map(group_type).collect()),
        next_token: paging::seal_next(&idp.seal, &scope, page.next),
    })
}
