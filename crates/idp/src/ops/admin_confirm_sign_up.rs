//! AdminConfirmSignUp: confirms an UNCONFIRMED user without a code. Verifies no attribute.

use cognate_awsjson::RequestContext;
use cognate_domain::user::UserStatus;
use cognate_model::idp::{AdminConfirmSignUpRequest, AdminConfirmSignUpResponse};

use crate::Idp;
use crate::errors::Result;
use crate::users::lifecycle::{cannot_confirm, confirm};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminConfirmSignUpRequest,
) -> Result<AdminConfirmSignUpResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let user = idp.require_user(&pool, &input.username).await?;
    let now = idp.clock.now();
    let (confirmed, ()) = idp
        .modify_user(&pool, &user.username_key, |user| {
            if user.status != UserStatus::Unconfirmed {
                return Err(cannot_confirm(user));
            }
            confirm(&pool, user, false);
            user.last_modified_at = now;
            Ok(())
        })
        .await?;
    idp.post_confirmation(
        &pool,
        &confirmed,
        "PostConfirmation_ConfirmSignUp",
        None,
        input.client_metadata.clone(),
    )
    .await?;
    Ok(AdminConfirmSignUpResponse {})
}
