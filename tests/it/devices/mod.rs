//! Remembered devices: NewDeviceMetadata, ConfirmDevice, the DEVICE_SRP_AUTH /
//! DEVICE_PASSWORD_VERIFIER sign-in that stands in for TOTP MFA, and the (Admin)List, Get,
//! Forget and UpdateDeviceStatus operations, on both backends. The device's side of the SRP
//! math is the testkit's `device_srp_client`, written apart from the server.
//!
//! `sign_in.rs` has the sign-in paths, `operations.rs` the device operations; the helpers they
//! share are here.

mod carry;
mod operations;
mod sign_in;

use aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, AuthenticationResultType, ChallengeNameType, DeviceConfigurationType, DeviceType,
    SoftwareTokenMfaConfigType, SoftwareTokenMfaSettingsType, UserPoolMfaType,
};
use cognate_domain::Clock as _;
use cognate_testkit::device_srp_client::DeviceSecret;
use cognate_testkit::totp_client::totp_code;
use cognate_testkit::{PASSWORD, TestApp};

use crate::auth::{error_of, password_auth};

// ---------------------------------------------------------------------------------- helpers

/// A pool that tracks devices, a fixture client and the user `alice`.
pub(super) async fn tracked_pool(app: &TestApp, on_user_prompt: bool) -> (String, String) {
    pool_with_devices(app, true, on_user_prompt).await
}

pub(super) async fn pool_with_devices(
    app: &TestApp,
    challenge_required_on_new_device: bool,
    on_user_prompt: bool,
) -> (String, String) {
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("devices")
        .device_configuration(
            DeviceConfigurationType::builder()
                .challenge_required_on_new_device(challenge_required_on_new_device)
                .device_only_remembered_on_user_prompt(on_user_prompt)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .user_pool
        .and_then(|p| p.id)
        .unwrap();
    let client_id = app.client_for(&pool_id).await;
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    (pool_id, client_id)
}

pub(super) fn now(app: &TestApp) -> i64 {
    app.clock.now().secs()
}

/// Turns on TOTP for the pool (optional) and for `username`: the secret.
pub(super) async fn with_totp(
    app: &TestApp,
    pool_id: &str,
    client_id: &str,
    username: &str,
) -> String {
    app.idp
        .set_user_pool_mfa_config()
        .user_pool_id(pool_id)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .mfa_configuration(UserPoolMfaType::Optional)
        .send()
        .await
        .unwrap();
    let access = tokens_of(
        password_auth(app, client_id, username, PASSWORD)
            .await
            .unwrap(),
    )
    .access_token
    .unwrap();
    let secret = app
        .idp
        .associate_software_token()
        .access_token(&access)
        .send()
        .await
        .unwrap()
        .secret_code
        .unwrap();
    app.idp
        .verify_software_token()
        .access_token(&access)
        .user_code(totp_code(&secret, now(app)))
        .send()
        .await
        .unwrap();
    app.idp
        .set_user_mfa_preference()
        .access_token(&access)
        .software_token_mfa_settings(
            SoftwareTokenMfaSettingsType::builder()
                .enabled(true)
                .preferred_mfa(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    secret
}

pub(super) fn tokens_of(out: InitiateAuthOutput) -> AuthenticationResultType {
    out.authentication_result.expect("tokens")
}

/// USER_PASSWORD_AUTH naming `device_key`.
pub(super) async fn password_with_device(
    app: &TestApp,
    client_id: &str,
    username: &str,
    device_key: &str,
) -> InitiateAuthOutput {
    app.idp
        .initiate_auth()
        .client_id(client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", PASSWORD)
        .auth_parameters("DEVICE_KEY", device_key)
        .send()
        .await
        .unwrap()
}

/// The session of the DEVICE_SRP_AUTH challenge a sign-in must have answered.
pub(super) fn device_srp_session(out: &InitiateAuthOutput) -> String {
    assert_eq!(out.challenge_name, Some(ChallengeNameType::DeviceSrpAuth));
    out.session.clone().expect("a session")
}

/// Answers the SOFTWARE_TOKEN_MFA challenge of `out` (a fresh 30-second step).
pub(super) async fn answer_totp(
    app: &TestApp,
    client_id: &str,
    out: InitiateAuthOutput,
    secret: &str,
) -> AuthenticationResultType {
    assert_eq!(
        out.challenge_name,
        Some(ChallengeNameType::SoftwareTokenMfa)
    );
    app.clock.advance_secs(30);
    app.idp
        .respond_to_auth_challenge()
        .client_id(client_id)
        .challenge_name(ChallengeNameType::SoftwareTokenMfa)
        .session(out.session.unwrap())
        .challenge_responses("USERNAME", "alice")
        .challenge_responses("SOFTWARE_TOKEN_MFA_CODE", totp_code(secret, now(app)))
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap()
}

/// ConfirmDevice for the new device of `tokens`: the device secret the client keeps.
pub(super) async fn remember(app: &TestApp, tokens: &AuthenticationResultType) -> DeviceSecret {
    let metadata = tokens
        .new_device_metadata
        .as_ref()
        .expect("NewDeviceMetadata");
    let device = DeviceSecret::new(
        metadata.device_key().unwrap(),
        metadata.device_group_key().unwrap(),
    );
    let out = app
        .idp
        .confirm_device()
        .access_token(tokens.access_token().unwrap())
        .device_key(&device.device_key)
        .device_secret_verifier_config(device.verifier_config())
        .device_name("phone")
        .send()
        .await
        .unwrap();
    assert!(!out.user_confirmation_necessary);
    device
}

/// Signs `alice` in with the password (no MFA) and remembers the device.
pub(super) async fn remembered_device(app: &TestApp, client_id: &str) -> DeviceSecret {
    let tokens = tokens_of(
        password_auth(app, client_id, "alice", PASSWORD)
            .await
            .unwrap(),
    );
    remember(app, &tokens).await
}

pub(super) fn attribute<'d>(device: &'d DeviceType, name: &str) -> Option<&'d str> {
    device
        .device_attributes()
        .iter()
        .find(|a| a.name() == name)
        .and_then(|a| a.value())
}

pub(super) async fn get_device(
    app: &TestApp,
    access: &str,
    key: &str,
) -> Result<DeviceType, String> {
    app.idp
        .get_device()
        .access_token(access)
        .device_key(key)
        .send()
        .await
        .map(|out| out.device.unwrap())
        .map_err(|e| error_of::<(), _, _>(Err(e)).0)
}

pub(super) const UNKNOWN_KEY: &str = "us-east-1_00000000-0000-4000-8000-000000000000";
