//! UpdateDeviceStatus: the signed-in user marks one of its devices remembered (it may stand in
//! for MFA) or not remembered.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{UpdateDeviceStatusRequest, UpdateDeviceStatusResponse};

use crate::Idp;
use crate::errors::Result;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: UpdateDeviceStatusRequest,
) -> Result<UpdateDeviceStatusResponse> {
    let caller = idp.signed_in(input.access_token.expose()).await?;
    idp.set_device_status(
        &caller.pool,
        &caller.user,
        &input.device_key,
        input.device_remembered_status.as_ref(),
    )
    .await?;
    Ok(UpdateDeviceStatusResponse {})
}
