//! GetUserAttributeVerificationCode: a code to verify the caller's email or phone (the pending
//! new value, when an update is waiting for verification).

use cognate_awsjson::RequestContext;
use cognate_model::idp::{
    GetUserAttributeVerificationCodeRequest, GetUserAttributeVerificationCodeResponse,
};

use crate::Idp;
use crate::errors::{Result, invalid_parameter};
use crate::triggers::{MessageCause, MessageSource};
use crate::users::attempt_limits::HourlyLimit;
use crate::users::profile::verification_destination;
use crate::users::state::CodePurpose;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: GetUserAttributeVerificationCodeRequest,
) -> Result<GetUserAttributeVerificationCodeResponse> {
    let caller = idp.signed_in(&input.access_token).await?;
    let name = input.attribute_name.as_str();
    let purpose = CodePurpose::verifying(name)
        .ok_or_else(|| invalid_parameter(format!("Attribute {name} cannot be verified.")))?;
    let destination = verification_destination(&caller.user, name)
        .ok_or_else(|| invalid_parameter(format!("User does not have the attribute {name}.")))?;
    let details = idp
        .send_code(
            &caller.pool,
            &caller.user,
            purpose,
            &destination,
            MessageCause::new(
                MessageSource::VerifyUserAttribute,
                Some(caller.token.client_id.as_str()),
                input.client_metadata.as_ref(),
            ),
            HourlyLimit::GetUserAttributeVerificationCode,
        )
        .await?;
    Ok(GetUserAttributeVerificationCodeResponse {
        code_delivery_details: Some(details),
    })
}
