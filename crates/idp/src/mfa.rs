//! MFA settings: the pool's factors (beside its typed `mfa_configuration`) and each user's
//! (in `UserState.features["mfa"]`): the software token's sealed secret, which factors are
//! enabled and which is preferred.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cognate_awsjson::ApiError;
use cognate_crypto::totp;
use cognate_domain::pool::{MfaConfiguration, UserPool};
use cognate_domain::user::User;
use cognate_model::idp::{
    DeliveryMediumType, EmailMfaConfigType, ErrorCode, MFAOptionType, SmsMfaConfigType,
    SoftwareTokenMfaConfigType,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Idp;
use crate::errors::{Result, invalid_parameter};
use crate::users::state::UserState;

/// Where the pool's factor settings live in `UserPool.settings` (not an AWS member name, so
/// DescribeUserPool does not echo it).
pub const POOL_FACTORS_KEY: &str = "_MfaFactors";
const FEATURE: &str = "mfa";

pub const SOFTWARE_TOKEN: &str = "SOFTWARE_TOKEN_MFA";
pub const SMS: &str = "SMS_MFA";
pub const EMAIL: &str = "EMAIL_OTP";

/// The pool's factors as SetUserPoolMfaConfig stored them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PoolFactors {
    pub sms: Option<SmsMfaConfigType>,
    pub software_token: Option<SoftwareTokenMfaConfigType>,
    pub email: Option<EmailMfaConfigType>,
}

impl PoolFactors {
    pub fn of(pool: &UserPool) -> Self {
        pool.settings
            .get(POOL_FACTORS_KEY)
            .and_then(|value| serde_json::from_value(value.clone()).ok())
            .unwrap_or_default()
    }

    pub fn save_into(&self, pool: &mut UserPool) {
        if let Ok(value) = serde_json::to_value(self) {
            pool.settings.insert(POOL_FACTORS_KEY.into(), value);
        }
    }

    pub fn software_token_enabled(&self) -> bool {
        self.software_token
            .as_ref()
            .is_some_and(|t| t.enabled == Some(true))
    }

    pub fn sms_enabled(&self) -> bool {
        self.sms
            .as_ref()
            .is_some_and(|s| s.sms_configuration.is_some())
    }

    pub fn email_enabled(&self) -> bool {
        self.email.is_some()
    }
}

/// A user's MFA state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserMfa {
    /// The verified software token's secret, sealed (base64).
    pub totp_secret: Option<String>,
    /// A secret from AssociateSoftwareToken awaiting VerifySoftwareToken, sealed (base64).
    pub pending_secret: Option<String>,
    /// The verified token's FriendlyDeviceName, which SOFTWARE_TOKEN_MFA challenges carry.
    pub totp_device_name: Option<String>,
    /// The last TOTP step accepted: codes up to it are used up.
    pub totp_last_step: Option<i64>,
    pub totp_enabled: bool,
    pub sms_enabled: bool,
    pub email_enabled: bool,
    pub preferred: Option<String>,
}

impl UserMfa {
    pub fn of(state: &UserState) -> Self {
        state
            .features
            .get(FEATURE)
            .and_then(|value| serde_json::from_value(value.clone()).ok())
            .unwrap_or_default()
    }

    pub fn save_into(&self, state: &mut UserState) {
        if let Ok(value) = serde_json::to_value(self) {
            state.features.insert(FEATURE.into(), value);
        }
    }

    /// The enabled factors, in AWS's names.
    pub fn enabled(&self) -> Vec<String> {
        [
            (self.sms_enabled, SMS),
            (self.totp_enabled, SOFTWARE_TOKEN),
            (self.email_enabled, EMAIL),
        ]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, name)| name.to_string())
        .collect()
    }
}

/// One factor's `Enabled` / `PreferredMfa` of a (Admin)SetUserMFAPreference request.
#[derive(Debug, Clone, Copy, Default)]
pub struct Preference {
    pub enabled: Option<bool>,
    pub preferred: Option<bool>,
}

