//! Changing a user's profile: attribute updates and deletions (self-service and admin), with
//! Cognito's rules for email and phone numbers: a changed address is unverified; when the pool
//! auto-verifies it, a code goes to the new address; when the pool keeps the original value
//! until the new one is verified (UserAttributeUpdateSettings), the new value waits, pending.

use std::collections::BTreeMap;
use std::sync::Arc;

use cognate_awsjson::ApiError;
use cognate_domain::client::AppClient;
use cognate_domain::pool::UserPool;
use cognate_domain::user::User;
use cognate_domain::{StoreError, Timestamp};
use cognate_model::idp::{AttributeType, CodeDeliveryDetailsType, DeliveryMediumType, ErrorCode};

use super::attributes::{self, Writer};
use super::codes;
use super::delivery::Destination;
use super::state::{CodePurpose, UserState};
use crate::Idp;
use crate::errors::{Result, internal, invalid_parameter};
use crate::tokens::{VerifiedAccessToken, not_authorized};
use crate::triggers::MessageCause;

/// The attributes Cognito verifies, with their flag and delivery medium.
pub const CHANNELS: [Channel; 2] = [
    Channel {
        attribute: "email",
        flag: "email_verified",
        medium: DeliveryMediumType::Email,
    },
    Channel {
        attribute: "phone_number",
        flag: "phone_number_verified",
        medium: DeliveryMediumType::Sms,
    },
];

/// Where pending (not yet verified) new values are kept in `UserState.features`.
const PENDING_FEATURE: &str = "pending_attributes";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Channel {
    pub attribute: &'static str,
    pub flag: &'static str,
    pub medium: DeliveryMediumType,
}

impl Channel {
    pub fn of(attribute: &str) -> Option<Self> {
        CHANNELS.into_iter().find(|c| c.attribute == attribute)
    }

    fn destination(self, address: &str) -> Destination {
        Destination {
            medium: self.medium,
            attribute: self.attribute,
            address: address.to_string(),
        }
    }
}

/// A checked attribute update: values to set and names to remove (given with a blank value).
#[derive(Debug, Clone, Default)]
pub struct Update {
    pub sets: Vec<(String, String)>,
    pub removals: Vec<String>,
}

/// Checks an UpdateUserAttributes / AdminUpdateUserAttributes list against the pool's schema
/// and the writer's rights. A blank value removes the attribute, as on AWS.
pub fn parse_update(
    pool: &UserPool,
    writer: Writer<'_>,
    given: &[AttributeType],
) -> Result<Update> {
    let (removals, sets): (Vec<_>, Vec<_>) = attributes::from_wire(given)
        .into_iter()
        .partition(|(_, value)| value.is_empty());
    if matches!(writer, Writer::Client(_))
        && sets
            .iter()
            .any(|(name, _)| CHANNELS.iter().any(|c| c.flag == name))
    {
        // Only verification (or an admin) marks an address verified.
        return Err(unauthorized_attribute());
    }
    let removals: Vec<String> = removals.into_iter().map(|(name, _)| name).collect();
    check_removals(pool, writer, &removals)?;
    Ok(Update {
        sets: attributes::check_writes(pool, writer, &sets, false)?,
        removals,
    })
}

/// Checks names to remove: known, mutable, writable by the writer, not required.
pub fn check_removals(pool: &UserPool, writer: Writer<'_>, names: &[String]) -> Result<()> {
    for name in names {
        let schema = pool.attribute(name).ok_or_else(|| {
            invalid_parameter(format!(
                "Attributes did not conform to the schema: Type for attribute {{{name}}} could not be determined"
            ))
        })?;
        if name == "sub" || !schema.mutable {
            return Err(invalid_parameter(format!(
                "Cannot modify the non-mutable attribute {name}"
            )));
        }
        if let Writer::Client(client) = writer {
            let allowed = client.write_attributes.is_empty()
                || client.write_attributes.iter().any(|a| a == name);
            if schema.developer_only || !allowed {
                return Err(unauthorized_attribute());
            }
        }
        if schema.required {
            return Err(invalid_parameter(format!(
                "Attributes did not conform to the schema: {name}: The attribute is required"
            )));
        }
    }
    Ok(())
}

fn unauthorized_attribute() -> ApiError {
    ErrorCode::NotAuthorizedException.msg("A client attempted to write unauthorized attribute")
}

/// Whether the pool keeps the original value of `attribute` until a new one is verified.
pub fn keeps_original(pool: &UserPool, attribute: &str) -> bool {
    pool.settings
        .get("UserAttributeUpdateSettings")
        .and_then(|s| s.get("AttributesRequireVerificationBeforeUpdate"))
        .and_then(|v| v.as_array())
        .is_some_and(|names| names.iter().any(|n| n.as_str() == Some(attribute)))
}

