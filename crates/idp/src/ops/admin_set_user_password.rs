//! AdminSetUserPassword: Permanent sets the password and confirms the user (CONFIRMED);
//! otherwise it is a temporary password the user must change at next sign-in
//! (FORCE_CHANGE_PASSWORD). A temporary password is an administrator's reset: it ends the user's
//! sessions; a permanent one leaves them alone.

use cognate_awsjson::RequestContext;
use cognate_domain::user::UserStatus;
use cognate_model::idp::{AdminSetUserPasswordRequest, AdminSetUserPasswordResponse};

use crate::Idp;
use crate::errors::Result;
use crate::users::lifecycle::{adopt_password, revoke_tokens};
use crate::users::state::{CodePurpose, UserState};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminSetUserPasswordRequest,
) -> Result<AdminSetUserPasswordResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let user = idp.require_user(&pool, &input.username).await?;
    let permanent = input.permanent.unwrap_or(false);
    let mut prepared = user.clone();
    idp.set_password(&pool, &mut prepared, &input.password, !permanent)
        .await?;
    let now = idp.clock.now();
    let (saved, ()) = idp
        .modify_user(&pool, &user.username_key, |user| {
            adopt_password(user, &prepared);
            if permanent {
                user.status = UserStatus::Confirmed;
                // A password set by an admin supersedes a pending reset or sign-up code.
                let mut state = UserState::of(user);
                state.codes.retain(|c| {
                    !matches!(c.purpose, CodePurpose::ForgotPassword | CodePurpose::SignUp)
                });
                state.save_into(user);
            } else {
                user.status = UserStatus::ForceChangePassword;
                revoke_tokens(user, now);
            }
            user.last_modified_at = now;
            Ok(())
        })
        .await?;
    if !permanent {
        idp.end_refresh_tokens(&pool, &saved).await?;
    }
    Ok(AdminSetUserPasswordResponse {})
}