/// What a (Admin)SetUserMFAPreference request asks, factor by factor (`None`: unchanged).
pub struct Preferences {
    pub sms: Option<Preference>,
    pub software_token: Option<Preference>,
    pub email: Option<Preference>,
}

/// Applies `asked` to `user`'s settings, with Cognito's refusals for factors it cannot use.
pub fn apply_preferences(user: &mut User, asked: &Preferences) -> Result<()> {
    let mut state = UserState::of(user);
    let mut mfa = UserMfa::of(&state);
    let factors = [
        (asked.sms, SMS),
        (asked.software_token, SOFTWARE_TOKEN),
        (asked.email, EMAIL),
    ];
    for (preference, name) in factors {
        let Some(preference) = preference else {
            continue;
        };
        let enabled = preference.enabled.unwrap_or(false) || preference.preferred == Some(true);
        if enabled {
            check_usable(user, &mfa, name)?;
        }
        match name {
            SMS => mfa.sms_enabled = enabled,
            SOFTWARE_TOKEN => mfa.totp_enabled = enabled,
            _ => mfa.email_enabled = enabled,
        }
        if preference.preferred == Some(true) {
            mfa.preferred = Some(name.to_string());
        } else if mfa.preferred.as_deref() == Some(name) {
            mfa.preferred = None;
        }
    }
    mfa.save_into(&mut state);
    state.save_into(user);
    Ok(())
}

/// Applies the legacy MFAOptions of (Admin)SetUserSettings: `[{DeliveryMedium: SMS,
/// AttributeName: phone_number}]` turns SMS MFA on, an empty
/// list turns it off. Only SMS to `phone_number` is an MFA option.
pub fn apply_mfa_options(user: &mut User, options: &[MFAOptionType]) -> Result<()> {
    for option in options {
        let sms = option.delivery_medium == Some(DeliveryMediumType::Sms);
        if !sms || option.attribute_name.as_deref() != Some("phone_number") {
            return Err(invalid_parameter(
                "Only phone_number attribute is currently supported as a MFA option.",
            ));
        }
    }
    let mut state = UserState::of(user);
    let mut mfa = UserMfa::of(&state);
    let enable = !options.is_empty();
    if enable {
        check_usable(user, &mfa, SMS)?;
    } else if mfa.preferred.as_deref() == Some(SMS) {
        mfa.preferred = None;
    }
    mfa.sms_enabled = enable;
    mfa.save_into(&mut state);
    state.save_into(user);
    Ok(())
}

/// The legacy MFAOptions GetUser and AdminGetUser show: SMS to the phone number when SMS MFA
/// is on.
pub fn mfa_options(mfa: &UserMfa) -> Option<Vec<MFAOptionType>> {
    mfa.sms_enabled.then(|| {
        vec![MFAOptionType {
            delivery_medium: Some(DeliveryMediumType::Sms),
            attribute_name: Some("phone_number".to_string()),
        }]
    })
}

fn check_usable(user: &User, mfa: &UserMfa, name: &str) -> Result<()> {
    match name {
        SOFTWARE_TOKEN if mfa.totp_secret.is_none() => Err(invalid_parameter(
            "User has not verified software token mfa",
        )),
        SMS if !user.attributes.contains_key("phone_number") => Err(invalid_parameter(
            "User does not have delivery config set to turn on SMS_MFA",
        )),
        EMAIL if !user.attributes.contains_key("email") => Err(invalid_parameter(
            "User does not have delivery config set to turn on EMAIL_OTP",
        )),
        _ => Ok(()),
    }
}

/// The error of a code that does not verify a software token.
pub fn enable_mismatch() -> ApiError {
    ErrorCode::EnableSoftwareTokenMFAException
        .msg("Code mismatch and fail enable Software Token MFA mfa")
}

/// What the pool's MfaConfiguration means for a sign-in that passed the first factor.
pub fn pool_requires(pool: &UserPool) -> bool {
    pool.mfa_configuration == MfaConfiguration::On
}

