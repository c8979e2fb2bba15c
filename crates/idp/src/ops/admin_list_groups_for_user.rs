use cognate_awsjson::RequestContext;
use cognate_model::idp::{AdminListGroupsForUserRequest, AdminListGroupsForUserResponse};

use crate::errors::{Result, internal};
use crate::groups::group_type;
use crate::{Idp, paging};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminListGroupsForUserRequest,
) -> Result<AdminListGroupsForUserResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let user = idp.require_user(&pool, input.username.expose()).await?;
    let scope = format!("user-groups/{}/{}", pool.id, user.username_key);
    let after = paging::open_after(&idp.seal, &scope, input.next_token.as_deref())?;
    let page = idp
        .store
        .list_user_groups(
            &pool.id,
            &user.username_key,
            after.as_deref(),
            paging::page_limit(input.limit),
        )
        .await
        .map_err(internal)?;
    Ok(AdminListGroupsForUserResponse {
        groups: Some(page.items.iter().map(group_type).collect()),
        next_token: paging::seal_next(&idp.seal, &scope, page.next),
    })
}
