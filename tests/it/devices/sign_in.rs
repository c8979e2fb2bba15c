//! Signing in through a remembered device: metadata, refresh binding, the device SRP
//! challenges in place of TOTP MFA, wrong proofs and lockout, and what ends the shortcut.

use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ChallengeNameType, DeviceRememberedStatusType,
};
use cognate_testkit::srp_client::{SrpClient, srp_timestamp};
use cognate_testkit::{PASSWORD, TestApp, backend_tests};

use super::*;
use crate::auth::{claims, error_of, fixture, password_auth};

backend_tests!(
    devices_metadata_only_when_the_pool_tracks_devices,
    devices_refresh_tokens_are_bound_to_their_device,
    devices_no_shortcut_unless_challenge_required_on_new_device,
    devices_remembered_device_skips_totp,
    devices_remembered_device_after_srp_and_admin_auth,
    devices_wrong_proof_is_refused_and_single_use,
    devices_answers_without_a_session_as_pycognito,
    devices_wrong_proofs_count_toward_lockout,
    devices_forgotten_or_not_remembered_get_mfa,
    devices_key_of_another_user_is_unusable,
    devices_sign_in_from_a_confirmed_device_gets_no_new_key,
    devices_no_mfa_sign_in_from_a_confirmed_device_keeps_its_key,
    devices_disabling_the_account_ends_a_device_sign_in,
);

async fn devices_metadata_only_when_the_pool_tracks_devices(app: TestApp) {
    let (_, untracked_client) = fixture(&app).await;
    let plain = tokens_of(
        password_auth(&app, &untracked_client, "alice", PASSWORD)
            .await
            .unwrap(),
    );
    assert!(plain.new_device_metadata.is_none());
    assert!(claims(plain.access_token().unwrap())["device_key"].is_null());

    let (_, client_id) = tracked_pool(&app, false).await;
    let first = tokens_of(
        password_auth(&app, &client_id, "alice", PASSWORD)
            .await
            .unwrap(),
    );
    let metadata = first.new_device_metadata.clone().unwrap();
    let key = metadata.device_key().unwrap();
    let (region, id) = key.split_once('_').unwrap();
    assert_eq!(region, "us-east-1");
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{key}");
    assert!(!metadata.device_group_key().unwrap().is_empty());
    assert_eq!(claims(first.access_token().unwrap())["device_key"], key);
    let second = tokens_of(
        password_auth(&app, &client_id, "alice", PASSWORD)
            .await
            .unwrap(),
    );
    assert_ne!(
        second.new_device_metadata.unwrap().device_key(),
        Some(key),
        "every sign-in without a device gets its own key"
    );
}

async fn devices_refresh_tokens_are_bound_to_their_device(app: TestApp) {
    let (_, client_id) = tracked_pool(&app, false).await;
    let tokens = tokens_of(
        password_auth(&app, &client_id, "alice", PASSWORD)
            .await
            .unwrap(),
    );
    let refresh_token = tokens.refresh_token().unwrap();
    let key = tokens.new_device_metadata().unwrap().device_key().unwrap();
    let refresh = |device_key: Option<&str>| {
        app.idp
            .initiate_auth()
            .client_id(&client_id)
            .auth_flow(AuthFlowType::RefreshTokenAuth)
            .set_auth_parameters(Some(
                [
                    ("REFRESH_TOKEN", Some(refresh_token)),
                    ("DEVICE_KEY", device_key),
                ]
                .into_iter()
                .filter_map(|(k, v)| Some((k.to_string(), v?.to_string())))
                .collect(),
            ))
            .send()
    };
    let invalid = (
        "NotAuthorizedException".to_string(),
        "Invalid Refresh Token".to_string(),
    );
    assert_eq!(
        error_of(refresh(Some(key)).await),
        invalid,
        "not confirmed yet"
    );
    let device = remember(&app, &tokens).await;
    assert_eq!(
        error_of(refresh(None).await),
        invalid,
        "the device key is required"
    );
    assert_eq!(error_of(refresh(Some(UNKNOWN_KEY)).await), invalid);
    let refreshed = tokens_of(refresh(Some(&device.device_key)).await.unwrap());
    assert!(
        refreshed.new_device_metadata.is_none(),
        "a refresh is no new sign-in"
    );
    assert!(refreshed.refresh_token.is_none());
    assert_eq!(
        claims(refreshed.access_token().unwrap())["device_key"],
        device.device_key.as_str()
    );
    app.idp
        .forget_device()
        .access_token(tokens.access_token().unwrap())
        .device_key(&device.device_key)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_of(refresh(Some(&device.device_key)).await),
        invalid,
        "a forgotten device's tokens no longer refresh"
    );
}

