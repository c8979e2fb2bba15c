//! Federation with external identity providers: the providers of a pool (CreateIdentityProvider
//! and its siblings), the users they sign in (`users`), and provider links (`links`). The web
//! side (authorize redirect, `/oauth2/idpresponse`, the code exchange) is `cognate-oauth`'s.

pub mod details;
pub mod links;
pub mod saml;
pub mod settings;
pub mod users;

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cognate_awsjson::ApiError;
use cognate_domain::StoreError;
use cognate_domain::federation::{
    IDENTITY_PROVIDERS_KEY, IdentityProvider, PROVIDER_IDENTIFIERS_KEY,
};
use cognate_domain::ids::UserPoolId;
use cognate_domain::pool::UserPool;
use cognate_model::idp::{self as wire, ErrorCode};

use crate::Idp;
use crate::errors::{OrNotFound, Result, internal, invalid_parameter};
use crate::hosted::oauth_settings::COGNITO_PROVIDER;
use details::{Details, Kind};

pub use settings::{FederationSettings, SocialEndpoints};

/// Most providers a pool may have (AWS's quota).
const MAX_PROVIDERS: usize = 300;

pub fn provider_not_found(name: &str) -> ApiError {
    ErrorCode::ResourceNotFoundException.msg(format!("Identity provider {name} does not exist."))
}

/// Store conflicts of a provider write, as Cognito reports them.
pub fn write_error(error: StoreError, provider: &IdentityProvider) -> ApiError {
    match error {
        StoreError::Conflict { constraint } if constraint == IDENTITY_PROVIDERS_KEY => {
            ErrorCode::DuplicateProviderException.msg(format!(
                "{} already exists in user pool {}",
                provider.name, provider.pool_id
            ))
        }
        StoreError::Conflict { constraint } if constraint == PROVIDER_IDENTIFIERS_KEY => {
            identifier_taken()
        }
        StoreError::NotFound => provider_not_found(&provider.name),
        other => internal(other),
    }
}

fn identifier_taken() -> ApiError {
    invalid_parameter(
        "An IdpIdentifier is already used by another identity provider of the user pool.",
    )
}

/// AWS's rules for a name: a social provider is named after its type, and no other provider
/// may take a social provider's name or Cognito's.
pub fn check_name(kind: Kind, name: &str) -> Result<()> {
    if kind.is_social() {
        if name != kind.as_str() {
            return Err(invalid_parameter(format!(
                "The ProviderName of a {0} provider must be {0}.",
                kind.as_str()
            )));
        }
        return Ok(());
    }
    let reserved = [
        COGNITO_PROVIDER,
        "Google",
        "Facebook",
        "LoginWithAmazon",
        "SignInWithApple",
    ];
    if reserved.iter().any(|r| r.eq_ignore_ascii_case(name)) {
        return Err(invalid_parameter(format!(
            "ProviderName {name} is reserved for another provider type."
        )));
    }
    Ok(())
}

/// The mapping as given, checked against the pool's attributes, with the `username` mapping
/// AWS adds (the claim the federated username is made from).
pub fn attribute_mapping(
    pool: &UserPool,
    kind: Kind,
    given: Option<BTreeMap<String, String>>,
) -> Result<BTreeMap<String, String>> {
    let mut mapping = given.unwrap_or_default();
    for (attribute, claim) in &mapping {
        let known = attribute == "username" || pool.attribute(attribute).is_some();
        if !known || attribute == "sub" || attribute == "identities" {
            return Err(invalid_parameter(format!(
                "{attribute} is not an attribute of the user pool that can be mapped."
            )));
        }
        if claim.is_empty() {
            return Err(invalid_parameter(format!(
                "The mapping of {attribute} names no provider attribute."
            )));
        }
    }
    mapping
        .entry("username".to_string())
        .or_insert_with(|| kind.subject_claim().to_string());
    Ok(mapping)
}

/// `IdpIdentifiers` as given: each once.
pub fn identifiers(given: Option<Vec<String>>) -> Result<Vec<String>> {
    let mut identifiers: Vec<String> = Vec::new();
    for identifier in given.unwrap_or_default() {
        if identifiers.contains(&identifier) {
            return Err(invalid_parameter(format!(
                "IdpIdentifier {identifier} is given more than once."
            )));
        }
        identifiers.push(identifier);
    }
    Ok(identifiers)
}

