//! ForgetDevice: the signed-in user forgets one of its devices; signing in from it goes
//! through MFA again.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{Empty, ForgetDeviceRequest};

use crate::Idp;
use crate::errors::Result;

pub async fn handle(idp: Idp, _ctx: RequestContext, input: ForgetDeviceRequest) -> Result<Empty> {
    let caller = idp
        .signed_in(crate::devices::required_access_token(
            input.access_token.as_ref(),
        )?)
        .await?;
    idp.forget_device(&caller.pool, &caller.user, &input.device_key)
        .await?;
    Ok(Empty {})
}
