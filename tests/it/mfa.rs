//! Software-token MFA: the pool's MFA configuration, AssociateSoftwareToken and
//! VerifySoftwareToken (RFC 6238 with the test clock), (Admin)SetUserMFAPreference, and the
//! SOFTWARE_TOKEN_MFA challenge after password and SRP sign-in, on both backends.

use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ChallengeNameType, SoftwareTokenMfaConfigType, SoftwareTokenMfaSettingsType,
    UserPoolMfaType,
};
use cognate_domain::Clock as _;
use cognate_testkit::totp_client::totp_code;
use cognate_testkit::{PASSWORD, TestApp, backend_tests};

use crate::auth::{error_of, fixture, password_auth};

backend_tests!(
    mfa_pool_config_round_trip,
    mfa_totp_association_and_sign_in,
    mfa_totp_after_srp,
    mfa_admin_preference,
    mfa_setup_when_required,
);

async fn enable_pool_totp(app: &TestApp, pool_id: &str, mode: UserPoolMfaType) {
    let out = app
        .idp
        .set_user_pool_mfa_config()
        .user_pool_id(pool_id)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .mfa_configuration(mode.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(out.mfa_configuration, Some(mode));
}

fn now(app: &TestApp) -> i64 {
    app.clock.now().secs()
}

/// Signs in with the password, associates and verifies a token: the secret (base32).
async fn verified_token(app: &TestApp, client_id: &str) -> (String, String) {
    let tokens = password_auth(app, client_id, "alice", PASSWORD)
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    let access = tokens.access_token.unwrap();
    let secret = app
        .idp
        .associate_software_token()
        .access_token(&access)
        .send()
        .await
        .unwrap()
        .secret_code
        .unwrap();
    assert!(
        secret.len() >= 32
            && secret
                .bytes()
                .all(|b| b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".contains(&b)),
        "{secret}"
    );
    let wrong = format!(
        "{:06}",
        (totp_code(&secret, now(app)).parse::<u32>().unwrap() + 1) % 1_000_000
    );
    let refused = app
        .idp
        .verify_software_token()
        .access_token(&access)
        .user_code(wrong)
        .send()
        .await;
    assert_eq!(error_of(refused).0, "EnableSoftwareTokenMFAException");
    let verified = app
        .idp
        .verify_software_token()
        .access_token(&access)
        .user_code(totp_code(&secret, now(app)))
        .friendly_device_name("phone")
        .send()
        .await
        .unwrap();
    assert_eq!(
        verified.status,
        Some(aws_sdk_cognitoidentityprovider::types::VerifySoftwareTokenResponseType::Success)
    );
    (secret, access)
}

async fn prefer_totp(app: &TestApp, access: &str, on: bool) {
    app.idp
        .set_user_mfa_preference()
        .access_token(access)
        .software_token_mfa_settings(
            SoftwareTokenMfaSettingsType::builder()
                .enabled(on)
                .preferred_mfa(on)
                .build(),
        )
        .send()
        .await
        .unwrap();
}

async fn answer_totp(
    app: &TestApp,
    client_id: &str,
    session: &str,
    code: &str,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput,
    aws_sdk_cognitoidentityprovider::error::SdkError<
        aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeError,
    >,
>{
    app.idp
        .respond_to_auth_challenge()
        .client_id(client_id)
        .challenge_name(ChallengeNameType::SoftwareTokenMfa)
        .session(session)
        .challenge_responses("USERNAME", "alice")
        .challenge_responses("SOFTWARE_TOKEN_MFA_CODE", code)
        .send()
        .await
}

async fn mfa_pool_config_round_trip(app: TestApp) {
    let (pool_id, _) = fixture(&app).await;
    let refused = app
        .idp
        .set_user_pool_mfa_config()
        .user_pool_id(&pool_id)
        .mfa_configuration(UserPoolMfaType::On)
        .send()
        .await;
    assert_eq!(error_of(refused).0, "InvalidParameterException");
    enable_pool_totp(&app, &pool_id, UserPoolMfaType::Optional).await;
    let got = app
        .idp
        .get_user_pool_mfa_config()
        .user_pool_id(&pool_id)
        .send()
        .await
        .unwrap();
    assert_eq!(got.mfa_configuration, Some(UserPoolMfaType::Optional));
    assert_eq!(
        got.software_token_mfa_configuration.map(|c| c.enabled),
        Some(true)
    );
    let described = app
        .idp
        .describe_user_pool()
        .user_pool_id(&pool_id)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    assert_eq!(described.mfa_configuration, Some(UserPoolMfaType::Optional));
}

async fn mfa_totp_association_and_sign_in(app: TestApp) {
    let (pool_id, client_id) = fixture(&app).await;
    enable_pool_totp(&app, &pool_id, UserPoolMfaType::Optional).await;
    let (secret, access) = verified_token(&app, &client_id).await;
    // Verified but not enabled: no challenge yet, and GetUser lists no factor.
    let user = app
        .idp
        .get_user()
        .access_token(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(user.preferred_mfa_setting, None);
    assert!(
        password_auth(&app, &client_id, "alice", PASSWORD)
            .await
            .unwrap()
            .authentication_result
            .is_some()
    );
    prefer_totp(&app, &access, true).await;
    let user = app
        .idp
        .get_user()
        .access_token(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(
        user.preferred_mfa_setting.as_deref(),
        Some("SOFTWARE_TOKEN_MFA")
    );
    assert_eq!(
        user.user_mfa_setting_list,
        Some(vec!["SOFTWARE_TOKEN_MFA".to_string()])
    );
    let challenge = password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap();
    assert_eq!(
        challenge.challenge_name,
        Some(ChallengeNameType::SoftwareTokenMfa)
    );
    // As AWS: the token's FriendlyDeviceName and the user's name (Amplify files the device
    // key it remembers under USER_ID_FOR_SRP).
    let parameters = challenge.challenge_parameters.clone().unwrap();
    assert_eq!(parameters.len(), 2);
    assert_eq!(parameters["FRIENDLY_DEVICE_NAME"], "phone");
    assert_eq!(parameters["USER_ID_FOR_SRP"], "alice");
    let session = challenge.session.unwrap();
    // The code VerifySoftwareToken used is used up.
    let reused = answer_totp(&app, &client_id, &session, &totp_code(&secret, now(&app))).await;
    assert_eq!(
        error_of(reused),
        (
            "CodeMismatchException".into(),
            "Invalid code received for user".into()
        )
    );
    app.clock.advance_secs(30);
    let done = answer_totp(&app, &client_id, &session, &totp_code(&secret, now(&app)))
        .await
        .unwrap();
    assert!(done.authentication_result.is_some());
    // The session answered once.
    let again = answer_totp(&app, &client_id, &session, &totp_code(&secret, now(&app))).await;
    assert_eq!(error_of(again).0, "NotAuthorizedException");
}

async fn mfa_totp_after_srp(app: TestApp) {
    let (pool_id, client_id) = fixture(&app).await;
    enable_pool_totp(&app, &pool_id, UserPoolMfaType::Optional).await;
    let (secret, access) = verified_token(&app, &client_id).await;
    prefer_totp(&app, &access, true).await;
    let out = app
        .srp_sign_in(&pool_id, &client_id, "alice", PASSWORD)
        .await
        .unwrap();
    assert_eq!(
        out.challenge_name,
        Some(ChallengeNameType::SoftwareTokenMfa)
    );
    app.clock.advance_secs(30);
    let done = answer_totp(
        &app,
        &client_id,
        &out.session.unwrap(),
        &totp_code(&secret, now(&app)),
    )
    .await
    .unwrap();
    assert!(done.authentication_result.is_some());
}

async fn mfa_admin_preference(app: TestApp) {
    let (pool_id, client_id) = fixture(&app).await;
    enable_pool_totp(&app, &pool_id, UserPoolMfaType::Optional).await;
    let settings = |on: bool| {
        SoftwareTokenMfaSettingsType::builder()
            .enabled(on)
            .preferred_mfa(on)
            .build()
    };
    let unverified = app
        .idp
        .admin_set_user_mfa_preference()
        .user_pool_id(&pool_id)
        .username("alice")
        .software_token_mfa_settings(settings(true))
        .send()
        .await;
    assert_eq!(error_of(unverified).0, "InvalidParameterException");
    verified_token(&app, &client_id).await;
    for on in [true, false] {
        app.idp
            .admin_set_user_mfa_preference()
            .user_pool_id(&pool_id)
            .username("alice")
            .software_token_mfa_settings(settings(on))
            .send()
            .await
            .unwrap();
        let user = app
            .idp
            .admin_get_user()
            .user_pool_id(&pool_id)
            .username("alice")
            .send()
            .await
            .unwrap();
        let expected = on.then(|| "SOFTWARE_TOKEN_MFA".to_string());
        assert_eq!(user.preferred_mfa_setting, expected);
    }
    let out = app
        .idp
        .admin_initiate_auth()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    assert!(out.authentication_result.is_some(), "MFA off again: tokens");
}

async fn mfa_setup_when_required(app: TestApp) {
    let (pool_id, client_id) = fixture(&app).await;
    enable_pool_totp(&app, &pool_id, UserPoolMfaType::On).await;
    let challenge = password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap();
    assert_eq!(challenge.challenge_name, Some(ChallengeNameType::MfaSetup));
    let parameters = challenge.challenge_parameters.unwrap();
    assert_eq!(parameters["MFAS_CAN_SETUP"], "[\"SOFTWARE_TOKEN_MFA\"]");
    assert_eq!(parameters["USER_ID_FOR_SRP"], "alice");
    let session = challenge.session.unwrap();
    let setup = |session: String| {
        app.idp
            .respond_to_auth_challenge()
            .client_id(&client_id)
            .challenge_name(ChallengeNameType::MfaSetup)
            .session(session)
            .challenge_responses("USERNAME", "alice")
            .send()
    };
    // Nothing verified yet: no tokens.
    assert_eq!(
        error_of(setup(session.clone()).await).0,
        "InvalidParameterException"
    );
    let associated = app
        .idp
        .associate_software_token()
        .session(&session)
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
    let done = setup(verified.session.unwrap()).await.unwrap();
    assert!(done.authentication_result.is_some());
    // From now on the token is asked for.
    let next = password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap();
    assert_eq!(
        next.challenge_name,
        Some(ChallengeNameType::SoftwareTokenMfa)
    );
    let forged = app
        .idp
        .associate_software_token()
        .session("not-a-session-not-a-session")
        .send()
        .await;
    assert_eq!(error_of(forged).0, "NotAuthorizedException");
}
