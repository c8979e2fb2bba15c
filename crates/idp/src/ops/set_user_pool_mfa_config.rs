//! SetUserPoolMfaConfig: the pool's MfaConfiguration (OFF, ON, OPTIONAL) and its factors
//! (software token, SMS, email), returned as stored. As on AWS: OFF together with a factor is
//! refused and OFF drops the factors; ON or OPTIONAL need a factor; email MFA needs the pool to
//! send email through its own SES configuration.

use cognate_awsjson::RequestContext;
use cognate_domain::pool::{MfaConfiguration, UserPool};
use cognate_model::idp::{
    ErrorCode, SetUserPoolMfaConfigRequest, SetUserPoolMfaConfigResponse, UserPoolMfaType,
};

use crate::Idp;
use crate::errors::{OrNotFound, Result, invalid_parameter, pool_not_found};
use crate::mfa::{PoolFactors, wire_mfa_type};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: SetUserPoolMfaConfigRequest,
) -> Result<SetUserPoolMfaConfigResponse> {
    let mut pool = idp.pool(&input.user_pool_id).await?;
    let configures_factor = input.sms_mfa_configuration.is_some()
        || input.software_token_mfa_configuration.is_some()
        || input.email_mfa_configuration.is_some();
    if input.mfa_configuration == Some(UserPoolMfaType::Off) && configures_factor {
        return Err(invalid_parameter(
            "Invalid MFA configuration given, can't turn off MFA and configure an MFA together.",
        ));
    }
    let mut factors = PoolFactors::of(&pool);
    // Members left out keep their settings, as on AWS.
    if input.sms_mfa_configuration.is_some() {
        factors.sms = input.sms_mfa_configuration.clone();
    }
    if input.software_token_mfa_configuration.is_some() {
        factors.software_token = input.software_token_mfa_configuration.clone();
    }
    if input.email_mfa_configuration.is_some() {
        check_email_mfa_allowed(&pool)?;
        factors.email = input.email_mfa_configuration.clone();
    }
    if let Some(wanted) = &input.mfa_configuration {
        pool.mfa_configuration = match wanted {
            UserPoolMfaType::Off => MfaConfiguration::Off,
            UserPoolMfaType::On => MfaConfiguration::On,
            UserPoolMfaType::Optional => MfaConfiguration::Optional,
        };
    }
    // Turning MFA off drops the factors with it.
    if pool.mfa_configuration == MfaConfiguration::Off {
        factors = PoolFactors::default();
    }
    let any_factor =
        factors.software_token_enabled() || factors.sms_enabled() || factors.email_enabled();
    if pool.mfa_configuration != MfaConfiguration::Off && !any_factor {
        return Err(invalid_parameter(
            "At least one MFA type (SMS, software token or email) must be enabled to set MfaConfiguration to ON or OPTIONAL",
        ));
    }
    factors.save_into(&mut pool);
    pool.last_modified_at = idp.clock.now();
    idp.store
        .update_pool(&pool)
        .await
        .or_not_found(|| pool_not_found(&input.user_pool_id))?;
    Ok(SetUserPoolMfaConfigResponse {
        sms_mfa_configuration: factors.sms,
        software_token_mfa_configuration: factors.software_token,
        email_mfa_configuration: factors.email,
        mfa_configuration: Some(wire_mfa_type(&pool)),
        web_authn_configuration: None,
    })
}

/// Email MFA needs a pool past the Lite tier that sends email through its own Amazon SES
/// configuration (EmailSendingAccount DEVELOPER), as on AWS.
fn check_email_mfa_allowed(pool: &UserPool) -> Result<()> {
    let tier = pool.settings.get("UserPoolTier").and_then(|v| v.as_str());
    if tier == Some("LITE") {
        return Err(ErrorCode::FeatureUnavailableInTierException
            .msg("Email MFA is not available in the LITE tier of user pools"));
    }
    let sending_account = pool
        .settings
        .get("EmailConfiguration")
        .and_then(|c| c.get("EmailSendingAccount"))
        .and_then(|v| v.as_str());
    if sending_account != Some("DEVELOPER") {
        return Err(invalid_parameter(
            "Email MFA requires an EmailConfiguration with EmailSendingAccount DEVELOPER",
        ));
    }
    Ok(())
}
