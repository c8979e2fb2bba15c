//! Who may act for an identity: the holder of a login bound to it, or anyone for an
//! unauthenticated identity of a pool that allows them. One user's token never opens another
//! user's identity.

use std::collections::BTreeMap;

use cognate_domain::identity::{Identity as IdentityRecord, IdentityPool};
use cognate_model::Sensitive;

use crate::developer::COGNITO_IDENTITY_PROVIDER;
use crate::errors::{Result, not_authorized};
use crate::logins::{LOGINS_MISMATCH, VerifiedLogin};
use crate::{Identity, disabled, pools};

pub const UNAUTHENTICATED_REFUSED: &str =
    "Unauthenticated access is not supported for this identity pool.";

impl Identity {
    /// Checks the caller's `logins` against `identity`: every login must verify, one must be
    /// bound to this identity and none to another (those not bound yet are linked to it). Returns the first verified login, or None for unauthenticated access.
    pub async fn authorize(
        &self,
        pool: &IdentityPool,
        identity: &IdentityRecord,
        logins: Option<&BTreeMap<String, Sensitive>>,
    ) -> Result<Option<VerifiedLogin>> {
        if disabled::is_disabled(identity) {
            return Err(not_authorized(LOGINS_MISMATCH));
        }
        let logins = logins.filter(|logins| !logins.is_empty());
        let Some(logins) = logins else {
            if !identity.logins.is_empty() {
                return Err(not_authorized(LOGINS_MISMATCH));
            }
            if !pools::allows_unauthenticated(pool) {
                return Err(not_authorized(UNAUTHENTICATED_REFUSED));
            }
            return Ok(None);
        };
        // Cognate's own OpenID token (developer-authenticated identities) names the identity.
        if let Some(token) = logins.get(COGNITO_IDENTITY_PROVIDER) {
            let login = self
                .verify_identity_token(pool, &identity.id, token)
                .await?;
            if identity.logins.is_empty() {
                return Err(not_authorized(LOGINS_MISMATCH));
            }
            return Ok(Some(login));
        }
        // At least one login must already be this identity's; the others are linked to it.
        let verified = self.verify_logins(pool, logins).await?;
        let bindings = self.bindings(pool, &verified).await?;
        match &bindings.holder {
            Some(holder) if holder.id == identity.id => {}
            _ => return Err(not_authorized(LOGINS_MISMATCH)),
        }
        self.link_logins(pool, identity.clone(), &bindings.unbound)
            .await?;
        Ok(verified.into_iter().next())
    }
}
