//! The users federated sign-ins make, as AWS makes them: username `<ProviderName>_<subject>`,
//! status `EXTERNAL_PROVIDER`, the `identities` attribute, mapped attributes written at every
//! sign-in, pre sign-up (`PreSignUp_ExternalProvider`) and post confirmation on the first one.
//! A subject linked to a user of the pool (AdminLinkProviderForUser) signs in as that user.

use cognate_domain::StoreError;
use cognate_domain::client::AppClient;
use cognate_domain::federation::{IdentityProvider, federated_username, link_alias};
use cognate_domain::ids::Sub;
use cognate_domain::pool::UserPool;
use cognate_domain::user::{User, UserStatus};
use serde_json::{Map, Value, json};

use super::details::Kind;
use crate::Idp;
use crate::errors::{Result, internal, invalid_parameter};
use crate::triggers::SignUpSource;
use crate::users::attributes::{self, Writer};
use crate::users::lifecycle::user_disabled;
use crate::users::{aliases_of, username_key};

/// The `ProviderAttributeName` that names a provider's subject itself.
pub const SUBJECT_ATTRIBUTE: &str = "Cognito_Subject";

/// What a provider said about the person who signed in there (ID token and userinfo claims,
/// or a social provider's profile), verified.
#[derive(Debug, Clone)]
pub struct FederatedIdentity {
    pub claims: Map<String, Value>,
}

/// A claim as an attribute value: strings as they are, booleans and numbers spelled out,
/// anything else as JSON.
fn claim_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) => Some(number.to_string()),
        other => Some(other.to_string()),
    }
}

/// An entry of the `identities` attribute.
pub fn identity_entry(
    provider: &IdentityProvider,
    user_id: &str,
    primary: bool,
    at_ms: i64,
) -> Value {
    json!({
        "userId": user_id,
        "providerName": provider.name,
        "providerType": provider.provider_type,
        "issuer": null,
        "primary": primary,
        "dateCreated": at_ms,
    })
}

/// The user's `identities` entries.
pub fn identities(user: &User) -> Vec<Value> {
    user.attributes
        .get("identities")
        .and_then(|text| serde_json::from_str::<Vec<Value>>(text).ok())
        .unwrap_or_default()
}

/// Stores `entries` as the user's `identities` (or removes the attribute when none are left).
pub fn set_identities(user: &mut User, entries: &[Value]) {
    if entries.is_empty() {
        user.attributes.remove("identities");
    } else {
        let text = Value::Array(entries.to_vec()).to_string();
        user.attributes.insert("identities".into(), text);
    }
}

/// Whether an entry is the provider's.
pub fn is_provider_entry(entry: &Value, provider_name: &str) -> bool {
    entry.get("providerName").and_then(Value::as_str) == Some(provider_name)
}

impl FederatedIdentity {
    /// The subject the username is made from: the claim the `username` mapping names.
    pub fn subject(&self, provider: &IdentityProvider) -> Result<String> {
        let claim = provider
            .attribute_mapping
            .get("username")
            .cloned()
            .or_else(|| Kind::named(&provider.provider_type).map(|k| k.subject_claim().into()))
            .unwrap_or_else(|| "sub".into());
        self.claims
            .get(&claim)
            .and_then(claim_text)
            .filter(|subject| !subject.is_empty())
            .ok_or_else(|| invalid_parameter(format!("The identity provider sent no {claim}.")))
    }

    /// The pool attributes the provider's mapping gives values, checked against the schema.
    pub fn mapped(
        &self,
        pool: &UserPool,
        provider: &IdentityProvider,
    ) -> Result<Vec<(String, String)>> {
        let given: Vec<(String, String)> = provider
            .attribute_mapping
            .iter()
            .filter(|(attribute, _)| attribute.as_str() != "username")
            .filter_map(|(attribute, claim)| {
                let value = self.claims.get(claim).and_then(claim_text)?;
                Some((attribute.clone(), value))
            })
            .collect();
        attributes::check_writes(pool, Writer::Admin, &given, true)
    }
}

impl Idp {
    /// The user a verified federated sign-in signs in as: the linked user, the provider's
    /// existing user (its mapped attributes brought up to date), or a new one.
    pub async fn federated_sign_in(
        &self,
        pool: &UserPool,
        client: &AppClient,
        provider: &IdentityProvider,
        identity: &FederatedIdentity,
    ) -> Result<User> {
        let subject = identity.subject(provider)?;
        let mapped = identity.mapped(pool, provider)?;
        if let Some(user) = self.linked_user(pool, provider, &subject, &mapped).await? {
            return self
                .record_linked_identity(pool, provider, &subject, user)
                .await;
        }
        let username = federated_username(&provider.name, &subject);
        let key = username_key(pool, &username);
        match self.store.get_user(&pool.id, &key).await {
            Ok(user) if !user.enabled => Err(user_disabled()),
            Ok(_) => self.update_federated_user(pool, &key, mapped).await,
            Err(StoreError::NotFound) => {
                let new = NewFederated {
                    provider,
                    subject: &subject,
                    username,
                    mapped,
                };
                self.create_federated_user(pool, client, new).await
            }
            Err(other) => Err(internal(other)),
        }
    }