async fn devices_no_shortcut_unless_challenge_required_on_new_device(app: TestApp) {
    let (pool_id, client_id) = pool_with_devices(&app, false, false).await;
    let secret = with_totp(&app, &pool_id, &client_id, "alice").await;
    let first = password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap();
    let tokens = answer_totp(&app, &client_id, first, &secret).await;
    let device = remember(&app, &tokens).await;
    // Remembered, but the pool does not let devices stand in for MFA.
    let out = password_with_device(&app, &client_id, "alice", &device.device_key).await;
    answer_totp(&app, &client_id, out, &secret).await;
}

async fn devices_remembered_device_skips_totp(app: TestApp) {
    let (pool_id, client_id) = tracked_pool(&app, false).await;
    let secret = with_totp(&app, &pool_id, &client_id, "alice").await;
    let first = password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap();
    let tokens = answer_totp(&app, &client_id, first, &secret).await;
    let device = remember(&app, &tokens).await;

    let out = password_with_device(&app, &client_id, "alice", &device.device_key).await;
    assert_eq!(
        out.challenge_parameters.clone().unwrap_or_default().len(),
        0
    );
    let session = device_srp_session(&out);
    let challenge = app
        .device_srp_auth(&client_id, "alice", &device, Some(&session))
        .await
        .unwrap();
    for name in ["SRP_B", "SALT", "SECRET_BLOCK", "USERNAME"] {
        assert!(challenge.parameters.contains_key(name), "{name}");
    }
    assert!(challenge.session.is_some());
    app.clock.advance_secs(120);
    let done = app
        .device_verifier_answer(&client_id, "alice", &device, &challenge)
        .await
        .unwrap();
    assert_eq!(done.challenge_name, None, "no MFA after the device proof");
    let result = done.authentication_result.unwrap();
    assert!(
        result.new_device_metadata.is_none(),
        "a known device gets no new key"
    );
    assert!(result.refresh_token.is_some());
    let access = result.access_token.unwrap();
    assert_eq!(claims(&access)["device_key"], device.device_key.as_str());
    let stored = get_device(&app, &access, &device.device_key).await.unwrap();
    assert!(
        stored.device_last_authenticated_date.unwrap() > stored.device_create_date.unwrap(),
        "the device sign-in is recorded"
    );
    // Without the device, MFA as before.
    let without = password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap();
    assert_eq!(
        without.challenge_name,
        Some(ChallengeNameType::SoftwareTokenMfa)
    );
}

