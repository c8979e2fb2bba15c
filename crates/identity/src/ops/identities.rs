//! Identities as the API describes them.

use cognate_domain::identity::Identity as IdentityRecord;
use cognate_model::identity::IdentityDescription;

use crate::disabled;

pub fn description(identity: &IdentityRecord) -> IdentityDescription {
    let logins = disabled::shown_logins(identity);
    IdentityDescription {
        identity_id: Some(identity.id.clone()),
        logins: (!logins.is_empty()).then_some(logins),
        creation_date: Some(identity.created_at.epoch_seconds()),
        last_modified_date: Some(identity.last_modified_at.epoch_seconds()),
    }
}
