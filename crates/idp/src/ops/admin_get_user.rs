use cognate_awsjson::RequestContext;
use cognate_model::idp::{AdminGetUserRequest, AdminGetUserResponse};

use crate::Idp;
use crate::errors::Result;
use crate::users::{attributes, wire};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminGetUserRequest,
) -> Result<AdminGetUserResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let user = idp.require_user(&pool, &input.username).await?;
    let mfa = wire::mfa_settings(&user);
    Ok(AdminGetUserResponse {
        username: user.username.as_str().into(),
        user_attributes: Some(attributes::to_wire(&user.attributes, |_| true)),
        user_create_date: Some(user.created_at.epoch_seconds()),
        user_last_modified_date: Some(user.last_modified_at.epoch_seconds()),
        enabled: Some(user.enabled),
        user_status: Some(wire::status(&user)),
        mfa_options: mfa.options,
        preferred_mfa_setting: mfa.preferred,
        user_mfa_setting_list: mfa.enabled,
    })
}
