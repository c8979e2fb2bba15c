//! ConfirmDevice: the signed-in user confirms the device key its sign-in was given, with the
//! device's SRP verifier, so that later sign-ins from that device can skip MFA.
//!
//! The key must be the access token's own `device_key` (the one NewDeviceMetadata handed to
//! this sign-in): another user's key, or a key made up, is `ResourceNotFoundException`.

use cognate_awsjson::RequestContext;
use cognate_crypto::jwt;
use cognate_model::idp::{ConfirmDeviceRequest, ConfirmDeviceResponse, ErrorCode};
use serde_json::Value;

use crate::Idp;
use crate::auth::device::confirmed_device;
use crate::devices::{DeviceSettings, device_not_found, verifier_config};
use crate::errors::Result;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: ConfirmDeviceRequest,
) -> Result<ConfirmDeviceResponse> {
    let token = input.access_token.expose();
    let caller = idp.signed_in(token).await?;
    let settings = DeviceSettings::of(&caller.pool).ok_or_else(device_not_found)?;
    // The token's signature was checked by `signed_in`: its claims can be read as they are.
    let issued_key = jwt::decode_unverified(token).ok().and_then(|(_, claims)| {
        claims
            .get("device_key")
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    if issued_key.as_deref() != Some(input.device_key.as_str()) {
        return Err(device_not_found());
    }
    let verifier = verifier_config(input.device_secret_verifier_config.as_ref())?;
    let group_key = idp.device_group_key(&caller.pool, &input.device_key);
    let remembered = !settings.only_remembered_on_user_prompt;
    let key = input.device_key.as_str();
    idp.modify_devices(&caller.pool, &caller.user, |devices, now| {
        if devices.find(key).is_some() {
            return Err(ErrorCode::DeviceKeyExistsException.msg("Device key already exists."));
        }
        let device = confirmed_device(
            key,
            &group_key,
            input.device_name.clone(),
            verifier.clone(),
            remembered,
            now,
        );
        devices.add(device);
        Ok(())
    })
    .await?;
    Ok(ConfirmDeviceResponse {
        user_confirmation_necessary: Some(settings.only_remembered_on_user_prompt),
    })
}
