//! AdminForgetDevice: forgets one of a user's devices.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{AdminForgetDeviceRequest, Empty};

use crate::Idp;
use crate::errors::Result;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminForgetDeviceRequest,
) -> Result<Empty> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let user = idp.require_user(&pool, input.username.expose()).await?;
    idp.forget_device(&pool, &user, &input.device_key).await?;
    Ok(Empty {})
}