    /// The user a link (by subject, or by a mapped attribute's value) points to.
    async fn linked_user(
        &self,
        pool: &UserPool,
        provider: &IdentityProvider,
        subject: &str,
        mapped: &[(String, String)],
    ) -> Result<Option<User>> {
        let by_subject = std::iter::once((SUBJECT_ATTRIBUTE, subject));
        let by_attribute = mapped
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()));
        for (attribute, value) in by_subject.chain(by_attribute) {
            let alias = link_alias(&provider.name, attribute);
            match self.store.get_user_by_alias(&pool.id, &alias, value).await {
                Ok(user) => return Ok(Some(user)),
                Err(StoreError::NotFound) => {}
                Err(other) => return Err(internal(other)),
            }
        }
        Ok(None)
    }

    /// A linked user signing in: its `identities` entry for the provider names the subject.
    async fn record_linked_identity(
        &self,
        pool: &UserPool,
        provider: &IdentityProvider,
        subject: &str,
        user: User,
    ) -> Result<User> {
        if !user.enabled {
            return Err(user_disabled());
        }
        let current = identities(&user);
        let recorded = current.iter().any(|entry| {
            is_provider_entry(entry, &provider.name)
                && entry.get("userId").and_then(Value::as_str) == Some(subject)
        });
        if recorded {
            return Ok(user);
        }
        let now = self.clock.now();
        let (user, ()) = self
            .modify_user(pool, &user.username_key, |user| {
                let mut entries = identities(user);
                entries.retain(|entry| !is_provider_entry(entry, &provider.name));
                entries.push(identity_entry(provider, subject, false, now.millis()));
                set_identities(user, &entries);
                user.last_modified_at = now;
                Ok(())
            })
            .await?;
        Ok(user)
    }

    /// A returning federated user: mapped attributes written again, as AWS does at every
    /// sign-in.
    async fn update_federated_user(
        &self,
        pool: &UserPool,
        key: &str,
        mapped: Vec<(String, String)>,
    ) -> Result<User> {
        let current = self.store.get_user(&pool.id, key).await.map_err(internal)?;
        let unchanged = mapped
            .iter()
            .all(|(name, value)| current.attributes.get(name) == Some(value));
        if unchanged {
            return Ok(current);
        }
        let now = self.clock.now();
        let (user, ()) = self
            .modify_user(pool, key, |user| {
                user.attributes.extend(mapped.iter().cloned());
                user.last_modified_at = now;
                Ok(())
            })
            .await?;
        Ok(user)
    }

    /// A first sign-in: the user built, pre sign-up run on it, saved, post confirmation run.
    async fn create_federated_user(
        &self,
        pool: &UserPool,
        client: &AppClient,
        new: NewFederated<'_>,
    ) -> Result<User> {
        let sub = uuid::Uuid::new_v4().to_string();
        let now = self.clock.now();
        let mut user = User {
            pool_id: pool.id.clone(),
            username_key: username_key(pool, &new.username),
            username: new.username,
            sub: Sub::new(sub.clone()),
            status: UserStatus::ExternalProvider,
            enabled: true,
            created_at: now,
            last_modified_at: now,
            attributes: new.mapped.into_iter().collect(),
            aliases: Vec::new(),
            password: None,
            password_history: Vec::new(),
            extra: Default::default(),
            version: 0,
        };
        user.attributes.insert("sub".into(), sub);
        let entry = identity_entry(new.provider, new.subject, true, now.millis());
        set_identities(&mut user, &[entry]);
        attributes::check_required(pool, &user.attributes)?;
        let source = SignUpSource::ExternalProvider(client.client_id.as_str());
        self.pre_sign_up(pool, &mut user, source, None, None)
            .await?;
        user.aliases = aliases_of(pool, &user);
        self.insert_user(pool, &mut user, false, Writer::Admin)
            .await?;
        let confirmed = "PostConfirmation_ConfirmSignUp";
        let client_id = Some(client.client_id.as_str());
        if let Err(error) = self
            .post_confirmation(pool, &user, confirmed, client_id, None)
            .await
        {
            // As on AWS the user stands; the sign-in goes on.
            tracing::warn!(code = %error.code, "post confirmation failed for a federated user");
        }
        Ok(user)
    }
}

/// A federated user about to be created.
struct NewFederated<'a> {
    provider: &'a IdentityProvider,
    subject: &'a str,
    username: String,
    mapped: Vec<(String, String)>,
}
