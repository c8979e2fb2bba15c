//! AdminUserGlobalSignOut: revokes every token a user holds.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{AdminUserGlobalSignOutRequest, AdminUserGlobalSignOutResponse};

use crate::Idp;
use crate::errors::Result;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminUserGlobalSignOutRequest,
) -> Result<AdminUserGlobalSignOutResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let user = idp.require_user(&pool, input.username.expose()).await?;
    idp.sign_out_everywhere(&pool, &user).await?;
    Ok(AdminUserGlobalSignOutResponse {})
}
