//! Remembered devices: the device keys a sign-in hands out, the devices a user confirmed
//! (ConfirmDevice) with their SRP verifier, and their wire form (`DeviceType`).
//!
//! A pool tracks devices when it has a `DeviceConfiguration`. Every full sign-in that names
//! none of the user's confirmed devices (`DEVICE_KEY`) gets a new device key
//! (`<region>_<uuid>`) and group key in `NewDeviceMetadata`; the key is also the access
//! token's `device_key` claim, which is what binds it to the user: ConfirmDevice accepts only
//! the key of the token it is called with.
//! Confirmed devices live in the user's state (`features["devices"]`); the verifier is not a
//! secret (it is what the client chose to publish) and is kept as given.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cognate_crypto::srp as math;
use cognate_domain::Timestamp;
use cognate_domain::pool::UserPool;
use cognate_domain::user::User;
use cognate_model::Sensitive;
use cognate_model::idp::{
    AttributeType, DeviceRememberedStatusType, DeviceSecretVerifierConfigType, DeviceType,
    ErrorCode, NewDeviceMetadataType,
};
use serde::{Deserialize, Serialize};

use crate::Idp;
use crate::errors::{Result, invalid_parameter};
use crate::tokens::SignIn;
use crate::users::state::UserState;

const FEATURE: &str = "devices";
/// Devices kept per user (one full ListDevices page): confirming one more forgets the one
/// least recently used.
const MAX_DEVICES: usize = 60;
/// Salt bytes and verifier bytes a client may send (a 3072-bit verifier, padded, is 385).
const MAX_SALT_BYTES: usize = 64;
const MAX_VERIFIER_BYTES: usize = 385;

/// The pool's device settings, when it tracks devices at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceSettings {
    /// ChallengeRequiredOnNewDevice: a remembered device may sign in with device SRP instead
    /// of MFA. Without it every sign-in goes through the pool's MFA as on a new device.
    pub remembered_devices_skip_mfa: bool,
    /// Devices stay `not_remembered` until UpdateDeviceStatus says otherwise.
    pub only_remembered_on_user_prompt: bool,
}

impl DeviceSettings {
    /// `None` when the pool has no DeviceConfiguration (devices are not tracked).
    pub fn of(pool: &UserPool) -> Option<Self> {
        let config = pool.settings.get("DeviceConfiguration")?.as_object()?;
        let flag = |name: &str| {
            config
                .get(name)
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false)
        };
        Some(Self {
            remembered_devices_skip_mfa: flag("ChallengeRequiredOnNewDevice"),
            only_remembered_on_user_prompt: flag("DeviceOnlyRememberedOnUserPrompt"),
        })
    }
}

/// A confirmed device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub key: String,
    pub group_key: String,
    pub name: Option<String>,
    /// The client's SRP salt and verifier, hex of the bytes it sent (base64) in ConfirmDevice.
    pub salt_hex: String,
    pub verifier_hex: String,
    pub remembered: bool,
    /// Epoch millis.
    pub created_at: i64,
    pub modified_at: i64,
    pub last_authenticated_at: i64,
}

/// The user's devices, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Devices {
    pub devices: Vec<Device>,
}

impl Devices {
    pub fn of(state: &UserState) -> Self {
        state
            .features
            .get(FEATURE)
            .and_then(|value| serde_json::from_value(value.clone()).ok())
            .unwrap_or_default()
    }

    pub fn save_into(&self, state: &mut UserState) {
        if let Ok(value) = serde_json::to_value(self) {
            state.features.insert(FEATURE.into(), value);
        }
    }

    pub fn find(&self, key: &str) -> Option<&Device> {
        self.devices.iter().find(|d| d.key == key)
    }

    pub fn find_mut(&mut self, key: &str) -> Option<&mut Device> {
        self.devices.iter_mut().find(|d| d.key == key)
    }

