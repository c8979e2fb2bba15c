//! Where codes go: sign-up codes to an auto-verified attribute, reset codes by the pool's
//! AccountRecoverySetting to a verified one, and the simulated destination answered for unknown
//! users when the client prevents user existence errors.

use cognate_awsjson::ApiError;
use cognate_crypto::secrets::sha256_hex;
use cognate_domain::pool::UserPool;
use cognate_domain::user::User;
use cognate_model::idp::{DeliveryMediumType, ErrorCode};

use super::attributes::{is_email, is_phone};
use super::delivery::Destination;

/// Where a sign-up confirmation code goes: an attribute the pool auto-verifies that the user has.
/// With both email and phone auto-verified, Cognito sends the code by SMS.
pub fn sign_up_destination(pool: &UserPool, user: &User) -> Option<Destination> {
    let auto = |name: &str| pool.auto_verified_attributes.iter().any(|a| a == name);
    let sms = auto("phone_number")
        .then(|| Destination::sms(user))
        .flatten();
    sms.or_else(|| auto("email").then(|| Destination::email(user)).flatten())
}

/// The recovery mechanisms of the pool in priority order: `verified_email`,
/// `verified_phone_number`, `admin_only`. Without a setting, Cognito's legacy order: phone, then
/// email.
pub fn recovery_mechanisms(pool: &UserPool) -> Vec<String> {
    let mut given: Vec<(i64, String)> = pool
        .settings
        .get("AccountRecoverySetting")
        .and_then(|s| s.get("RecoveryMechanisms"))
        .and_then(|m| m.as_array())
        .map(|mechanisms| {
            mechanisms
                .iter()
                .filter_map(|m| {
                    let name = m.get("Name")?.as_str()?.to_string();
                    let priority = m.get("Priority").and_then(|p| p.as_i64()).unwrap_or(0);
                    Some((priority, name))
                })
                .collect()
        })
        .unwrap_or_default();
    if given.is_empty() {
        return vec!["verified_phone_number".into(), "verified_email".into()];
    }
    given.sort_by_key(|(priority, _)| *priority);
    given.into_iter().map(|(_, name)| name).collect()
}

/// Where a password-reset code for `user` goes: the first recovery mechanism the user has a
/// verified attribute for. `None` when there is none (or recovery is admin-only).
pub fn recovery_destination(pool: &UserPool, user: &User) -> Option<Destination> {
    recovery_mechanisms(pool)
        .iter()
        .find_map(|mechanism| match mechanism.as_str() {
            "verified_email" if user.is_true("email_verified") => Destination::email(user),
            "verified_phone_number" if user.is_true("phone_number_verified") => {
                Destination::sms(user)
            }
            _ => None,
        })
}

pub fn no_recovery_destination() -> ApiError {
    ErrorCode::InvalidParameterException.msg(
        "Cannot reset password for the user as there is no registered/verified email or phone_number",
    )
}

/// What Cognito answers for a user it will not admit is missing: a code "sent" to a destination
/// derived from the name given (so the same name always gets the same answer). The medium
/// follows the username's form, then the pool's verification settings.
pub fn simulated_destination(pool: &UserPool, given: &str) -> Destination {
    let email = Destination {
        medium: DeliveryMediumType::Email,
        attribute: "email",
        address: if is_email(given) {
            given.to_string()
        } else {
            let digest = sha256_hex(given.as_bytes());
            format!("{}@{}.com", &digest[..6], &digest[6..12])
        },
    };
    let sms = |address: String| Destination {
        medium: DeliveryMediumType::Sms,
        attribute: "phone_number",
        address,
    };
    if is_email(given) {
        return email;
    }
    if is_phone(given) {
        return sms(given.to_string());
    }
    let by_phone = pool
        .auto_verified_attributes
        .iter()
        .any(|a| a == "phone_number")
        && !pool.auto_verified_attributes.iter().any(|a| a == "email");
    if by_phone {
        let digest = sha256_hex(given.as_bytes());
        let digits: String = digest
            .bytes()
            .map(|b| char::from(b'0' + b % 10))
            .take(10)
            .collect();
        return sms(format!("+1{digits}"));
    }
    email
}
