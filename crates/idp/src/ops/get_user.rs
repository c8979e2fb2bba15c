//! GetUser: the signed-in user's attributes as its client may read them (ReadAttributes), and
//! its MFA settings. A hot path: one token check (cached signature), one user and one client
//! read.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{GetUserRequest, GetUserResponse};

use crate::Idp;
use crate::errors::Result;
use crate::users::attributes::{readable_by, to_wire};
use crate::users::wire;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: GetUserRequest,
) -> Result<GetUserResponse> {
    let caller = idp.authenticate(input.access_token.expose()).await?;
    let client = idp.token_client(&caller.token).await?;
    let user = &caller.user;
    let mfa = wire::mfa_settings(user);
    Ok(GetUserResponse {
        username: user.username.as_str().into(),
        user_attributes: to_wire(&user.attributes, |name| readable_by(Some(&client), name)),
        mfa_options: mfa.options,
        preferred_mfa_setting: mfa.preferred,
        user_mfa_setting_list: mfa.enabled,
    })
}
