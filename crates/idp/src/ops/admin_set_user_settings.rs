//! AdminSetUserSettings: an administrator sets a user's legacy MFA options. SMS to
//! `phone_number` turns SMS MFA on, an empty list turns it off.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{AdminSetUserSettingsRequest, AdminSetUserSettingsResponse};

use crate::Idp;
use crate::errors::Result;
use crate::mfa::apply_mfa_options;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminSetUserSettingsRequest,
) -> Result<AdminSetUserSettingsResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let user = idp.require_user(&pool, input.username.expose()).await?;
    idp.modify_user(&pool, &user.username_key, |user| {
        apply_mfa_options(user, &input.mfa_options)
    })
    .await?;
    Ok(AdminSetUserSettingsResponse {})
}