async fn devices_remembered_device_after_srp_and_admin_auth(app: TestApp) {
    let (pool_id, client_id) = tracked_pool(&app, false).await;
    let device = remembered_device(&app, &client_id).await;

    // USER_SRP_AUTH: DEVICE_KEY in the PASSWORD_VERIFIER answer.
    let challenge = app.srp_challenge(&pool_id, &client_id, "alice").await;
    let timestamp = srp_timestamp(now(&app));
    let signature = challenge
        .client
        .signature(PASSWORD, &challenge.parameters, &timestamp);
    let out = app
        .idp
        .respond_to_auth_challenge()
        .client_id(&client_id)
        .challenge_name(ChallengeNameType::PasswordVerifier)
        .challenge_responses("USERNAME", &challenge.parameters["USER_ID_FOR_SRP"])
        .challenge_responses(
            "PASSWORD_CLAIM_SECRET_BLOCK",
            &challenge.parameters["SECRET_BLOCK"],
        )
        .challenge_responses("PASSWORD_CLAIM_SIGNATURE", signature)
        .challenge_responses("TIMESTAMP", timestamp)
        .challenge_responses("DEVICE_KEY", &device.device_key)
        .send()
        .await
        .unwrap();
    assert_eq!(out.challenge_name, Some(ChallengeNameType::DeviceSrpAuth));
    let done = app
        .device_sign_in(&client_id, "alice", &device, Some(&out.session.unwrap()))
        .await
        .unwrap();
    assert!(done.authentication_result.is_some());

    // ADMIN_USER_PASSWORD_AUTH, answered through AdminRespondToAuthChallenge.
    let out = app
        .idp
        .admin_initiate_auth()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("PASSWORD", PASSWORD)
        .auth_parameters("DEVICE_KEY", &device.device_key)
        .send()
        .await
        .unwrap();
    assert_eq!(out.challenge_name, Some(ChallengeNameType::DeviceSrpAuth));
    let srp = SrpClient::with_pool_name(&device.group_key);
    let next = app
        .idp
        .admin_respond_to_auth_challenge()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .challenge_name(ChallengeNameType::DeviceSrpAuth)
        .session(out.session.unwrap())
        .challenge_responses("USERNAME", "alice")
        .challenge_responses("DEVICE_KEY", &device.device_key)
        .challenge_responses("SRP_A", srp.srp_a())
        .send()
        .await
        .unwrap();
    assert_eq!(
        next.challenge_name,
        Some(ChallengeNameType::DevicePasswordVerifier)
    );
    let mut parameters = next.challenge_parameters.unwrap();
    parameters.insert("USER_ID_FOR_SRP".into(), device.device_key.clone());
    let timestamp = srp_timestamp(now(&app));
    let signature = srp.signature(&device.password, &parameters, &timestamp);
    let done = app
        .idp
        .admin_respond_to_auth_challenge()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .challenge_name(ChallengeNameType::DevicePasswordVerifier)
        .set_session(next.session)
        .challenge_responses("USERNAME", "alice")
        .challenge_responses("DEVICE_KEY", &device.device_key)
        .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &parameters["SECRET_BLOCK"])
        .challenge_responses("PASSWORD_CLAIM_SIGNATURE", signature)
        .challenge_responses("TIMESTAMP", timestamp)
        .send()
        .await
        .unwrap();
    assert!(done.authentication_result.is_some());
}

async fn devices_wrong_proof_is_refused_and_single_use(app: TestApp) {
    let (_, client_id) = tracked_pool(&app, false).await;
    let device = remembered_device(&app, &client_id).await;

    // DEVICE_SRP_AUTH needs the session of a correct password.
    let forged = app
        .device_srp_auth(&client_id, "alice", &device, Some("made-up.99999999999999"))
        .await;
    assert_eq!(error_of(forged).0, "NotAuthorizedException");

    let out = password_with_device(&app, &client_id, "alice", &device.device_key).await;
    let session = device_srp_session(&out);
    let challenge = app
        .device_srp_auth(&client_id, "alice", &device, Some(&session))
        .await
        .unwrap();
    // The DEVICE_SRP_AUTH session answered once.
    let again = app
        .device_srp_auth(&client_id, "alice", &device, Some(&session))
        .await;
    assert_eq!(error_of(again).0, "NotAuthorizedException");
    let wrong = app
        .device_verifier_answer(
            &client_id,
            "alice",
            &device.with_wrong_password(),
            &challenge,
        )
        .await;
    assert_eq!(
        error_of(wrong),
        (
            "NotAuthorizedException".into(),
            "Incorrect username or password.".into()
        )
    );
    // The secret block answered once, even with the right proof.
    let replay = app
        .device_verifier_answer(&client_id, "alice", &device, &challenge)
        .await;
    assert_eq!(error_of(replay).0, "NotAuthorizedException");

    // A proof signed too far from the server's clock is refused like a wrong one.
    let out = password_with_device(&app, &client_id, "alice", &device.device_key).await;
    let challenge = app
        .device_srp_auth(
            &client_id,
            "alice",
            &device,
            Some(&device_srp_session(&out)),
        )
        .await
        .unwrap();
    let stale_timestamp = srp_timestamp(now(&app) - 400);
    let mut parameters = challenge.parameters.clone();
    parameters.insert("USER_ID_FOR_SRP".into(), device.device_key.clone());
    let signature = challenge
        .client
        .signature(&device.password, &parameters, &stale_timestamp);
    let skewed = app
        .idp
        .respond_to_auth_challenge()
        .client_id(&client_id)
        .challenge_name(ChallengeNameType::DevicePasswordVerifier)
        .set_session(challenge.session.clone())
        .challenge_responses("USERNAME", "alice")
        .challenge_responses("DEVICE_KEY", &device.device_key)
        .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &parameters["SECRET_BLOCK"])
        .challenge_responses("PASSWORD_CLAIM_SIGNATURE", signature)
        .challenge_responses("TIMESTAMP", stale_timestamp)
        .send()
        .await;
    assert_eq!(error_of(skewed).0, "NotAuthorizedException");

    // And the right proof on a fresh challenge signs in.
    let out = password_with_device(&app, &client_id, "alice", &device.device_key).await;
    let done = app
        .device_sign_in(
            &client_id,
            "alice",
            &device,
            Some(&device_srp_session(&out)),
        )
        .await
        .unwrap();
    assert!(done.authentication_result.is_some());
}

