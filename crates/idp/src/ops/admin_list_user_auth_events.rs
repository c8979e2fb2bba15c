//! AdminListUserAuthEvents: the user's events, newest first. As on AWS, only pools with threat
//! protection have them; others answer UserPoolAddOnNotEnabledException.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{AdminListUserAuthEventsRequest, AdminListUserAuthEventsResponse};

use crate::auth_events::{add_on_not_enabled, auth_event_type, events_enabled};
use crate::errors::{Result, internal};
use crate::{Idp, paging};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminListUserAuthEventsRequest,
) -> Result<AdminListUserAuthEventsResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    if !events_enabled(&pool) {
        return Err(add_on_not_enabled());
    }
    let user = idp.require_user(&pool, input.username.expose()).await?;
    let scope = format!("auth-events/{}/{}", pool.id, user.username_key);
    let after = paging::open_after(&idp.seal, &scope, input.next_token.as_deref())?;
    let page = idp
        .store
        .list_auth_events(
            &pool.id,
            &user.username_key,
            after.as_deref(),
            paging::page_limit(input.max_results),
        )
        .await
        .map_err(internal)?;
    Ok(AdminListUserAuthEventsResponse {
        auth_events: Some(page.items.iter().map(auth_event_type).collect()),
        next_token: paging::seal_next(&idp.seal, &scope, page.next),
    })
}
