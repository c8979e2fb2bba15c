//! ResendConfirmationCode: a new sign-up code (the old one dies) for an unconfirmed user.

use cognate_awsjson::RequestContext;
use cognate_domain::user::UserStatus;
use cognate_model::idp::{ResendConfirmationCodeRequest, ResendConfirmationCodeResponse};

use crate::Idp;
use crate::errors::{Result, invalid_parameter};
use crate::triggers::{MessageCause, MessageSource};
use crate::users::attempt_limits::HourlyLimit;
use crate::users::lifecycle::user_disabled;
use crate::users::recovery::{sign_up_destination, simulated_destination};
use crate::users::state::CodePurpose;
use crate::users::user_not_found;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: ResendConfirmationCodeRequest,
) -> Result<ResendConfirmationCodeResponse> {
    let public = idp
        .public(
            &input.client_id,
            &input.username,
            input.secret_hash.as_deref(),
        )
        .await?;
    let pool = &public.pool;
    let simulated = || ResendConfirmationCodeResponse {
        code_delivery_details: Some(simulated_destination(pool, &input.username).details()),
    };
    let user = match idp.find_user(pool, &input.username).await? {
        Some(user) if user.enabled => user,
        Some(_) if public.hides_users() => return Ok(simulated()),
        Some(_) => return Err(user_disabled()),
        None if public.hides_users() => return Ok(simulated()),
        None => return Err(user_not_found()),
    };
    if user.status != UserStatus::Unconfirmed {
        return Err(invalid_parameter("User is already confirmed."));
    }
    let Some(destination) = sign_up_destination(pool, &user) else {
        return Err(invalid_parameter(
            "Cannot resend codes. Auto verification not turned on.",
        ));
    };
    let details = idp
        .send_code(
            pool,
            &user,
            CodePurpose::SignUp,
            &destination,
            MessageCause::new(
                MessageSource::ResendCode,
                Some(&input.client_id),
                input.client_metadata.as_ref(),
            ),
            HourlyLimit::ResendConfirmationCode,
        )
        .await?;
    Ok(ResendConfirmationCodeResponse {
        code_delivery_details: Some(details),
    })
}