async fn devices_answers_without_a_session_as_pycognito(app: TestApp) {
    let (_, client_id) = tracked_pool(&app, false).await;
    let device = remembered_device(&app, &client_id).await;
    // No password step yet: the device secret alone is no sign-in.
    let alone = app
        .device_srp_auth(&client_id, "alice", &device, None)
        .await;
    assert_eq!(error_of(alone).0, "NotAuthorizedException");
    let out = password_with_device(&app, &client_id, "alice", &device.device_key).await;
    device_srp_session(&out);
    let mut challenge = app
        .device_srp_auth(&client_id, "alice", &device, None)
        .await
        .unwrap();
    challenge.session = None;
    let done = app
        .device_verifier_answer(&client_id, "alice", &device, &challenge)
        .await
        .unwrap();
    assert!(done.authentication_result.is_some());
    // The password step's session was used up by that answer.
    let again = app
        .device_srp_auth(&client_id, "alice", &device, None)
        .await;
    assert_eq!(error_of(again).0, "NotAuthorizedException");
}

async fn devices_wrong_proofs_count_toward_lockout(app: TestApp) {
    let (_, client_id) = tracked_pool(&app, false).await;
    let device = remembered_device(&app, &client_id).await;
    let wrong = device.with_wrong_password();
    // Five challenges after five correct passwords, then five wrong proofs in a row.
    let mut challenges = Vec::new();
    for _ in 0..5 {
        let out = password_with_device(&app, &client_id, "alice", &device.device_key).await;
        let session = device_srp_session(&out);
        challenges.push(
            app.device_srp_auth(&client_id, "alice", &device, Some(&session))
                .await
                .unwrap(),
        );
    }
    for challenge in &challenges {
        let refused = app
            .device_verifier_answer(&client_id, "alice", &wrong, challenge)
            .await;
        assert_eq!(error_of(refused).0, "NotAuthorizedException");
    }
    let locked = password_auth(&app, &client_id, "alice", PASSWORD).await;
    assert_eq!(
        error_of(locked),
        (
            "NotAuthorizedException".into(),
            "Password attempts exceeded".into()
        )
    );
}

