//! The device key carried through a sign-in: a `DEVICE_KEY` given only in InitiateAuth still
//! names the device after the MFA answer (boto3 clients following AWS's docs), one given in
//! the answer wins, another user's key is no device information; and choice-based sign-in
//! (USER_AUTH) takes `DEVICE_KEY` like the password flows, DEVICE_SRP_AUTH shortcut included.

use aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFactorType, AuthFlowType, AuthenticationResultType, ChallengeNameType,
    DeviceConfigurationType, ExplicitAuthFlowsType, SignInPolicyType, SmsConfigurationType,
    SmsMfaConfigType, SmsMfaSettingsType, SoftwareTokenMfaConfigType, SoftwareTokenMfaSettingsType,
    UserPoolMfaType, UserPoolPolicyType,
};
use cognate_testkit::device_srp_client::DeviceSecret;
use cognate_testkit::srp_client::{SrpChallenge, SrpClient};
use cognate_testkit::totp_client::totp_code;
use cognate_testkit::{FIXTURE_FLOWS, PASSWORD, TestApp, backend_tests};

use super::*;
use crate::auth::{claims, password_auth};

backend_tests!(
    devices_key_from_initiate_auth_is_carried_through_totp,
    devices_key_of_another_user_in_initiate_auth_gets_a_fresh_key,
    devices_user_auth_remembered_device_gets_device_srp_auth,
    devices_user_auth_select_challenge_carries_the_device,
    devices_user_auth_email_otp_keeps_the_device,
    devices_srp_key_from_initiate_auth_is_carried_to_the_verifier,
    devices_key_is_carried_through_select_mfa_type_and_sms,
    devices_key_is_carried_through_new_password_required,
    devices_key_of_another_user_through_new_password_gets_a_fresh_key,
    devices_key_is_carried_through_mfa_setup,
);

// ---------------------------------------------------------------------------------- helpers

