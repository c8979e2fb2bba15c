//! Provider links: AdminLinkProviderForUser makes a provider's subject (or a mapped attribute's
//! value) sign in as an existing user of the pool; AdminDisableProviderForUser undoes a link,
//! or keeps a provider's user (or a native user's password) from signing in.
//!
//! A link is an alias of its destination user (`link:<ProviderName>:<AttributeName>` =
//! value), saved with the user's `identities` entry in one write.

use cognate_awsjson::ApiError;
use cognate_domain::StoreError;
use cognate_domain::federation::{
    IdentityProvider, federated_username, is_link_alias, link_alias, link_alias_provider,
};
use cognate_domain::pool::UserPool;
use cognate_domain::user::{Alias, User};
use cognate_model::idp::{ErrorCode, ProviderUserIdentifierType};

use super::details::Kind;
use super::users::{
    SUBJECT_ATTRIBUTE, identities, identity_entry, is_provider_entry, set_identities,
};
use crate::Idp;
use crate::errors::{Result, internal, invalid_parameter};
use crate::users::{user_not_found, username_key};

/// The most identities linked to one user (AWS's quota).
const MAX_LINKS: usize = 5;
/// How `DestinationUser` and `User` name the pool's own users.
const COGNITO: &str = "Cognito";

/// A `ProviderUserIdentifierType` member that must be given.
fn member<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str> {
    value
        .as_deref()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| invalid_parameter(format!("{name} is required.")))
}

fn already_linked() -> ApiError {
    ErrorCode::AliasExistsException.msg("The source user is already linked to another user.")
}

impl Idp {
    /// The provider a source user names: one of the pool's, never Cognito itself.
    async fn source_provider(&self, pool: &UserPool, name: &str) -> Result<IdentityProvider> {
        if name.eq_ignore_ascii_case(COGNITO) {
            return Err(invalid_parameter(
                "The SourceUser must be a user of an external identity provider.",
            ));
        }
        match self.store.get_identity_provider(&pool.id, name).await {
            Ok(provider) => Ok(provider),
            Err(StoreError::NotFound) => Err(invalid_parameter(format!(
                "The provider {name} does not exist for User Pool {}",
                pool.id
            ))),
            Err(other) => Err(internal(other)),
        }
    }

    /// The destination user: a native user by username, or a provider's user by subject.
    async fn destination_user(
        &self,
        pool: &UserPool,
        destination: &ProviderUserIdentifierType,
    ) -> Result<User> {
        let provider = member(&destination.provider_name, "DestinationUser.ProviderName")?;
        let value = member(
            &destination.provider_attribute_value,
            "DestinationUser.ProviderAttributeValue",
        )?;
        let username = if provider.eq_ignore_ascii_case(COGNITO) {
            value.to_string()
        } else {
            federated_username(provider, value)
        };
        match self
            .store
            .get_user(&pool.id, &username_key(pool, &username))
            .await
        {
            Ok(user) => Ok(user),
            Err(StoreError::NotFound) => Err(user_not_found()),
            Err(other) => Err(internal(other)),
        }
    }