async fn devices_forgotten_or_not_remembered_get_mfa(app: TestApp) {
    let (pool_id, client_id) = tracked_pool(&app, false).await;
    let secret = with_totp(&app, &pool_id, &client_id, "alice").await;
    let first = password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap();
    let tokens = answer_totp(&app, &client_id, first, &secret).await;
    let device = remember(&app, &tokens).await;
    let access = tokens.access_token().unwrap();
    let set_status = |status: DeviceRememberedStatusType| {
        app.idp
            .update_device_status()
            .access_token(access)
            .device_key(&device.device_key)
            .device_remembered_status(status)
            .send()
    };

    set_status(DeviceRememberedStatusType::NotRemembered)
        .await
        .unwrap();
    let stored = get_device(&app, access, &device.device_key).await.unwrap();
    assert_eq!(
        attribute(&stored, "device_remembered_status"),
        Some("not_remembered")
    );
    let out = password_with_device(&app, &client_id, "alice", &device.device_key).await;
    answer_totp(&app, &client_id, out, &secret).await;

    set_status(DeviceRememberedStatusType::Remembered)
        .await
        .unwrap();
    let out = password_with_device(&app, &client_id, "alice", &device.device_key).await;
    let pending = device_srp_session(&out);

    app.idp
        .forget_device()
        .access_token(access)
        .device_key(&device.device_key)
        .send()
        .await
        .unwrap();
    // A challenge handed out before the device was forgotten no longer completes.
    let stale = app
        .device_srp_auth(&client_id, "alice", &device, Some(&pending))
        .await;
    assert_eq!(error_of(stale).0, "ResourceNotFoundException");
    let out = password_with_device(&app, &client_id, "alice", &device.device_key).await;
    answer_totp(&app, &client_id, out, &secret).await;
    assert_eq!(
        get_device(&app, access, &device.device_key).await,
        Err("ResourceNotFoundException".into())
    );
}

async fn devices_key_of_another_user_is_unusable(app: TestApp) {
    let (pool_id, client_id) = tracked_pool(&app, false).await;
    app.confirmed_user(&pool_id, "bob", PASSWORD).await;
    let device = remembered_device(&app, &client_id).await;

    let bob = tokens_of(
        password_auth(&app, &client_id, "bob", PASSWORD)
            .await
            .unwrap(),
    );
    let taken = app
        .idp
        .confirm_device()
        .access_token(bob.access_token().unwrap())
        .device_key(&device.device_key)
        .device_secret_verifier_config(device.verifier_config())
        .send()
        .await;
    assert_eq!(error_of(taken).0, "ResourceNotFoundException");
    assert_eq!(
        get_device(&app, bob.access_token().unwrap(), &device.device_key).await,
        Err("ResourceNotFoundException".into())
    );
    let admin = app
        .idp
        .admin_get_device()
        .user_pool_id(&pool_id)
        .username("bob")
        .device_key(&device.device_key)
        .send()
        .await;
    assert_eq!(error_of(admin).0, "ResourceNotFoundException");
    // Bob naming Alice's device signs in as usual, without a device challenge.
    let out = password_with_device(&app, &client_id, "bob", &device.device_key).await;
    assert_eq!(out.challenge_name, None);
    // Alice's device challenge cannot be answered as Bob.
    let out = password_with_device(&app, &client_id, "alice", &device.device_key).await;
    let session = device_srp_session(&out);
    let as_bob = app
        .device_srp_auth(&client_id, "bob", &device, Some(&session))
        .await;
    assert_eq!(error_of(as_bob).0, "NotAuthorizedException");
    let challenge = app
        .device_srp_auth(&client_id, "alice", &device, Some(&session))
        .await
        .unwrap();
    let answered_as_bob = app
        .device_verifier_answer(&client_id, "bob", &device, &challenge)
        .await;
    assert_eq!(error_of(answered_as_bob).0, "NotAuthorizedException");
}

