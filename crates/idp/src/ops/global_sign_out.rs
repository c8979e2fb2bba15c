//! GlobalSignOut: the caller (by access token) revokes every token it holds.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{GlobalSignOutRequest, GlobalSignOutResponse};

use crate::Idp;
use crate::errors::Result;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: GlobalSignOutRequest,
) -> Result<GlobalSignOutResponse> {
    let caller = idp.signed_in(input.access_token.expose()).await?;
    idp.sign_out_everywhere(&caller.pool, &caller.user).await?;
    Ok(GlobalSignOutResponse {})
}
