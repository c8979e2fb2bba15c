//! GetUserAuthFactors: the signed-in user's MFA settings (as GetUser gives them) and the
//! first factors they could start a USER_AUTH sign-in with, given what they hold and what the
//! pool's SignInPolicy allows.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{GetUserAuthFactorsRequest, GetUserAuthFactorsResponse};

use crate::Idp;
use crate::auth::user_auth::configured_factors;
use crate::errors::Result;
use crate::users::wire;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: GetUserAuthFactorsRequest,
) -> Result<GetUserAuthFactorsResponse> {
    let caller = idp.authenticate(input.access_token.expose()).await?;
    let user = &caller.user;
    let pool = idp.pool(user.pool_id.as_str()).await?;
    let mfa = wire::mfa_settings(user);
    Ok(GetUserAuthFactorsResponse {
        username: user.username.as_str().into(),
        preferred_mfa_setting: mfa.preferred,
        user_mfa_setting_list: mfa.enabled,
        configured_user_auth_factors: Some(configured_factors(&pool, user)),
    })
}
