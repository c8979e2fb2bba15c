//! Identities as the API describes them.

use cognate_domain::identity::Identity as IdentityRecord;
use cognate_model::identity::IdentityDescription;

pub fn description(identity: &IdentityRecord) -> IdentityDescription {
    IdentityDescription {
        identity_id: Some(identity.id.clone()),
        logins: (!identity.logins.is_empty()).then(|| identity.logins.clone()),
        creation_date: Some(identity.created_at.epoch_seconds()),
        last_modified_date: Some(identity.last_modified_at.epoch_seconds()),
    }
}
