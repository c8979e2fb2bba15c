//! Users in their wire forms.

use cognate_domain::user::{User, UserStatus};
use cognate_model::idp::{UserStatusType, UserType};

use super::attributes;

pub fn status(user: &User) -> UserStatusType {
    status_type(user.status)
}

pub fn status_type(status: UserStatus) -> UserStatusType {
    status.as_str().parse().unwrap_or(UserStatusType::Unknown)
}

/// `UserType`, as AdminCreateUser and ListUsers return it.
pub fn user_type(user: &User) -> UserType {
    UserType {
        username: Some(user.username.as_str().into()),
        attributes: Some(attributes::to_wire(&user.attributes, |_| true)),
        user_create_date: Some(user.created_at.epoch_seconds()),
        user_last_modified_date: Some(user.last_modified_at.epoch_seconds()),
        enabled: Some(user.enabled),
        user_status: Some(status(user)),
        mfa_options: None,
    }
}

/// A user's MFA settings as GetUser and AdminGetUser return them; AWS omits all three members
/// when the user has no MFA factor.
#[derive(Debug, Default)]
pub struct MfaSettings {
    pub options: Option<Vec<cognate_model::idp::MFAOptionType>>,
    pub preferred: Option<String>,
    pub enabled: Option<Vec<String>>,
}

pub fn mfa_settings(user: &User) -> MfaSettings {
    let mfa = crate::mfa::UserMfa::of(&super::state::UserState::of(user));
    let enabled = mfa.enabled();
    MfaSettings {
        options: crate::mfa::mfa_options(&mfa),
        preferred: mfa.preferred.filter(|p| enabled.contains(p)),
        enabled: (!enabled.is_empty()).then_some(enabled),
    }
}