impl Idp {
    fn totp_aad(user: &User) -> Vec<u8> {
        format!("totp/{}/{}", user.pool_id, user.sub).into_bytes()
    }

    /// Seals a TOTP secret for `user` (base64 of the sealed bytes).
    pub fn seal_totp(&self, user: &User, secret: &[u8]) -> String {
        STANDARD.encode(self.seal.seal(secret, &Self::totp_aad(user)))
    }

    pub fn open_totp(&self, user: &User, sealed: &str) -> Result<Vec<u8>> {
        let bytes = STANDARD.decode(sealed).map_err(|_| ApiError::internal())?;
        self.seal.open(&bytes, &Self::totp_aad(user)).map_err(|_| {
            tracing::error!(pool = %user.pool_id, "TOTP secret could not be opened (wrong seal key?)");
            ApiError::internal()
        })
    }

    /// Starts software-token association: a fresh secret, pending until verified. Returns the
    /// secret in base32. Does not save the user.
    pub fn associate_totp(&self, user: &mut User) -> String {
        let secret = totp::new_secret();
        let mut state = UserState::of(user);
        let mut mfa = UserMfa::of(&state);
        mfa.pending_secret = Some(self.seal_totp(user, &secret));
        mfa.save_into(&mut state);
        state.save_into(user);
        totp::base32(&secret)
    }

    /// Checks `code` against the pending secret; on success it becomes the user's token.
    /// Does not save the user.
    pub fn verify_pending_totp(
        &self,
        user: &mut User,
        (code, device_name): (&str, Option<&str>),
        now_secs: i64,
    ) -> Result<()> {
        let mut state = UserState::of(user);
        let mut mfa = UserMfa::of(&state);
        let sealed = mfa.pending_secret.clone().ok_or_else(enable_mismatch)?;
        let secret = self.open_totp(user, &sealed)?;
        let step = totp::accepted_step(&secret, code.trim(), now_secs, mfa.totp_last_step)
            .ok_or_else(enable_mismatch)?;
        mfa.totp_secret = Some(sealed);
        mfa.totp_device_name = device_name.map(str::to_string);
        mfa.pending_secret = None;
        mfa.totp_last_step = Some(step);
        mfa.save_into(&mut state);
        state.save_into(user);
        Ok(())
    }

    /// Checks a sign-in `code` against the verified token and uses it up. Does not save.
    pub fn check_totp(&self, user: &mut User, code: &str, now_secs: i64) -> Result<bool> {
        let mut state = UserState::of(user);
        let mut mfa = UserMfa::of(&state);
        let Some(sealed) = mfa.totp_secret.clone() else {
            return Ok(false);
        };
        let secret = self.open_totp(user, &sealed)?;
        let Some(step) = totp::accepted_step(&secret, code.trim(), now_secs, mfa.totp_last_step)
        else {
            return Ok(false);
        };
        mfa.totp_last_step = Some(step);
        mfa.save_into(&mut state);
        state.save_into(user);
        Ok(true)
    }
}

/// The pool's factor settings as SetUserPoolMfaConfig / GetUserPoolMfaConfig return them.
pub fn wire_mfa_type(pool: &UserPool) -> cognate_model::idp::UserPoolMfaType {
    use cognate_model::idp::UserPoolMfaType;
    match pool.mfa_configuration {
        MfaConfiguration::Off => UserPoolMfaType::Off,
        MfaConfiguration::On => UserPoolMfaType::On,
        MfaConfiguration::Optional => UserPoolMfaType::Optional,
    }
}

/// Keeps the factor settings across an UpdateUserPool (which resets the echoed settings).
pub fn carry_factors(
    from: &serde_json::Map<String, Value>,
    to: &mut serde_json::Map<String, Value>,
) {
    if let Some(value) = from.get(POOL_FACTORS_KEY) {
        to.insert(POOL_FACTORS_KEY.into(), value.clone());
    }
}
