//! AdminListDevices: a user's confirmed devices, a page at a time.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{AdminListDevicesRequest, AdminListDevicesResponse};

use crate::Idp;
use crate::errors::Result;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminListDevicesRequest,
) -> Result<AdminListDevicesResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let user = idp.require_user(&pool, input.username.expose()).await?;
    let (devices, next) =
        idp.list_user_devices(&pool, &user, input.limit, input.pagination_token.as_deref())?;
    Ok(AdminListDevicesResponse {
        devices: Some(devices),
        pagination_token: next,
    })
}
