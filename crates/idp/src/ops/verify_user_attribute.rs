//! VerifyUserAttribute: the code from GetUserAttributeVerificationCode (or an attribute update)
//! marks the caller's email or phone verified; a pending new value takes effect.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{VerifyUserAttributeRequest, VerifyUserAttributeResponse};

use crate::Idp;
use crate::errors::{Result, invalid_parameter};
use crate::users::attempt_limits::HourlyLimit;
use crate::users::profile::mark_verified;
use crate::users::state::CodePurpose;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: VerifyUserAttributeRequest,
) -> Result<VerifyUserAttributeResponse> {
    let caller = idp.signed_in(&input.access_token).await?;
    let name = input.attribute_name.as_str();
    let purpose = CodePurpose::verifying(name)
        .ok_or_else(|| invalid_parameter(format!("Attribute {name} cannot be verified.")))?;
    let now = idp.clock.now();
    idp.redeem_code(
        &caller.pool,
        &caller.user,
        purpose,
        &input.code,
        HourlyLimit::VerifyUserAttribute,
        |user| {
            mark_verified(user, name, now);
            Ok(())
        },
    )
    .await?;
    Ok(VerifyUserAttributeResponse {})
}
