//! AdminEnableUser: sign-in is allowed again (tokens revoked by disabling stay revoked).

use cognate_awsjson::RequestContext;
use cognate_model::idp::{AdminEnableUserRequest, AdminEnableUserResponse};

use crate::Idp;
use crate::errors::Result;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminEnableUserRequest,
) -> Result<AdminEnableUserResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let user = idp.require_user(&pool, input.username.expose()).await?;
    let now = idp.clock.now();
    idp.modify_user(&pool, &user.username_key, |user| {
        user.enabled = true;
        user.last_modified_at = now;
        Ok(())
    })
    .await?;
    Ok(AdminEnableUserResponse {})
}
