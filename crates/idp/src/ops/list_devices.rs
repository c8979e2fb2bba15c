//! ListDevices: the signed-in user's confirmed devices, a page at a time.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{ListDevicesRequest, ListDevicesResponse};

use crate::Idp;
use crate::errors::Result;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: ListDevicesRequest,
) -> Result<ListDevicesResponse> {
    let caller = idp.signed_in(input.access_token.expose()).await?;
    let (devices, next) = idp.list_user_devices(
        &caller.pool,
        &caller.user,
        input.limit,
        input.pagination_token.as_deref(),
    )?;
    Ok(ListDevicesResponse {
        devices: Some(devices),
        pagination_token: next,
    })
}
