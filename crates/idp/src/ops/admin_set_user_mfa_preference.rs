//! AdminSetUserMFAPreference: an administrator enables, disables or prefers a user's MFA
//! factors.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{AdminSetUserMFAPreferenceRequest, AdminSetUserMFAPreferenceResponse};

use crate::Idp;
use crate::errors::Result;
use crate::mfa::{Preference, Preferences, apply_preferences};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminSetUserMFAPreferenceRequest,
) -> Result<AdminSetUserMFAPreferenceResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let user = idp.require_user(&pool, input.username.expose()).await?;
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
    idp.modify_user(&pool, &user.username_key, |user| {
        apply_preferences(user, &asked)
    })
    .await?;
    Ok(AdminSetUserMFAPreferenceResponse {})
}
