//! Who may act for an identity: the holder of a login bound to it, or anyone for an
//! unauthenticated identity of a pool that allows them. One user's token never opens another
//! user's identity.
//!
//! A guest who signs in (GetCredentialsForIdentity or GetOpenIdToken with the guest identity's
//! id and the new logins) switches to authenticated as AWS's "Switching unauthenticated users
//! to authenticated users" describes: logins no identity holds yet are linked to the guest
//! identity, which keeps its id; logins that already belong to an identity make that identity
//! answer (the response's IdentityId changes, as clients such as Amplify expect) and the guest
//! identity is merged into it, so it is disabled.

use std::collections::BTreeMap;

use cognate_domain::identity::{Identity as IdentityRecord, IdentityPool};
use cognate_model::Sensitive;

use crate::developer::COGNITO_IDENTITY_PROVIDER;
use crate::errors::{Result, not_authorized};
use crate::logins::{LOGINS_MISMATCH, VerifiedLogin};
use crate::{Identity, disabled, pools};

pub const UNAUTHENTICATED_REFUSED: &str =
    "Unauthenticated access is not supported for this identity pool.";

/// Who a request acts for once its logins are checked: the identity (after a guest switched to
/// authenticated, not always the one named) and the login it used (None for a guest).
pub struct Authorized {
    pub identity: IdentityRecord,
    pub login: Option<VerifiedLogin>,
}

impl Identity {
    /// `authorize`, letting a guest identity sign in: the one GetCredentialsForIdentity and
    /// GetOpenIdToken use.
    pub async fn authorize_or_switch(
        &self,
        pool: &IdentityPool,
        identity: &IdentityRecord,
        logins: Option<&BTreeMap<String, Sensitive>>,
    ) -> Result<Authorized> {
        let signs_in = logins
            .filter(|logins| !logins.is_empty() && !logins.contains_key(COGNITO_IDENTITY_PROVIDER));
        match signs_in {
            Some(logins) if is_guest(identity) => self.switch_guest(pool, identity, logins).await,
            _ => {
                let login = self.authorize(pool, identity, logins).await?;
                Ok(Authorized {
                    identity: identity.clone(),
                    login,
                })
            }
        }
    }

    /// A guest identity signing in with `logins` (see the module's note).
    async fn switch_guest(
        &self,
        pool: &IdentityPool,
        guest: &IdentityRecord,
        logins: &BTreeMap<String, Sensitive>,
    ) -> Result<Authorized> {
        let verified = self.verify_logins(pool, logins).await?;
        let bindings = self.bindings(pool, &verified).await?;
        let identity = match bindings.holder {
            None => {
                self.link_logins(pool, guest.clone(), &bindings.unbound)
                    .await?
            }
            Some(holder) => {
                let holder = self.link_logins(pool, holder, &bindings.unbound).await?;
                self.disable(guest).await?;
                holder
            }
        };
        Ok(Authorized {
            identity,
            login: verified.into_iter().next(),
        })
    }

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

/// An unauthenticated identity still open: no login, not disabled.
fn is_guest(identity: &IdentityRecord) -> bool {
    identity.logins.is_empty()
}