/// What the sealed secrets are bound to: one provider's one detail.
fn secret_aad(pool_id: &UserPoolId, name: &str, key: &str) -> Vec<u8> {
    format!("cognate identity provider secret v1\n{pool_id}\n{name}\n{key}").into_bytes()
}

impl Idp {
    pub async fn identity_provider(
        &self,
        pool_id: &UserPoolId,
        name: &str,
    ) -> Result<IdentityProvider> {
        self.store
            .get_identity_provider(pool_id, name)
            .await
            .or_not_found(|| provider_not_found(name))
    }

    /// Splits checked details into what is stored plainly and what is sealed.
    pub fn seal_details(&self, provider: &mut IdentityProvider, kind: Kind, details: Details) {
        provider.details.clear();
        provider.sealed_details.clear();
        for (key, value) in details {
            if kind.secrets().contains(&key.as_str()) {
                let aad = secret_aad(&provider.pool_id, &provider.name, &key);
                let sealed = STANDARD.encode(self.seal.seal(value.as_bytes(), &aad));
                provider.sealed_details.insert(key, sealed);
            } else {
                provider.details.insert(key, value);
            }
        }
    }

    /// The stored details with the secrets opened (what a sign-in sends to the provider).
    pub fn opened_details(&self, provider: &IdentityProvider) -> Result<Details> {
        let mut details = provider.details.clone();
        for (key, sealed) in &provider.sealed_details {
            let aad = secret_aad(&provider.pool_id, &provider.name, key);
            let plain = STANDARD
                .decode(sealed)
                .ok()
                .and_then(|bytes| self.seal.open(&bytes, &aad).ok())
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .ok_or_else(|| {
                    tracing::error!(provider = %provider.name, "a provider secret does not open");
                    ApiError::internal()
                })?;
            details.insert(key.clone(), plain);
        }
        Ok(details)
    }

    /// The provider as Describe shows it.
    pub fn wire_provider(&self, provider: &IdentityProvider) -> Result<wire::IdentityProviderType> {
        let kind = Kind::named(&provider.provider_type);
        let mut shown = self.opened_details(provider)?;
        if let Some(kind) = kind {
            for key in kind.unechoed() {
                shown.remove(*key);
            }
            shown.extend(details::echoed_settings(
                kind,
                &provider.details,
                &self.config.federation,
            ));
        }
        Ok(wire::IdentityProviderType {
            user_pool_id: Some(provider.pool_id.to_string()),
            provider_name: Some(provider.name.clone()),
            provider_type: kind.map(Kind::wire),
            provider_details: Some(shown),
            attribute_mapping: Some(provider.attribute_mapping.clone()),
            idp_identifiers: Some(provider.identifiers.clone()),
            last_modified_date: Some(provider.last_modified_at.epoch_seconds()),
            creation_date: Some(provider.created_at.epoch_seconds()),
        })
    }

    /// Refuses identifiers another provider of the pool holds.
    pub async fn check_identifiers_free(
        &self,
        pool_id: &UserPoolId,
        name: &str,
        identifiers: &[String],
    ) -> Result<()> {
        for identifier in identifiers {
            match self
                .store
                .identity_provider_by_identifier(pool_id, identifier)
                .await
            {
                Ok(holder) if holder.name != name => {
                    return Err(invalid_parameter(format!(
                        "IdpIdentifier {identifier} is already used by identity provider {}.",
                        holder.name
                    )));
                }
                Ok(_) | Err(StoreError::NotFound) => {}
                Err(other) => return Err(internal(other)),
            }
        }
        Ok(())
    }

    /// Refuses a new provider past AWS's quota.
    pub async fn check_provider_quota(&self, pool_id: &UserPoolId) -> Result<()> {
        let page = self
            .store
            .list_identity_providers(pool_id, None, MAX_PROVIDERS)
            .await
            .map_err(internal)?;
        if page.items.len() >= MAX_PROVIDERS {
            return Err(ErrorCode::LimitExceededException.msg(format!(
                "A user pool can have at most {MAX_PROVIDERS} identity providers."
            )));
        }
        Ok(())
    }

    /// Checked details ready to store: given ones, the endpoints discovery adds for OIDC.
    pub async fn provider_details(&self, kind: Kind, given: Details) -> Result<Details> {
        let given = details::without_fixed_settings(kind, given);
        details::check(kind, &given)?;
        match kind {
            Kind::Oidc => self.discovered_details(given).await,
            Kind::Saml => self.saml_details(given).await,
            _ => Ok(given),
        }
    }
}
