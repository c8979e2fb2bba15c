//! ForgotPassword: a reset code to the user's verified email or phone, as the pool's
//! AccountRecoverySetting orders them. The user keeps signing in with the old password until
//! ConfirmForgotPassword.

use cognate_awsjson::RequestContext;
use cognate_domain::user::UserStatus;
use cognate_model::idp::{ForgotPasswordRequest, ForgotPasswordResponse};

use crate::Idp;
use crate::errors::Result;
use crate::users::attempt_limits::HourlyLimit;
use crate::users::lifecycle::{cannot_reset, user_disabled};
use crate::users::recovery::{
    no_recovery_destination, recovery_destination, simulated_destination,
};
use crate::users::state::CodePurpose;
use crate::users::user_not_found;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: ForgotPasswordRequest,
) -> Result<ForgotPasswordResponse> {
    let public = idp
        .public(
            &input.client_id,
            &input.username,
            input.secret_hash.as_deref(),
        )
        .await?;
    let pool = &public.pool;
    // With PreventUserExistenceErrors, users who cannot get a code look like ones who did.
    let simulated = || ForgotPasswordResponse {
        code_delivery_details: Some(simulated_destination(pool, &input.username).details()),
    };
    let user = match idp.find_user(pool, &input.username).await? {
        Some(user) if user.enabled => user,
        Some(_) if public.hides_users() => return Ok(simulated()),
        Some(_) => return Err(user_disabled()),
        None if public.hides_users() => return Ok(simulated()),
        None => return Err(user_not_found()),
    };
    if user.status == UserStatus::ForceChangePassword {
        return Err(cannot_reset());
    }
    let Some(destination) = recovery_destination(pool, &user) else {
        if public.hides_users() {
            return Ok(simulated());
        }
        return Err(no_recovery_destination());
    };
    let details = idp
        .send_code(
            pool,
            &user,
            CodePurpose::ForgotPassword,
            &destination,
            HourlyLimit::PasswordReset,
        )
        .await?;
    Ok(ForgotPasswordResponse {
        code_delivery_details: Some(details),
    })
}
