//! AdminResetUserPassword: the user's password stops working (RESET_REQUIRED: sign-in answers
//! PasswordResetRequiredException), its sessions end, and a reset code goes to its verified
//! email or phone for ConfirmForgotPassword.

use cognate_awsjson::RequestContext;
use cognate_domain::user::UserStatus;
use cognate_model::idp::{AdminResetUserPasswordRequest, AdminResetUserPasswordResponse};

use crate::Idp;
use crate::errors::Result;
use crate::triggers::{MessageCause, MessageSource};
use crate::users::codes;
use crate::users::delivery::verification_draft;
use crate::users::lifecycle::{cannot_reset, revoke_tokens};
use crate::users::recovery::{no_recovery_destination, recovery_destination};
use crate::users::state::{CodePurpose, UserState};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminResetUserPasswordRequest,
) -> Result<AdminResetUserPasswordResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let user = idp.require_user(&pool, &input.username).await?;
    // The custom message function runs before anything changes (a failure resets nothing);
    // the destination is checked again in the write.
    let draft = match recovery_destination(&pool, &user) {
        Some(destination) => {
            let cause = MessageCause::new(
                MessageSource::ForgotPassword,
                None,
                input.client_metadata.as_ref(),
            );
            Some(idp.code_draft(&pool, &user, &destination, cause).await?)
        }
        None => None,
    };
    let now = idp.clock.now();
    let (saved, (destination, code)) = idp
        .modify_user(&pool, &user.username_key, |user| {
            if user.status == UserStatus::ForceChangePassword {
                return Err(cannot_reset());
            }
            let destination =
                recovery_destination(&pool, user).ok_or_else(no_recovery_destination)?;
            let mut state = UserState::of(user);
            state.prune(now);
            let code = codes::issue(
                &idp.seal,
                &mut state,
                user,
                CodePurpose::ForgotPassword,
                now,
            );
            state.save_into(user);
            user.status = UserStatus::ResetRequired;
            revoke_tokens(user, now);
            user.last_modified_at = now;
            Ok((destination, code))
        })
        .await?;
    idp.end_refresh_tokens(&pool, &saved).await?;
    idp.deliver_code(
        &pool,
        &saved,
        CodePurpose::ForgotPassword,
        &destination,
        &code,
        &draft.unwrap_or_else(|| verification_draft(&pool, destination.medium)),
    )
    .await?;
    Ok(AdminResetUserPasswordResponse {})
}