    /// Adds `device`, forgetting the least recently used one past the limit.
    pub fn add(&mut self, device: Device) {
        self.devices.push(device);
        while self.devices.len() > MAX_DEVICES {
            let oldest = self
                .devices
                .iter()
                .enumerate()
                .min_by_key(|(_, d)| d.last_authenticated_at)
                .map(|(index, _)| index);
            match oldest {
                Some(index) => self.devices.remove(index),
                None => break,
            };
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Device> {
        let index = self.devices.iter().position(|d| d.key == key)?;
        Some(self.devices.remove(index))
    }
}

/// The user's confirmed device `key`, if it is remembered: the only kind that may stand in
/// for MFA.
pub fn remembered_device(user: &User, key: &str) -> Option<Device> {
    Devices::of(&UserState::of(user))
        .find(key)
        .filter(|d| d.remembered)
        .cloned()
}

/// GetDevice and ForgetDevice model their AccessToken as optional; without one there is no
/// user to look the device up for.
pub fn required_access_token(token: Option<&Sensitive>) -> Result<&str> {
    token
        .map(Sensitive::expose)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| invalid_parameter("Missing required parameter AccessToken"))
}

pub fn device_not_found() -> cognate_awsjson::ApiError {
    ErrorCode::ResourceNotFoundException.msg("Device does not exist.")
}

/// The salt and verifier of a ConfirmDevice, as hex; `InvalidParameterException` when they are
/// missing, not base64, oversized or degenerate (a verifier ≡ 0 mod N would prove nothing).
pub fn verifier_config(given: Option<&DeviceSecretVerifierConfigType>) -> Result<(String, String)> {
    let bad = || invalid_parameter("Invalid DeviceSecretVerifierConfig.");
    let given = given.ok_or_else(bad)?;
    let decode = |value: Option<&String>, max: usize| {
        let bytes = STANDARD.decode(value?.trim()).ok()?;
        (!bytes.is_empty() && bytes.len() <= max).then_some(bytes)
    };
    let salt = decode(given.salt.as_ref(), MAX_SALT_BYTES).ok_or_else(bad)?;
    let verifier = decode(given.password_verifier.as_ref(), MAX_VERIFIER_BYTES).ok_or_else(bad)?;
    let verifier_hex = hex::encode(verifier);
    math::check_client_public(&verifier_hex).map_err(|_| bad())?;
    Ok((hex::encode(salt), verifier_hex))
}

/// `DeviceType` as AWS returns it.
pub fn device_type(device: &Device) -> DeviceType {
    let status = if device.remembered {
        DeviceRememberedStatusType::Remembered
    } else {
        DeviceRememberedStatusType::NotRemembered
    };
    let mut attributes = vec![
        attribute("device_status", "valid"),
        attribute("device_remembered_status", status.as_str()),
    ];
    if let Some(name) = &device.name {
        attributes.push(attribute("device_name", name));
    }
    DeviceType {
        device_key: Some(device.key.clone()),
        device_attributes: Some(attributes),
        device_create_date: Some(Timestamp(device.created_at).epoch_seconds()),
        device_last_modified_date: Some(Timestamp(device.modified_at).epoch_seconds()),
        device_last_authenticated_date: Some(
            Timestamp(device.last_authenticated_at).epoch_seconds(),
        ),
    }
}

fn attribute(name: &str, value: &str) -> AttributeType {
    AttributeType {
        name: name.to_string(),
        value: Some(Sensitive::from(value.to_string())),
    }
}

impl Idp {
    /// The sign-in of a full authentication whose request named `device_key`: that device's
    /// when it is one of the user's confirmed devices (its key goes in the access token and no
    /// new one is handed out: AWS gives a device key only to sign-ins without device
    /// information), otherwise a sign-in that gets NewDeviceMetadata if the pool tracks devices.
    pub(crate) fn sign_in_from(&self, user: &User, device_key: Option<&str>) -> SignIn {
        SignIn {
            device_key: confirmed_key(user, device_key),
            ..SignIn::new(self)
        }
    }

    /// A fresh device key and its group key for a sign-in, when the pool tracks devices.
    pub fn new_device_metadata(&self, pool: &UserPool) -> Option<NewDeviceMetadataType> {
        DeviceSettings::of(pool)?;
        let key = format!("{}_{}", pool.id.region(), uuid::Uuid::new_v4());
        Some(NewDeviceMetadataType {
            device_group_key: Some(self.device_group_key(pool, &key)),
            device_key: Some(key),
        })
    }

