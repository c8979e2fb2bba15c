//! Federation: the external identity providers of a pool (OIDC, SAML, Google, Facebook, Login
//! with Amazon, Sign in with Apple) with their storage, and the rules that tie a provider's
//! users to the pool's (federated usernames, provider links).

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::Timestamp;
use crate::ids::UserPoolId;
use crate::store::{Page, StoreError};

/// The constraint a second provider of the same name in a pool violates.
pub const IDENTITY_PROVIDERS_KEY: &str = "identity_providers_pkey";
/// The constraint an `IdpIdentifiers` entry already used by a provider of the pool violates.
pub const PROVIDER_IDENTIFIERS_KEY: &str = "identity_provider_identifiers_pkey";

/// The name links are stored under (see [`link_alias`]).
const LINK_ALIAS_PREFIX: &str = "link:";

/// A pool's external identity provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityProvider {
    pub pool_id: UserPoolId,
    /// `ProviderName`, as created (case preserved; unique in the pool).
    pub name: String,
    /// `ProviderType` on the wire: `OIDC`, `SAML`, `Google`, `Facebook`, `LoginWithAmazon`,
    /// `SignInWithApple`.
    pub provider_type: String,
    /// `ProviderDetails` without its secrets, as Describe echoes them (endpoints found by
    /// discovery included).
    pub details: BTreeMap<String, String>,
    /// The secret members of `ProviderDetails` (`client_secret`, Apple's `private_key`),
    /// sealed with the server key and base64-encoded: the database alone does not reveal them.
    pub sealed_details: BTreeMap<String, String>,
    /// User pool attribute → provider attribute (claim).
    pub attribute_mapping: BTreeMap<String, String>,
    /// `IdpIdentifiers`, each unique in the pool.
    pub identifiers: Vec<String>,
    pub created_at: Timestamp,
    pub last_modified_at: Timestamp,
}

/// The username of the user a provider's subject becomes: `<ProviderName>_<subject>`, as AWS
/// names federated users.
pub fn federated_username(provider_name: &str, subject: &str) -> String {
    format!("{provider_name}_{subject}")
}

/// A provider link (AdminLinkProviderForUser) is kept as an alias of its destination user,
/// named `link:<ProviderName>:<ProviderAttributeName>` with the attribute's value: unique per
/// pool like every alias, written in the user's own transaction, found through the alias
/// index, and gone with the user.
pub fn link_alias(provider_name: &str, attribute_name: &str) -> String {
    format!("{LINK_ALIAS_PREFIX}{provider_name}:{attribute_name}")
}

/// Whether an alias name is a provider link's rather than a sign-in alias.
pub fn is_link_alias(name: &str) -> bool {
    name.starts_with(LINK_ALIAS_PREFIX)
}

/// The provider a link alias belongs to.
pub fn link_alias_provider(name: &str) -> Option<&str> {
    let rest = name.strip_prefix(LINK_ALIAS_PREFIX)?;
    rest.rsplit_once(':').map(|(provider, _)| provider)
}

#[async_trait]
pub trait FederationStore: Send + Sync {
    /// `Conflict { IDENTITY_PROVIDERS_KEY }` when the name is taken in the pool,
    /// `Conflict { PROVIDER_IDENTIFIERS_KEY }` when an identifier is; `NotFound` without the
    /// pool. All or nothing.
    async fn create_identity_provider(&self, provider: &IdentityProvider)
    -> Result<(), StoreError>;
    async fn get_identity_provider(
        &self,
        pool_id: &UserPoolId,
        name: &str,
    ) -> Result<IdentityProvider, StoreError>;
    /// The provider holding the identifier.
    async fn identity_provider_by_identifier(
        &self,
        pool_id: &UserPoolId,
        identifier: &str,
    ) -> Result<IdentityProvider, StoreError>;
    /// Replaces the provider and its identifiers. `NotFound` when absent,
    /// `Conflict { PROVIDER_IDENTIFIERS_KEY }` when another provider holds an identifier.
    async fn update_identity_provider(&self, provider: &IdentityProvider)
    -> Result<(), StoreError>;
    /// Deletes the provider and its identifiers. `NotFound` when absent.
    async fn delete_identity_provider(
        &self,
        pool_id: &UserPoolId,
        name: &str,
    ) -> Result<(), StoreError>;
    /// A pool's providers ordered by name, starting after the name `after`.
    async fn list_identity_providers(
        &self,
        pool_id: &UserPoolId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<IdentityProvider>, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_aliases_name_their_provider() {
        let alias = link_alias("Corp_IdP", "Cognito_Subject");
        assert_eq!(alias, "link:Corp_IdP:Cognito_Subject");
        assert!(is_link_alias(&alias));
        assert!(!is_link_alias("email"));
        assert_eq!(link_alias_provider(&alias), Some("Corp_IdP"));
        assert_eq!(link_alias_provider("email"), None);
        assert_eq!(federated_username("Google", "1234"), "Google_1234");
    }
}
