//! AdminUpdateDeviceStatus: marks one of a user's devices remembered or not remembered.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{AdminUpdateDeviceStatusRequest, AdminUpdateDeviceStatusResponse};

use crate::Idp;
use crate::errors::Result;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminUpdateDeviceStatusRequest,
) -> Result<AdminUpdateDeviceStatusResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let user = idp.require_user(&pool, input.username.expose()).await?;
    idp.set_device_status(
        &pool,
        &user,
        &input.device_key,
        input.device_remembered_status.as_ref(),
    )
    .await?;
    Ok(AdminUpdateDeviceStatusResponse {})
}
