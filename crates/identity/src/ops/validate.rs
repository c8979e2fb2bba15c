//! Checks on an identity pool's configuration shared by create and update.

use cognate_model::identity::IdentityPool;

use crate::Identity;
use crate::errors::{Result, invalid_parameter};

/// Every user-pool provider needs a name Cognate understands and a client id.
pub fn providers(identity: &Identity, wire: &IdentityPool) -> Result<()> {
    for provider in wire.cognito_identity_providers.iter().flatten() {
        let name = provider.provider_name.as_deref().unwrap_or_default();
        if identity.canonical_provider(name).is_none() {
            return Err(invalid_parameter(format!(
                "Invalid Cognito Identity Provider name: {name}"
            )));
        }
        if provider.client_id.as_deref().unwrap_or_default().is_empty() {
            return Err(invalid_parameter(
                "A Cognito Identity Provider needs a ClientId.",
            ));
        }
    }
    Ok(())
}