fn auto_verified(pool: &UserPool, attribute: &str) -> bool {
    pool.auto_verified_attributes.iter().any(|a| a == attribute)
}

/// Applies `update` to `user` (attributes and pending values; nothing is saved) and returns
/// the new addresses that need a verification code, in channel order.
pub fn apply(
    pool: &UserPool,
    user: &mut User,
    update: &Update,
    now: Timestamp,
) -> Vec<Destination> {
    let mut state = UserState::of(user);
    let mut pending = pending_values(&state);
    let given: BTreeMap<&str, &str> = update
        .sets
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let to_verify = CHANNELS
        .into_iter()
        .filter_map(|channel| apply_channel(pool, user, &mut pending, channel, &given))
        .collect();
    for (name, value) in &update.sets {
        if Channel::of(name).is_none() && !CHANNELS.iter().any(|c| c.flag == name) {
            user.attributes.insert(name.clone(), value.clone());
        }
    }
    remove(user, &mut pending, &update.removals);
    set_pending_values(&mut state, &pending);
    state.save_into(user);
    user.last_modified_at = now;
    to_verify
}

/// Applies what `given` says about one address and its flag; returns the address to send a
/// verification code to, if any.
fn apply_channel(
    pool: &UserPool,
    user: &mut User,
    pending: &mut BTreeMap<String, String>,
    channel: Channel,
    given: &BTreeMap<&str, &str>,
) -> Option<Destination> {
    let flag = given.get(channel.flag).copied();
    let Some(&new) = given.get(channel.attribute) else {
        match flag {
            // An admin verifying the address: a pending new value takes effect (AWS).
            Some("true") if pending.contains_key(channel.attribute) => {
                let new = pending.remove(channel.attribute).unwrap_or_default();
                set_channel(user, channel, &new, "true");
            }
            Some(flag) => {
                user.attributes.insert(channel.flag.into(), flag.into());
            }
            None => {}
        }
        return None;
    };
    let current = user.attributes.get(channel.attribute).cloned();
    if current.as_deref() == Some(new) {
        // Same address: only an explicit flag (admin) changes anything.
        pending.remove(channel.attribute);
        if let Some(flag) = flag {
            user.attributes.insert(channel.flag.into(), flag.into());
        }
        return None;
    }
    if flag == Some("true") {
        // An admin setting the address as verified: no message, no waiting.
        set_channel(user, channel, new, "true");
        pending.remove(channel.attribute);
        None
    } else if current.is_some() && keeps_original(pool, channel.attribute) {
        // The original stays in use (sign-in, messages) until the new one is verified.
        pending.insert(channel.attribute.to_string(), new.to_string());
        Some(channel.destination(new))
    } else {
        set_channel(user, channel, new, flag.unwrap_or("false"));
        pending.remove(channel.attribute);
        (flag != Some("false") && auto_verified(pool, channel.attribute))
            .then(|| channel.destination(new))
    }
}

fn set_channel(user: &mut User, channel: Channel, address: &str, verified: &str) {
    user.attributes
        .insert(channel.attribute.into(), address.into());
    user.attributes.insert(channel.flag.into(), verified.into());
}

/// Removes attributes; removing an address also removes its flag and any pending new value.
fn remove(user: &mut User, pending: &mut BTreeMap<String, String>, names: &[String]) {
    for name in names {
        user.attributes.remove(name);
        if let Some(channel) = Channel::of(name) {
            user.attributes.remove(channel.flag);
            pending.remove(channel.attribute);
        }
    }
}

/// Removes `names` from `user` (DeleteUserAttributes and its admin form). Nothing is saved.
pub fn remove_attributes(user: &mut User, names: &[String], now: Timestamp) {
    let mut state = UserState::of(user);
    let mut pending = pending_values(&state);
    remove(user, &mut pending, names);
    set_pending_values(&mut state, &pending);
    state.save_into(user);
    user.last_modified_at = now;
}

/// New values waiting for verification, by attribute name.
pub fn pending_values(state: &UserState) -> BTreeMap<String, String> {
    state
        .features
        .get(PENDING_FEATURE)
        .and_then(|value| serde_json::from_value(value.clone()).ok())
        .unwrap_or_default()
}

fn set_pending_values(state: &mut UserState, pending: &BTreeMap<String, String>) {
    match serde_json::to_value(pending) {
        Ok(value) if !pending.is_empty() => {
            state.features.insert(PENDING_FEATURE.into(), value);
        }
        _ => {
            state.features.remove(PENDING_FEATURE);
        }
    }
}

