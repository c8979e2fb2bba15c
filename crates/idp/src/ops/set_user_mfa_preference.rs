//! SetUserMFAPreference: the signed-in user enables, disables or prefers its MFA factors.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{SetUserMFAPreferenceRequest, SetUserMFAPreferenceResponse};

use crate::Idp;
use crate::errors::Result;
use crate::mfa::{Preference, Preferences, apply_preferences};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: SetUserMFAPreferenceRequest,
) -> Result<SetUserMFAPreferenceResponse> {
    let caller = idp.signed_in(input.access_token.expose()).await?;
    let asked = Preferences {
        sms: input.sms_mfa_settings.as_ref().map(|s| Preference {
            enabled: s.enabled,
            preferred: s.preferred_mfa,
        }),
        software_token: input
            .software_token_mfa_settings
            .as_ref()
            .map(|s| Preference {
                enabled: s.enabled,
                preferred: s.preferred_mfa,
            }),
        email: input.email_mfa_settings.as_ref().map(|s| Preference {
            enabled: s.enabled,
            preferred: s.preferred_mfa,
        }),
    };
    let sub = caller.user.sub.clone();
    idp.modify_user(&caller.pool, &caller.user.username_key, |user| {
        if user.sub != sub {
            return Err(crate::users::user_not_found());
        }
        apply_preferences(user, &asked)
    })
    .await?;
    Ok(SetUserMFAPreferenceResponse {})
}