/// A pool tracking devices (`skip_mfa`: remembered devices stand in for MFA) that allows
/// PASSWORD and EMAIL_OTP first, a client with ALLOW_USER_AUTH, and `alice` with a verified
/// email and TOTP as her MFA: (pool, client, TOTP secret).
async fn choice_pool(app: &TestApp, skip_mfa: bool) -> (String, String, String) {
    let policy = SignInPolicyType::builder()
        .allowed_first_auth_factors(AuthFactorType::Password)
        .allowed_first_auth_factors(AuthFactorType::EmailOtp)
        .build();
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("carry")
        .policies(UserPoolPolicyType::builder().sign_in_policy(policy).build())
        .device_configuration(
            DeviceConfigurationType::builder()
                .challenge_required_on_new_device(skip_mfa)
                .device_only_remembered_on_user_prompt(false)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .user_pool
        .and_then(|p| p.id)
        .unwrap();
    let mut flows = FIXTURE_FLOWS.to_vec();
    flows.push(ExplicitAuthFlowsType::AllowUserAuth);
    let client_id = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("carry")
        .set_explicit_auth_flows(Some(flows))
        .send()
        .await
        .unwrap()
        .user_pool_client
        .and_then(|c| c.client_id)
        .unwrap();
    let attributes = [("email", "alice@example.com"), ("email_verified", "true")];
    app.confirmed_user_with(&pool_id, "alice", PASSWORD, &attributes)
        .await;
    let secret = with_totp(app, &pool_id, &client_id, "alice").await;
    (pool_id, client_id, secret)
}

/// Signs `username` in with the password and TOTP and confirms the new device.
async fn confirmed_device(
    app: &TestApp,
    client_id: &str,
    username: &str,
    secret: &str,
) -> DeviceSecret {
    let first = password_auth(app, client_id, username, PASSWORD)
        .await
        .unwrap();
    let tokens = answer_totp_as(app, client_id, (username, first), secret, None).await;
    remember(app, &tokens).await
}

/// Answers the SOFTWARE_TOKEN_MFA challenge of `out` as `username`, naming `device_key` in the
/// answer when given.
async fn answer_totp_as(
    app: &TestApp,
    client_id: &str,
    (username, out): (&str, InitiateAuthOutput),
    secret: &str,
    device_key: Option<&str>,
) -> AuthenticationResultType {
    assert_eq!(
        out.challenge_name,
        Some(ChallengeNameType::SoftwareTokenMfa)
    );
    app.clock.advance_secs(30);
    let mut request = app
        .idp
        .respond_to_auth_challenge()
        .client_id(client_id)
        .challenge_name(ChallengeNameType::SoftwareTokenMfa)
        .session(out.session.unwrap())
        .challenge_responses("USERNAME", username)
        .challenge_responses("SOFTWARE_TOKEN_MFA_CODE", totp_code(secret, now(app)));
    if let Some(key) = device_key {
        request = request.challenge_responses("DEVICE_KEY", key);
    }
    request.send().await.unwrap().authentication_result.unwrap()
}

/// The `device_key` claim of the access token of `tokens`.
fn device_claim(tokens: &AuthenticationResultType) -> String {
    claims(tokens.access_token().unwrap())["device_key"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// InitiateAuth USER_AUTH for `alice` with `extra` parameters.
async fn user_auth(app: &TestApp, client_id: &str, extra: &[(&str, &str)]) -> InitiateAuthOutput {
    let mut request = app
        .idp
        .initiate_auth()
        .client_id(client_id)
        .auth_flow(AuthFlowType::UserAuth)
        .auth_parameters("USERNAME", "alice");
    for (name, value) in extra {
        request = request.auth_parameters(*name, *value);
    }
    request.send().await.unwrap()
}

/// Both device SRP round trips of a DEVICE_SRP_AUTH challenge: the tokens.
async fn device_sign_in(
    app: &TestApp,
    client_id: &str,
    device: &DeviceSecret,
    out: &InitiateAuthOutput,
) -> AuthenticationResultType {
    let session = device_srp_session(out);
    let challenge = app
        .device_srp_auth(client_id, "alice", device, Some(&session))
        .await
        .unwrap();
    app.device_verifier_answer(client_id, "alice", device, &challenge)
        .await
        .unwrap()
        .authentication_result
        .unwrap()
}

// ---------------------------------------------------------------------------------- tests

/// MFA still asked (devices do not stand in for it): the key given only in InitiateAuth is
/// the sign-in's device after the TOTP answer, and a key in the answer that is none of the
/// user's devices does not displace it.
async fn devices_key_from_initiate_auth_is_carried_through_totp(app: TestApp) {
    let (_, client_id, secret) = choice_pool(&app, false).await;
    let device = confirmed_device(&app, &client_id, "alice", &secret).await;

    let out = password_with_device(&app, &client_id, "alice", &device.device_key).await;
    let tokens = answer_totp_as(&app, &client_id, ("alice", out), &secret, None).await;
    assert!(tokens.new_device_metadata.is_none(), "no new device key");
    assert_eq!(device_claim(&tokens), device.device_key);

    let out = password_with_device(&app, &client_id, "alice", &device.device_key).await;
    let answered = Some(UNKNOWN_KEY);
    let tokens = answer_totp_as(&app, &client_id, ("alice", out), &secret, answered).await;
    assert!(tokens.new_device_metadata.is_none());
    assert_eq!(device_claim(&tokens), device.device_key);

    // Without any device information the sign-in gets a new key, as before.
    let out = password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap();
    let tokens = answer_totp_as(&app, &client_id, ("alice", out), &secret, None).await;
    let fresh = tokens
        .new_device_metadata
        .clone()
        .expect("a new device key");
    assert_ne!(fresh.device_key(), Some(device.device_key.as_str()));
}

/// Bob naming Alice's device in InitiateAuth (and in his MFA answer) gets a device key of his
/// own, never hers.
async fn devices_key_of_another_user_in_initiate_auth_gets_a_fresh_key(app: TestApp) {
    let (pool_id, client_id, secret) = choice_pool(&app, false).await;
    let device = confirmed_device(&app, &client_id, "alice", &secret).await;
    app.confirmed_user(&pool_id, "bob", PASSWORD).await;
    let bob_secret = with_totp(&app, &pool_id, &client_id, "bob").await;

    for answered in [None, Some(device.device_key.as_str())] {
        let out = password_with_device(&app, &client_id, "bob", &device.device_key).await;
        let tokens = answer_totp_as(&app, &client_id, ("bob", out), &bob_secret, answered).await;
        let fresh = tokens
            .new_device_metadata
            .clone()
            .expect("a new device key");
        let fresh_key = fresh.device_key().unwrap();
        assert_ne!(fresh_key, device.device_key);
        assert_eq!(device_claim(&tokens), fresh_key);
    }
}

/// USER_AUTH with the password and a remembered device: DEVICE_SRP_AUTH in place of MFA, and
/// the tokens are that device's.
async fn devices_user_auth_remembered_device_gets_device_srp_auth(app: TestApp) {
    let (_, client_id, secret) = choice_pool(&app, true).await;
    let device = confirmed_device(&app, &client_id, "alice", &secret).await;
    let extra = [
        ("PREFERRED_CHALLENGE", "PASSWORD"),
        ("PASSWORD", PASSWORD),
        ("DEVICE_KEY", device.device_key.as_str()),
    ];
    let out = user_auth(&app, &client_id, &extra).await;
    let tokens = device_sign_in(&app, &client_id, &device, &out).await;
    assert!(tokens.new_device_metadata.is_none());
    assert_eq!(device_claim(&tokens), device.device_key);

    // Without the device key the same sign-in asks for MFA.
    let out = user_auth(&app, &client_id, &extra[..2]).await;
    assert_eq!(
        out.challenge_name,
        Some(ChallengeNameType::SoftwareTokenMfa)
    );
}

/// The device named in InitiateAuth is kept through SELECT_CHALLENGE: answered with the
/// password it is DEVICE_SRP_AUTH for a remembered device; with devices not standing in for
/// MFA, the TOTP answer after it signs in as that device.
async fn devices_user_auth_select_challenge_carries_the_device(app: TestApp) {
    let (_, client_id, secret) = choice_pool(&app, true).await;
    let device = confirmed_device(&app, &client_id, "alice", &secret).await;
    let select_then_password = |client_id: String, key: String| {
        let app = &app;
        async move {
            let out = user_auth(app, &client_id, &[("DEVICE_KEY", &key)]).await;
            assert_eq!(out.challenge_name, Some(ChallengeNameType::SelectChallenge));
            app.idp
                .respond_to_auth_challenge()
                .client_id(&client_id)
                .challenge_name(ChallengeNameType::SelectChallenge)
                .set_session(out.session)
                .challenge_responses("USERNAME", "alice")
                .challenge_responses("ANSWER", "PASSWORD")
                .challenge_responses("PASSWORD", PASSWORD)
                .send()
                .await
                .unwrap()
        }
    };
    let answered = select_then_password(client_id.clone(), device.device_key.clone()).await;
    let out = InitiateAuthOutput::builder()
        .set_challenge_name(answered.challenge_name)
        .set_session(answered.session)
        .build();
    let tokens = device_sign_in(&app, &client_id, &device, &out).await;
    assert_eq!(device_claim(&tokens), device.device_key);

    // A pool where devices do not stand in for MFA: the TOTP answer names the device.
    let (_, client_id, secret) = choice_pool(&app, false).await;
    let device = confirmed_device(&app, &client_id, "alice", &secret).await;
    let answered = select_then_password(client_id.clone(), device.device_key.clone()).await;
    let out = InitiateAuthOutput::builder()
        .set_challenge_name(answered.challenge_name)
        .set_session(answered.session)
        .build();
    let tokens = answer_totp_as(&app, &client_id, ("alice", out), &secret, None).await;
    assert!(tokens.new_device_metadata.is_none());
    assert_eq!(device_claim(&tokens), device.device_key);
}

/// A passwordless EMAIL_OTP sign-in has no MFA for a device to stand in for, but is tracked
/// like any sign-in: the key named in InitiateAuth is the tokens' device, no new one issued.
async fn devices_user_auth_email_otp_keeps_the_device(app: TestApp) {
    let (pool_id, client_id, secret) = choice_pool(&app, true).await;
    let device = confirmed_device(&app, &client_id, "alice", &secret).await;
    let extra = [
        ("PREFERRED_CHALLENGE", "EMAIL_OTP"),
        ("DEVICE_KEY", device.device_key.as_str()),
    ];
    let out = user_auth(&app, &client_id, &extra).await;
    assert_eq!(out.challenge_name, Some(ChallengeNameType::EmailOtp));
    let code = app.last_code(&pool_id, "alice").await;
    let tokens = app
        .idp
        .respond_to_auth_challenge()
        .client_id(&client_id)
        .challenge_name(ChallengeNameType::EmailOtp)
        .set_session(out.session)
        .challenge_responses("USERNAME", "alice")
        .challenge_responses("EMAIL_OTP_CODE", code)
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    assert!(tokens.new_device_metadata.is_none());
    assert_eq!(device_claim(&tokens), device.device_key);
}

/// USER_SRP_AUTH and USER_AUTH PASSWORD_SRP with DEVICE_KEY only in InitiateAuth: the sealed
/// secret block carries it, so the PASSWORD_VERIFIER answer without it still gets
/// DEVICE_SRP_AUTH for the remembered device.
async fn devices_srp_key_from_initiate_auth_is_carried_to_the_verifier(app: TestApp) {
    let (pool_id, client_id, secret) = choice_pool(&app, true).await;
    let device = confirmed_device(&app, &client_id, "alice", &secret).await;
    let flows = [
        (AuthFlowType::UserSrpAuth, None),
        (AuthFlowType::UserAuth, Some("PASSWORD_SRP")),
    ];
    for (flow, preferred) in flows {
        let client = SrpClient::new(&pool_id);
        let mut request = app
            .idp
            .initiate_auth()
            .client_id(&client_id)
            .auth_flow(flow)
            .auth_parameters("USERNAME", "alice")
            .auth_parameters("SRP_A", client.srp_a())
            .auth_parameters("DEVICE_KEY", &device.device_key);
        if let Some(factor) = preferred {
            request = request.auth_parameters("PREFERRED_CHALLENGE", factor);
        }
        let out = request.send().await.unwrap();
        assert_eq!(
            out.challenge_name,
            Some(ChallengeNameType::PasswordVerifier)
        );
        let challenge = SrpChallenge {
            client,
            parameters: out.challenge_parameters.unwrap_or_default(),
            session: out.session,
        };
        let answered = app
            .srp_answer(&client_id, &challenge, PASSWORD)
            .await
            .unwrap();
        let out = InitiateAuthOutput::builder()
            .set_challenge_name(answered.challenge_name)
            .set_session(answered.session)
            .build();
        let tokens = device_sign_in(&app, &client_id, &device, &out).await;
        assert_eq!(device_claim(&tokens), device.device_key);
    }
}

/// Gives `alice` a verified phone and SMS MFA beside her TOTP, neither preferred: her MFA
/// step becomes SELECT_MFA_TYPE.
async fn sms_beside_totp(app: &TestApp, pool_id: &str) {
    let sms = SmsConfigurationType::builder()
        .sns_caller_arn("arn:aws:iam::123456789012:role/sns")
        .build();
    app.idp
        .set_user_pool_mfa_config()
        .user_pool_id(pool_id)
        .sms_mfa_configuration(SmsMfaConfigType::builder().sms_configuration(sms).build())
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .mfa_configuration(UserPoolMfaType::Optional)
        .send()
        .await
        .unwrap();
    let attribute = |name: &str, value: &str| {
        AttributeType::builder()
            .name(name)
            .value(value)
            .build()
            .unwrap()
    };
    app.idp
        .admin_update_user_attributes()
        .user_pool_id(pool_id)
        .username("alice")
        .user_attributes(attribute("phone_number", "+15555550123"))
        .user_attributes(attribute("phone_number_verified", "true"))
        .send()
        .await
        .unwrap();
    app.idp
        .admin_set_user_mfa_preference()
        .user_pool_id(pool_id)
        .username("alice")
        .sms_mfa_settings(SmsMfaSettingsType::builder().enabled(true).build())
        .software_token_mfa_settings(
            SoftwareTokenMfaSettingsType::builder()
                .enabled(true)
                .preferred_mfa(false)
                .build(),
        )
        .send()
        .await
        .unwrap();
}

/// The key given only in InitiateAuth rides through SELECT_MFA_TYPE and the SMS_MFA code that
/// follows: the tokens are that device's, no new key.
async fn devices_key_is_carried_through_select_mfa_type_and_sms(app: TestApp) {
    let (pool_id, client_id, secret) = choice_pool(&app, false).await;
    let device = confirmed_device(&app, &client_id, "alice", &secret).await;
    sms_beside_totp(&app, &pool_id).await;

    let out = password_with_device(&app, &client_id, "alice", &device.device_key).await;
    assert_eq!(out.challenge_name, Some(ChallengeNameType::SelectMfaType));
    let answer = |challenge: ChallengeNameType, session: Option<String>, member, value: String| {
        app.idp
            .respond_to_auth_challenge()
            .client_id(&client_id)
            .challenge_name(challenge)
            .set_session(session)
            .challenge_responses("USERNAME", "alice")
            .challenge_responses(member, value)
            .send()
    };
    let chosen = answer(
        ChallengeNameType::SelectMfaType,
        out.session,
        "ANSWER",
        "SMS_MFA".to_string(),
    )
    .await
    .unwrap();
    assert_eq!(chosen.challenge_name, Some(ChallengeNameType::SmsMfa));
    let code = app.last_code(&pool_id, "alice").await;
    let tokens = answer(
        ChallengeNameType::SmsMfa,
        chosen.session,
        "SMS_MFA_CODE",
        code,
    )
    .await
    .unwrap()
    .authentication_result
    .unwrap();
    assert!(tokens.new_device_metadata.is_none());
    assert_eq!(device_claim(&tokens), device.device_key);
}

// ------------------------------------------------ NEW_PASSWORD_REQUIRED and MFA_SETUP

const TEMPORARY: &str = "Temp-Passw0rd!";

/// AdminSetUserPassword Permanent=false: `username` is in FORCE_CHANGE_PASSWORD again.
async fn force_change(app: &TestApp, pool_id: &str, username: &str) {
    app.idp
        .admin_set_user_password()
        .user_pool_id(pool_id)
        .username(username)
        .password(TEMPORARY)
        .permanent(false)
        .send()
        .await
        .unwrap();
}

/// USER_PASSWORD_AUTH with the temporary password (naming `device_key` when given), then the
/// NEW_PASSWORD_REQUIRED answer with `new_password` (naming `answered` when given).
async fn through_new_password(
    app: &TestApp,
    client_id: &str,
    (username, device_key): (&str, Option<&str>),
    new_password: &str,
    answered: Option<&str>,
) -> AuthenticationResultType {
    let mut request = app
        .idp
        .initiate_auth()
        .client_id(client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", TEMPORARY);
    if let Some(key) = device_key {
        request = request.auth_parameters("DEVICE_KEY", key);
    }
    let out = request.send().await.unwrap();
    assert_eq!(
        out.challenge_name,
        Some(ChallengeNameType::NewPasswordRequired)
    );
    let mut answer = app
        .idp
        .respond_to_auth_challenge()
        .client_id(client_id)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(out.session.unwrap())
        .challenge_responses("USERNAME", username)
        .challenge_responses("NEW_PASSWORD", new_password);
    if let Some(key) = answered {
        answer = answer.challenge_responses("DEVICE_KEY", key);
    }
    answer.send().await.unwrap().authentication_result.unwrap()
}

/// A confirmed device survives a forced password change: the key named only in InitiateAuth
/// is carried to the NEW_PASSWORD_REQUIRED answer (a key in the answer that is no device of
/// the user does not displace it), and one named only in the answer counts as well.
async fn devices_key_is_carried_through_new_password_required(app: TestApp) {
    let (pool_id, client_id) = pool_with_devices(&app, false, false).await;
    let device = remembered_device(&app, &client_id).await;
    let key = device.device_key.as_str();

    force_change(&app, &pool_id, "alice").await;
    let named = ("alice", Some(key));
    let tokens = through_new_password(
        &app,
        &client_id,
        named,
        "Next-Passw0rd!1",
        Some(UNKNOWN_KEY),
    )
    .await;
    assert!(tokens.new_device_metadata.is_none(), "no new device key");
    assert_eq!(device_claim(&tokens), key);

    force_change(&app, &pool_id, "alice").await;
    let tokens = through_new_password(
        &app,
        &client_id,
        ("alice", None),
        "Next-Passw0rd!2",
        Some(key),
    )
    .await;
    assert!(tokens.new_device_metadata.is_none(), "no new device key");
    assert_eq!(device_claim(&tokens), key);

    // Without any device information the sign-in gets a new key.
    force_change(&app, &pool_id, "alice").await;
    let tokens =
        through_new_password(&app, &client_id, ("alice", None), "Next-Passw0rd!3", None).await;
    let fresh = tokens.new_device_metadata.expect("a new device key");
    assert_ne!(fresh.device_key(), Some(key));
}

/// Bob naming Alice's device through his forced password change gets a key of his own.
async fn devices_key_of_another_user_through_new_password_gets_a_fresh_key(app: TestApp) {
    let (pool_id, client_id) = pool_with_devices(&app, false, false).await;
    let device = remembered_device(&app, &client_id).await;
    let key = device.device_key.as_str();
    app.confirmed_user(&pool_id, "bob", PASSWORD).await;
    force_change(&app, &pool_id, "bob").await;

    let named = ("bob", Some(key));
    let tokens = through_new_password(&app, &client_id, named, "Next-Passw0rd!1", Some(key)).await;
    let fresh = tokens
        .new_device_metadata
        .clone()
        .expect("a new device key");
    let fresh_key = fresh.device_key().unwrap();
    assert_ne!(fresh_key, key);
    assert_eq!(device_claim(&tokens), fresh_key);
}

/// MFA turned ON after Alice confirmed a device: the key she names in InitiateAuth is carried
/// through MFA_SETUP (AssociateSoftwareToken, VerifySoftwareToken) to the tokens.
async fn devices_key_is_carried_through_mfa_setup(app: TestApp) {
    let (pool_id, client_id) = pool_with_devices(&app, false, false).await;
    let device = remembered_device(&app, &client_id).await;
    app.idp
        .set_user_pool_mfa_config()
        .user_pool_id(&pool_id)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .mfa_configuration(UserPoolMfaType::On)
        .send()
        .await
        .unwrap();

    let out = password_with_device(&app, &client_id, "alice", &device.device_key).await;
    assert_eq!(out.challenge_name, Some(ChallengeNameType::MfaSetup));
    let associated = app
        .idp
        .associate_software_token()
        .session(out.session.unwrap())
        .send()
        .await
        .unwrap();
    let secret = associated.secret_code.unwrap();
    let verified = app
        .idp
        .verify_software_token()
        .session(associated.session.unwrap())
        .user_code(totp_code(&secret, now(&app)))
        .send()
        .await
        .unwrap();
    let tokens = app
        .idp
        .respond_to_auth_challenge()
        .client_id(&client_id)
        .challenge_name(ChallengeNameType::MfaSetup)
        .session(verified.session.unwrap())
        .challenge_responses("USERNAME", "alice")
        .challenge_responses("DEVICE_KEY", UNKNOWN_KEY)
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    assert!(tokens.new_device_metadata.is_none(), "no new device key");
    assert_eq!(device_claim(&tokens), device.device_key);
}
