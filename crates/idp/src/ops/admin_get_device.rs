//! AdminGetDevice: one of a user's devices.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{AdminGetDeviceRequest, AdminGetDeviceResponse};

use crate::Idp;
use crate::errors::Result;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminGetDeviceRequest,
) -> Result<AdminGetDeviceResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let user = idp.require_user(&pool, input.username.expose()).await?;
    Ok(AdminGetDeviceResponse {
        device: idp.user_device(&user, &input.device_key)?,
    })
}