    /// The group key of `device_key`, derived with the server key: ConfirmDevice does not
    /// send it back, and nothing needs storing between the sign-in and the confirmation.
    pub fn device_group_key(&self, pool: &UserPool, device_key: &str) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let name = format!("{}/{device_key}", pool.id.as_str());
        let hash = self.seal.keyed_hash("device-group-key", name.as_bytes());
        let chars = hash
            .iter()
            .take(9)
            .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]));
        std::iter::once('-').chain(chars).collect()
    }

    /// Applies `change` to the user's devices in one write; the user must still be `user`.
    pub async fn modify_devices<T>(
        &self,
        pool: &UserPool,
        user: &User,
        mut change: impl FnMut(&mut Devices, Timestamp) -> Result<T>,
    ) -> Result<T> {
        let sub = user.sub.clone();
        let now = self.clock.now();
        let (_, outcome) = self
            .modify_user(pool, &user.username_key, |stored| {
                if stored.sub != sub {
                    return Err(crate::users::user_not_found());
                }
                let mut state = UserState::of(stored);
                let mut devices = Devices::of(&state);
                let outcome = change(&mut devices, now)?;
                devices.save_into(&mut state);
                state.save_into(stored);
                Ok(outcome)
            })
            .await?;
        Ok(outcome)
    }

    /// One device of the user, or `ResourceNotFoundException`.
    pub fn user_device(&self, user: &User, key: &str) -> Result<DeviceType> {
        Devices::of(&UserState::of(user))
            .find(key)
            .map(device_type)
            .ok_or_else(device_not_found)
    }

    /// Forgets the user's device `key`.
    pub async fn forget_device(&self, pool: &UserPool, user: &User, key: &str) -> Result<()> {
        self.modify_devices(pool, user, |devices, _| {
            devices.remove(key).map(|_| ()).ok_or_else(device_not_found)
        })
        .await
    }

    /// Sets the remembered status of the user's device `key`.
    pub async fn set_device_status(
        &self,
        pool: &UserPool,
        user: &User,
        key: &str,
        status: Option<&DeviceRememberedStatusType>,
    ) -> Result<()> {
        let status = status.ok_or_else(|| {
            invalid_parameter("Missing required parameter DeviceRememberedStatus")
        })?;
        let remembered = *status == DeviceRememberedStatusType::Remembered;
        self.modify_devices(pool, user, |devices, now| {
            let device = devices.find_mut(key).ok_or_else(device_not_found)?;
            device.remembered = remembered;
            device.modified_at = now.millis();
            Ok(())
        })
        .await
    }

    /// A page of the user's devices (oldest first) after the sealed `token`, and the next one.
    pub fn list_user_devices(
        &self,
        pool: &UserPool,
        user: &User,
        limit: Option<i32>,
        token: Option<&str>,
    ) -> Result<(Vec<DeviceType>, Option<String>)> {
        let scope = format!("devices/{}/{}", pool.id, user.sub.as_str());
        let after = crate::paging::open_after(&self.seal, &scope, token)?;
        let devices = Devices::of(&UserState::of(user)).devices;
        let start = after.map_or(0, |after| resume_at(&devices, &after));
        let limit = crate::paging::page_limit(limit);
        let page: Vec<&Device> = devices.iter().skip(start).take(limit).collect();
        let more = start + page.len() < devices.len();
        let next = page
            .last()
            .filter(|_| more)
            .map(|d| format!("{}:{}", d.created_at, d.key));
        Ok((
            page.into_iter().map(device_type).collect(),
            crate::paging::seal_next(&self.seal, &scope, next),
        ))
    }
}

/// Where a listing continues after the device `after` names (`<created_at>:<key>`): right
/// after it, or, when it was forgotten meanwhile, at the first device confirmed no earlier.
fn resume_at(devices: &[Device], after: &str) -> usize {
    let (created_at, key) = after.split_once(':').unwrap_or(("", after));
    if let Some(index) = devices.iter().position(|d| d.key == key) {
        return index + 1;
    }
    let created_at = created_at.parse::<i64>().unwrap_or(i64::MAX);
    devices
        .iter()
        .position(|d| d.created_at >= created_at)
        .unwrap_or(devices.len())
}

/// A refresh token issued with a device key carries it after a `.` (the token is looked up by
/// the hash of the whole string, so it cannot be swapped): AWS links such tokens to their
/// device, and refreshing them takes that device's key.
pub fn bound_refresh_token(random: String, sign_in: &crate::tokens::SignIn) -> String {
    match &sign_in.device_key {
        Some(key) => format!("{random}.{key}"),
        None => random,
    }
}

/// `key` when it names one of `user`'s confirmed devices: a key of another user's device, or
/// of none, is no device information at all.
pub(crate) fn confirmed_key(user: &User, key: Option<&str>) -> Option<String> {
    let key = key?;
    Devices::of(&UserState::of(user))
        .find(key)
        .map(|device| device.key.clone())
}

/// The device the last step of a sign-in names: the one its answer gives when that is a
/// confirmed device of `user` (amazon-cognito-identity-js sends it there), else the one the
/// first factor named, carried in the challenge session (clients that send it only in
/// InitiateAuth), if still confirmed.
pub(crate) fn answering_device(
    user: &User,
    answered: Option<&str>,
    carried: Option<&str>,
) -> Option<String> {
    confirmed_key(user, answered).or_else(|| confirmed_key(user, carried))
}

/// For a refresh: the device `token` is bound to, which the client must name as DEVICE_KEY and
/// the user must still have (confirmed, not forgotten); `Invalid Refresh Token` otherwise.
pub fn check_refresh_device(
    user: &User,
    token: &str,
    given: Option<&str>,
) -> Result<Option<String>> {
    let Some((_, bound)) = token.rsplit_once('.') else {
        return Ok(None);
    };
    let known = Devices::of(&UserState::of(user)).find(bound).is_some();
    if given != Some(bound) || !known {
        return Err(crate::auth::refresh::invalid_refresh_token());
    }
    Ok(Some(bound.to_string()))
}
