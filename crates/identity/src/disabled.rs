//! Disabled identities. AWS: "Removing the last linked login will make this identity
//! inaccessible" (UnlinkIdentity, and UnlinkDeveloperIdentity for the last developer user);
//! ListIdentities' HideDisabled leaves such identities out. That is the only way an identity
//! becomes disabled, in AWS and here.
//!
//! The mark is a login row of a reserved provider no client can name (a Logins key is verified
//! against the pool's providers, which this never is). Being a login, it keeps the identity
//! from passing for an unauthenticated one, and it is stored in one write on either backend.

use cognate_domain::identity::{Identity as IdentityRecord, IdentityLogin};

use crate::Identity;
use crate::errors::{OrNotFound, Result, identity_not_found, internal};

/// The reserved provider of the mark.
const DISABLED_MARK: &str = "cognate:disabled";

pub fn is_disabled(identity: &IdentityRecord) -> bool {
    identity
        .logins
        .iter()
        .any(|provider| provider == DISABLED_MARK)
}

/// The identity's linked providers as the API shows them (without the mark).
pub fn shown_logins(identity: &IdentityRecord) -> Vec<String> {
    identity
        .logins
        .iter()
        .filter(|provider| *provider != DISABLED_MARK)
        .cloned()
        .collect()
}

pub fn is_mark(login: &IdentityLogin) -> bool {
    login.provider == DISABLED_MARK
}

fn mark(identity: &IdentityRecord) -> IdentityLogin {
    IdentityLogin {
        pool_id: identity.pool_id.clone(),
        provider: DISABLED_MARK.to_string(),
        subject: identity.id.clone(),
    }
}

impl Identity {
    /// Marks `record` disabled (a guest identity merged into the identity its user signed in to).
    pub async fn disable(&self, record: &IdentityRecord) -> Result<()> {
        if is_disabled(record) {
            return Ok(());
        }
        self.store
            .link_login(&record.id, &mark(record))
            .await
            .or_not_found(|| identity_not_found(&record.id))?;
        Ok(())
    }

    /// Runs `unlink` (which removes logins of `record`); when no login would remain, marks the
    /// identity disabled first, so that it is never left open without any login.
    pub async fn unlink_maybe_last<F, Fut>(
        &self,
        record: &IdentityRecord,
        remaining: usize,
        unlink: F,
    ) -> Result<()>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<()>>,
    {
        let disables = remaining == 0 && !is_disabled(record);
        if disables {
            self.disable(record).await?;
        }
        let outcome = unlink().await;
        if outcome.is_err() && disables {
            // Nothing was unlinked: the identity stays as it was.
            self.store
                .remove_login(&record.id, &mark(record))
                .await
                .map_err(internal)?;
        }
        outcome
    }
}