/// AWS hands a device key only to sign-ins without device information: one that names a
/// confirmed device of the user (the MFA answer carries DEVICE_KEY, as
/// amazon-cognito-identity-js sends it) is that device's sign-in, even when the device is not
/// remembered; a key the user has no device for gets a fresh one.
async fn devices_sign_in_from_a_confirmed_device_gets_no_new_key(app: TestApp) {
    let (pool_id, client_id) = tracked_pool(&app, false).await;
    let secret = with_totp(&app, &pool_id, &client_id, "alice").await;
    let first = password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap();
    let tokens = answer_totp(&app, &client_id, first, &secret).await;
    let device = remember(&app, &tokens).await;
    app.idp
        .update_device_status()
        .access_token(tokens.access_token().unwrap())
        .device_key(&device.device_key)
        .device_remembered_status(DeviceRememberedStatusType::NotRemembered)
        .send()
        .await
        .unwrap();
    let answer_naming = |key: String| {
        let app = &app;
        let client_id = &client_id;
        let secret = &secret;
        async move {
            let out = password_with_device(app, client_id, "alice", &key).await;
            assert_eq!(
                out.challenge_name,
                Some(ChallengeNameType::SoftwareTokenMfa),
                "a device that is not remembered does not replace MFA"
            );
            app.clock.advance_secs(30);
            app.idp
                .respond_to_auth_challenge()
                .client_id(client_id)
                .challenge_name(ChallengeNameType::SoftwareTokenMfa)
                .session(out.session.unwrap())
                .challenge_responses("USERNAME", "alice")
                .challenge_responses("SOFTWARE_TOKEN_MFA_CODE", totp_code(secret, now(app)))
                .challenge_responses("DEVICE_KEY", key)
                .send()
                .await
                .unwrap()
                .authentication_result
                .unwrap()
        }
    };

    let on_device = answer_naming(device.device_key.clone()).await;
    assert!(on_device.new_device_metadata.is_none());
    assert_eq!(
        claims(on_device.access_token().unwrap())["device_key"],
        device.device_key.as_str()
    );
    let refreshed = app
        .idp
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", on_device.refresh_token().unwrap())
        .auth_parameters("DEVICE_KEY", &device.device_key)
        .send()
        .await;
    assert!(refreshed.is_ok(), "its refresh token is the device's");

    let elsewhere = answer_naming(UNKNOWN_KEY.to_string()).await;
    let fresh = elsewhere.new_device_metadata.expect("a new device key");
    assert_ne!(fresh.device_key(), Some(UNKNOWN_KEY));
    assert_ne!(fresh.device_key(), Some(device.device_key.as_str()));
}

/// Without MFA (and with devices not standing in for it) a password sign-in that names a
/// confirmed device signs in as that device, with no challenge and no new key.
async fn devices_no_mfa_sign_in_from_a_confirmed_device_keeps_its_key(app: TestApp) {
    let (_, client_id) = pool_with_devices(&app, false, false).await;
    let device = remembered_device(&app, &client_id).await;
    let out = password_with_device(&app, &client_id, "alice", &device.device_key).await;
    assert_eq!(out.challenge_name, None);
    let tokens = tokens_of(out);
    assert!(tokens.new_device_metadata.is_none());
    assert_eq!(
        claims(tokens.access_token().unwrap())["device_key"],
        device.device_key.as_str()
    );
}

/// Disabling the account between the device challenge and its answer ends that sign-in: the
/// right proof is refused, the device keeps its last sign-in date, and enabling the account
/// again does not revive the challenge.
async fn devices_disabling_the_account_ends_a_device_sign_in(app: TestApp) {
    let (pool_id, client_id) = tracked_pool(&app, false).await;
    let device = remembered_device(&app, &client_id).await;
    let out = password_with_device(&app, &client_id, "alice", &device.device_key).await;
    let challenge = app
        .device_srp_auth(
            &client_id,
            "alice",
            &device,
            Some(&device_srp_session(&out)),
        )
        .await
        .unwrap();
    let last_authenticated = || async {
        app.idp
            .admin_get_device()
            .user_pool_id(&pool_id)
            .username("alice")
            .device_key(&device.device_key)
            .send()
            .await
            .unwrap()
            .device
            .unwrap()
            .device_last_authenticated_date
            .unwrap()
    };
    let before = last_authenticated().await;
    app.clock.advance_secs(60);
    app.idp
        .admin_disable_user()
        .user_pool_id(&pool_id)
        .username("alice")
        .send()
        .await
        .unwrap();
    let refused = app
        .device_verifier_answer(&client_id, "alice", &device, &challenge)
        .await;
    assert_eq!(error_of(refused).0, "NotAuthorizedException");
    assert_eq!(last_authenticated().await, before);

    app.idp
        .admin_enable_user()
        .user_pool_id(&pool_id)
        .username("alice")
        .send()
        .await
        .unwrap();
    let revived = app
        .device_verifier_answer(&client_id, "alice", &device, &challenge)
        .await;
    assert_eq!(error_of(revived).0, "NotAuthorizedException");
    assert_eq!(last_authenticated().await, before);
}
