//! GetDevice: one of the signed-in user's devices.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{GetDeviceRequest, GetDeviceResponse};

use crate::Idp;
use crate::errors::Result;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: GetDeviceRequest,
) -> Result<GetDeviceResponse> {
    let caller = idp
        .signed_in(crate::devices::required_access_token(
            input.access_token.as_ref(),
        )?)
        .await?;
    Ok(GetDeviceResponse {
        device: idp.user_device(&caller.user, &input.device_key)?,
    })
}
