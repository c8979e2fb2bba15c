//! SetUserSettings: the signed-in user's legacy MFA options. SMS to `phone_number` turns SMS MFA
//! on, an empty list turns it off (SetUserMFAPreference is the current way to do this).

use cognate_awsjson::RequestContext;
use cognate_model::idp::{SetUserSettingsRequest, SetUserSettingsResponse};

use crate::Idp;
use crate::errors::Result;
use crate::mfa::apply_mfa_options;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: SetUserSettingsRequest,
) -> Result<SetUserSettingsResponse> {
    let caller = idp.signed_in(input.access_token.expose()).await?;
    let sub = caller.user.sub.clone();
    idp.modify_user(&caller.pool, &caller.user.username_key, |user| {
        if user.sub != sub {
            return Err(crate::users::user_not_found());
        }
        apply_mfa_options(user, &input.mfa_options)
    })
    .await?;
    Ok(SetUserSettingsResponse {})
}
