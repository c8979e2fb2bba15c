//! ForgotPassword: a reset code to the user's verified email or phone, as the pool's
//! AccountRecoverySetting orders them. The user keeps signing in with the old password until
//! ConfirmForgotPassword.

use cognate_awsjson::RequestContext;
use cognate_domain::user::UserStatus;
use cognate_model::idp::{ForgotPasswordRequest, ForgotPasswordResponse};

use crate::Idp;
use crate::errors::Result;
use crate::triggers::{MessageCause, MessageSource, Migrated, Migration, not_migrated};
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
        // A name that is no user may be one of the old directory's (user migration).
        None => {
            let migration = Migration::ForgotPassword {
                client_metadata: input.client_metadata.as_ref(),
            };
            match idp
                .migrate_user(pool, &public.client, &input.username, migration)
                .await?
            {
                Migrated::User(user) => *user,
                _ if public.hides_users() => return Ok(simulated()),
                Migrated::Refused => return Err(not_migrated(&public.client)),
                Migrated::NoFunction => return Err(user_not_found()),
            }
        }
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
            MessageCause::new(
                MessageSource::ForgotPassword,
                Some(&input.client_id),
                input.client_metadata.as_ref(),
            ),
            HourlyLimit::PasswordReset,
        )
        .await?;
    Ok(ForgotPasswordResponse {
        code_delivery_details: Some(details),
    })
}
