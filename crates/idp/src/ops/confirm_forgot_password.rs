//! ConfirmForgotPassword: the reset code and a new password. The user ends CONFIRMED, its
//! sessions ended (tokens issued before are revoked).

use cognate_awsjson::RequestContext;
use cognate_domain::user::UserStatus;
use cognate_model::idp::{ConfirmForgotPasswordRequest, ConfirmForgotPasswordResponse};

use crate::Idp;
use crate::errors::Result;
use crate::users::attempt_limits::HourlyLimit;
use crate::users::codes::{self, CodeCheck, code_mismatch};
use crate::users::lifecycle::{adopt_password, revoke_tokens, user_disabled};
use crate::users::passwords::check_policy;
use crate::users::state::{CodePurpose, UserState};
use crate::users::user_not_found;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: ConfirmForgotPasswordRequest,
) -> Result<ConfirmForgotPasswordResponse> {
    let public = idp
        .public(
            &input.client_id,
            &input.username,
            input.secret_hash.as_deref(),
        )
        .await?;
    let pool = &public.pool;
    // With PreventUserExistenceErrors, unknown and disabled users get a wrong-code answer.
    let user = match idp.find_user(pool, &input.username).await? {
        Some(user) if user.enabled => user,
        _ if public.hides_users() => return Err(code_mismatch()),
        Some(_) => return Err(user_disabled()),
        None => return Err(user_not_found()),
    };
    check_policy(pool, &input.password)?;
    let code = input.confirmation_code.as_str();
    let purpose = CodePurpose::ForgotPassword;
    let now = idp.clock.now();
    // Hash the new password (slow) only for a right code; a wrong one is counted by redeeming.
    let mut prepared = user.clone();
    if codes::check(&idp.seal, &UserState::of(&user), &user, purpose, code, now) == CodeCheck::Match
    {
        idp.set_password(pool, &mut prepared, &input.password, false)
            .await?;
    }
    let saved = idp
        .redeem_code(
            pool,
            &user,
            purpose,
            code,
            HourlyLimit::PasswordReset,
            |user| {
                if prepared.password.is_none() || prepared.password == user.password {
                    // The code matched now but not when checked before: cannot happen unless a new
                    // code raced in; ask for a retry rather than keep the old password.
                    return Err(code_mismatch());
                }
                adopt_password(user, &prepared);
                user.status = UserStatus::Confirmed;
                revoke_tokens(user, now);
                user.last_modified_at = now;
                Ok(())
            },
        )
        .await?;
    idp.end_refresh_tokens(pool, &saved).await?;
    idp.record_auth_event(
        pool,
        &saved.username_key,
        cognate_model::idp::EventType::ForgotPassword,
        cognate_model::idp::EventResponseType::Pass,
    )
    .await;
    idp.post_confirmation(
        pool,
        &saved,
        "PostConfirmation_ConfirmForgotPassword",
        Some(&input.client_id),
        input.client_metadata.clone(),
    )
    .await?;
    Ok(ConfirmForgotPasswordResponse {})
}