    /// AdminLinkProviderForUser.
    pub async fn link_provider_user(
        &self,
        pool: &UserPool,
        destination: &ProviderUserIdentifierType,
        source: &ProviderUserIdentifierType,
    ) -> Result<()> {
        let provider = self
            .source_provider(
                pool,
                member(&source.provider_name, "SourceUser.ProviderName")?,
            )
            .await?;
        let attribute = member(
            &source.provider_attribute_name,
            "SourceUser.ProviderAttributeName",
        )?;
        let value = member(
            &source.provider_attribute_value,
            "SourceUser.ProviderAttributeValue",
        )?;
        let social = Kind::named(&provider.provider_type).is_some_and(Kind::is_social);
        if social && attribute != SUBJECT_ATTRIBUTE {
            return Err(invalid_parameter(format!(
                "The ProviderAttributeName of a {} user must be {SUBJECT_ATTRIBUTE}.",
                provider.provider_type
            )));
        }
        let target = self.destination_user(pool, destination).await?;
        if attribute == SUBJECT_ATTRIBUTE {
            let federated = username_key(pool, &federated_username(&provider.name, value));
            if federated != target.username_key && self.user_exists(pool, &federated).await? {
                return Err(invalid_parameter(
                    "Merging is not currently supported, provide a SourceUser that has not \
                     been used to sign in yet.",
                ));
            }
        }
        let alias = Alias {
            name: link_alias(&provider.name, attribute),
            value_key: value.to_string(),
        };
        match self
            .store
            .get_user_by_alias(&pool.id, &alias.name, value)
            .await
        {
            Ok(holder) if holder.username_key == target.username_key => return Ok(()),
            Ok(_) => return Err(already_linked()),
            Err(StoreError::NotFound) => {}
            Err(other) => return Err(internal(other)),
        }
        let now = self.clock.now();
        self.modify_user(pool, &target.username_key, |user| {
            let links = user
                .aliases
                .iter()
                .filter(|a| is_link_alias(&a.name))
                .count();
            if links >= MAX_LINKS {
                return Err(ErrorCode::LimitExceededException.msg(format!(
                    "A user can be linked to at most {MAX_LINKS} identities."
                )));
            }
            user.aliases.push(alias.clone());
            let mut entries = identities(user);
            entries.push(identity_entry(&provider, value, false, now.millis()));
            set_identities(user, &entries);
            user.last_modified_at = now;
            Ok(())
        })
        .await
        .map_err(|error| match error.code.as_ref() {
            "AliasExistsException" => already_linked(),
            _ => error,
        })?;
        Ok(())
    }

    async fn user_exists(&self, pool: &UserPool, key: &str) -> Result<bool> {
        match self.store.get_user(&pool.id, key).await {
            Ok(_) => Ok(true),
            Err(StoreError::NotFound) => Ok(false),
            Err(other) => Err(internal(other)),
        }
    }

    /// AdminDisableProviderForUser.
    pub async fn disable_provider_user(
        &self,
        pool: &UserPool,
        who: &ProviderUserIdentifierType,
    ) -> Result<()> {
        let provider = member(&who.provider_name, "User.ProviderName")?;
        let attribute = member(&who.provider_attribute_name, "User.ProviderAttributeName")?;
        let value = member(&who.provider_attribute_value, "User.ProviderAttributeValue")?;
        let now = self.clock.now();
        if provider.eq_ignore_ascii_case(COGNITO) {
            // A native user keeps its account but can no longer sign in with a password.
            let key = username_key(pool, value);
            self.modify_user(pool, &key, |user| {
                user.password = None;
                user.last_modified_at = now;
                Ok(())
            })
            .await?;
            return Ok(());
        }
        let alias = link_alias(provider, attribute);
        match self.store.get_user_by_alias(&pool.id, &alias, value).await {
            Ok(linked) => {
                self.modify_user(pool, &linked.username_key, |user| {
                    unlink(user, provider, &alias, value);
                    user.last_modified_at = now;
                    Ok(())
                })
                .await?;
                return Ok(());
            }
            Err(StoreError::NotFound) => {}
            Err(other) => return Err(internal(other)),
        }
        if attribute != SUBJECT_ATTRIBUTE {
            return Err(user_not_found());
        }
        // The provider's own user: it may sign in no more.
        let key = username_key(pool, &federated_username(provider, value));
        self.modify_user(pool, &key, |user| {
            user.enabled = false;
            user.last_modified_at = now;
            Ok(())
        })
        .await?;
        Ok(())
    }
}

/// Removes a link and its `identities` entry; the provider's entries all go once none of its
/// links is left.
fn unlink(user: &mut User, provider: &str, alias: &str, value: &str) {
    user.aliases
        .retain(|a| !(a.name == alias && a.value_key == value));
    let still_linked = user
        .aliases
        .iter()
        .any(|a| link_alias_provider(&a.name) == Some(provider));
    let mut entries = identities(user);
    entries.retain(|entry| {
        let user_id = entry.get("userId").and_then(serde_json::Value::as_str);
        !is_provider_entry(entry, provider) || (still_linked && user_id != Some(value))
    });
    set_identities(user, &entries);
}
