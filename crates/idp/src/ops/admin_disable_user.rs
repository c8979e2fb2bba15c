//! AdminDisableUser: the user can no longer sign in, and every token it holds is revoked
//! (access and ID tokens by the revocation mark, refresh tokens in the store). Re-enabling
//! does not bring those tokens back.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{AdminDisableUserRequest, AdminDisableUserResponse};

use crate::Idp;
use crate::errors::Result;
use crate::users::lifecycle::revoke_tokens;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminDisableUserRequest,
) -> Result<AdminDisableUserResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let user = idp.require_user(&pool, input.username.expose()).await?;
    let now = idp.clock.now();
    let (user, ()) = idp
        .modify_user(&pool, &user.username_key, |user| {
            revoke_tokens(user, now);
            user.enabled = false;
            user.last_modified_at = now;
            Ok(())
        })
        .await?;
    idp.end_refresh_tokens(&pool, &user).await?;
    Ok(AdminDisableUserResponse {})
}