/// The address a verification code for `attribute` goes to: the pending new value when there
/// is one (GetUserAttributeVerificationCode after an update that keeps the original).
pub fn verification_destination(user: &User, attribute: &str) -> Option<Destination> {
    let channel = Channel::of(attribute)?;
    let pending = pending_values(&UserState::of(user));
    pending
        .get(attribute)
        .or_else(|| user.attributes.get(attribute))
        .map(|address| channel.destination(address))
}

/// Marks `attribute` verified after a correct code (VerifyUserAttribute): a pending new value
/// replaces the original first. Nothing is saved.
pub fn mark_verified(user: &mut User, attribute: &str, now: Timestamp) {
    let Some(channel) = Channel::of(attribute) else {
        return;
    };
    let mut state = UserState::of(user);
    let mut pending = pending_values(&state);
    if let Some(new) = pending.remove(attribute) {
        user.attributes.insert(channel.attribute.into(), new);
    }
    if user.attributes.contains_key(channel.attribute) {
        user.attributes.insert(channel.flag.into(), "true".into());
    }
    set_pending_values(&mut state, &pending);
    state.save_into(user);
    user.last_modified_at = now;
}

/// AWS names the alias that is taken; the store's conflict only says "an alias".
pub fn alias_error(error: ApiError, update: &Update) -> ApiError {
    let phone_only = update.sets.iter().any(|(n, _)| n == "phone_number")
        && !update.sets.iter().any(|(n, _)| n == "email");
    if error.code == ErrorCode::AliasExistsException.as_str() && phone_only {
        ErrorCode::AliasExistsException
            .msg("An account with the given phone_number already exists.")
    } else {
        error
    }
}

impl Idp {
    /// Applies `update` to the user (retrying on concurrent writes), then sends the codes it
    /// calls for. Returns their delivery details, in channel order.
    pub async fn update_attributes(
        &self,
        pool: &UserPool,
        user: &User,
        update: &Update,
        cause: MessageCause<'_>,
    ) -> Result<Vec<CodeDeliveryDetailsType>> {
        let now = self.clock.now();
        let (saved, codes) = self
            .modify_user(pool, &user.username_key, |user| {
                let to_verify = apply(pool, user, update, now);
                let mut state = UserState::of(user);
                state.prune(now);
                let mut codes = Vec::with_capacity(to_verify.len());
                for destination in to_verify {
                    if let Some(purpose) = CodePurpose::verifying(destination.attribute) {
                        let code = codes::issue(&self.seal, &mut state, user, purpose, now);
                        codes.push((destination, purpose, code));
                    }
                }
                state.save_into(user);
                Ok(codes)
            })
            .await
            .map_err(|error| alias_error(error, update))?;
        // The new addresses are known only once applied, so the custom message function runs
        // after the save here: the update stands if it fails, as the code does.
        let mut details = Vec::with_capacity(codes.len());
        for (destination, purpose, code) in codes {
            let draft = self.code_draft(pool, &saved, &destination, cause).await?;
            details.push(
                self.deliver_code(pool, &saved, purpose, &destination, &code, &draft)
                    .await?,
            );
        }
        Ok(details)
    }

    /// Removes attributes from the user (retrying on concurrent writes).
    pub async fn delete_attributes(
        &self,
        pool: &UserPool,
        user: &User,
        names: &[String],
    ) -> Result<()> {
        let now = self.clock.now();
        self.modify_user(pool, &user.username_key, |user| {
            remove_attributes(user, names, now);
            Ok(())
        })
        .await?;
        Ok(())
    }
}

/// The caller of a token-authorized operation: the pool, the current user record and the
/// client the token was issued to.
pub struct SignedIn {
    pub pool: UserPool,
    pub user: User,
    pub token: Arc<VerifiedAccessToken>,
}

impl Idp {
    /// Authenticates `access_token` (signature, expiry, scope, revocation, disabled user) and
    /// loads the caller's pool.
    pub async fn signed_in(&self, access_token: &str) -> Result<SignedIn> {
        let caller = self.authenticate(access_token).await?;
        let pool = self.pool(caller.token.pool_id.as_str()).await?;
        Ok(SignedIn {
            pool,
            user: caller.user,
            token: caller.token,
        })
    }

    /// The client an access token was issued to; a deleted client's tokens are invalid.
    pub async fn token_client(&self, token: &VerifiedAccessToken) -> Result<AppClient> {
        match self.store.get_client(&token.client_id).await {
            Ok(client) if client.pool_id == token.pool_id => Ok(client),
            Ok(_) | Err(StoreError::NotFound) => Err(not_authorized("Invalid Access Token")),
            Err(other) => Err(internal(other)),
        }
    }
}
