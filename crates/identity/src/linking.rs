//! Several logins for one identity. Logins given together name one person, so AWS links them:
//! those not bound yet are bound to the identity the others are bound to. Logins bound to two
//! different identities are a conflict (ResourceConflictException), and an identity holds at
//! most one user of each provider.

use cognate_awsjson::ApiError;
use cognate_domain::StoreError;
use cognate_domain::identity::{Identity as IdentityRecord, IdentityPool};
use cognate_model::identity::ErrorCode;

use crate::Identity;
use crate::errors::{Result, identity_not_found, internal, invalid_parameter};
use crate::logins::VerifiedLogin;

/// AWS's limit on the logins linked to one identity.
pub const MAX_LINKED_LOGINS: usize = 20;

pub fn already_linked() -> ApiError {
    ErrorCode::ResourceConflictException.msg("Login is already linked to another identity.")
}

/// Where a request's logins stand: the identity some are bound to, and the rest.
pub struct Bindings<'a> {
    pub holder: Option<IdentityRecord>,
    pub unbound: Vec<&'a VerifiedLogin>,
}

impl Identity {
    /// Looks every login up; logins bound to different identities are a conflict.
    pub async fn bindings<'a>(
        &self,
        pool: &IdentityPool,
        verified: &'a [VerifiedLogin],
    ) -> Result<Bindings<'a>> {
        check_one_user_per_provider(verified)?;
        let mut bindings = Bindings {
            holder: None,
            unbound: Vec::new(),
        };
        for login in verified {
            let found = self
                .store
                .find_identity_by_login(&login.login(&pool.id))
                .await
                .map_err(internal)?;
            match (found, &bindings.holder) {
                (None, _) => bindings.unbound.push(login),
                (Some(found), Some(holder)) if found.id != holder.id => {
                    return Err(already_linked());
                }
                (Some(_), Some(_)) => {}
                (Some(found), None) => bindings.holder = Some(found),
            }
        }
        Ok(bindings)
    }

    /// Binds `logins` (none bound yet) to `record`, returning the identity as stored.
    pub async fn link_logins(
        &self,
        pool: &IdentityPool,
        mut record: IdentityRecord,
        logins: &[&VerifiedLogin],
    ) -> Result<IdentityRecord> {
        if logins.is_empty() {
            return Ok(record);
        }
        if logins
            .iter()
            .any(|login| record.logins.contains(&login.provider))
        {
            // The identity already holds another user of this provider.
            return Err(already_linked());
        }
        if record.logins.len() + logins.len() > MAX_LINKED_LOGINS {
            return Err(ErrorCode::LimitExceededException.msg(format!(
                "An identity can have at most {MAX_LINKED_LOGINS} linked logins."
            )));
        }
        for login in logins {
            record = self
                .store
                .link_login(&record.id, &login.login(&pool.id))
                .await
                .map_err(|error| match error {
                    StoreError::Conflict { .. } => already_linked(),
                    StoreError::NotFound => identity_not_found(&record.id),
                    other => internal(other),
                })?;
        }
        Ok(record)
    }
}

/// Two different users of one provider (under its two name forms) cannot be one person.
fn check_one_user_per_provider(verified: &[VerifiedLogin]) -> Result<()> {
    for (i, login) in verified.iter().enumerate() {
        let other_user = verified[..i]
            .iter()
            .any(|earlier| earlier.provider == login.provider && earlier.subject != login.subject);
        if other_user {
            return Err(invalid_parameter(format!(
                "Logins holds two different users of {}.",
                login.provider
            )));
        }
    }
    Ok(())
}
