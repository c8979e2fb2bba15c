//! SMS and email MFA: the SMS_MFA and EMAIL_OTP challenges with codes read from the outbox,
//! SELECT_MFA_TYPE, MFA ON for users with a phone number, (Admin)SetUserSettings, and the
//! rules of the codes (single use, expiry with the session, lockout), on both backends.

use aws_sdk_cognitoidentityprovider::error::SdkError;
use aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::{
    RespondToAuthChallengeError, RespondToAuthChallengeOutput,
};
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ChallengeNameType, DeliveryMediumType, EmailConfigurationType,
    EmailMfaConfigType, EmailMfaSettingsType, EmailSendingAccountType, MfaOptionType,
    SmsConfigurationType, SmsMfaConfigType, SmsMfaSettingsType, SoftwareTokenMfaConfigType,
    SoftwareTokenMfaSettingsType, UserPoolMfaType,
};
use cognate_domain::Clock as _;
use cognate_testkit::totp_client::totp_code;
use cognate_testkit::{PASSWORD, TestApp, backend_tests};

use crate::auth::{error_of, password_auth};

backend_tests!(
    mfa_sms_challenge_with_outbox_code,
    mfa_email_otp_needs_developer_email,
    mfa_select_type_offers_enabled_factors,
    mfa_required_sends_sms_to_a_phone,
    mfa_user_settings_toggle_sms,
    mfa_codes_expire_and_count_toward_lockout,
    mfa_pool_off_drops_factors,
    mfa_sms_after_srp_and_admin_sign_in,
    mfa_code_answers_only_the_sign_in_that_sent_it,
);

const PHONE: &str = "+15555550123";

/// A pool offering SMS MFA (and TOTP) in `mode`, its client, and `alice` with email and phone.
pub(crate) async fn sms_pool(app: &TestApp, mode: UserPoolMfaType) -> (String, String) {
    let (pool_id, client_id) = app.pool_with_client().await;
    app.idp
        .set_user_pool_mfa_config()
        .user_pool_id(&pool_id)
        .sms_mfa_configuration(
            SmsMfaConfigType::builder()
                .sms_authentication_message("Sign-in code {####}")
                .sms_configuration(
                    SmsConfigurationType::builder()
                        .sns_caller_arn("arn:aws:iam::123456789012:role/sns")
                        .build(),
                )
                .build(),
        )
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .mfa_configuration(mode)
        .send()
        .await
        .unwrap();
    alice_with_phone(app, &pool_id).await;
    (pool_id, client_id)
}

async fn alice_with_phone(app: &TestApp, pool_id: &str) {
    app.confirmed_user_with(
        pool_id,
        "alice",
        PASSWORD,
        &[
            ("email", "alice@example.com"),
            ("email_verified", "true"),
            ("phone_number", PHONE),
            ("phone_number_verified", "true"),
        ],
    )
    .await;
}

async fn enable_sms(app: &TestApp, pool_id: &str, preferred: bool) {
    app.idp
        .admin_set_user_mfa_preference()
        .user_pool_id(pool_id)
        .username("alice")
        .sms_mfa_settings(
            SmsMfaSettingsType::builder()
                .enabled(true)
                .preferred_mfa(preferred)
                .build(),
        )
        .send()
        .await
        .unwrap();
}

async fn answer(
    app: &TestApp,
    client_id: &str,
    challenge: ChallengeNameType,
    session: &str,
    member: &str,
    code: &str,
) -> Result<RespondToAuthChallengeOutput, SdkError<RespondToAuthChallengeError>> {
    app.idp
        .respond_to_auth_challenge()
        .client_id(client_id)
        .challenge_name(challenge)
        .session(session)
        .challenge_responses("USERNAME", "alice")
        .challenge_responses(member, code)
        .send()
        .await
}

/// A six-digit code that is not `code`.
fn other_than(code: &str) -> String {
    format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000)
}

async fn mfa_sms_challenge_with_outbox_code(app: TestApp) {
    let (pool_id, client_id) = sms_pool(&app, UserPoolMfaType::Optional).await;
    enable_sms(&app, &pool_id, true).await;
    let challenge = password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap();
    assert_eq!(challenge.challenge_name, Some(ChallengeNameType::SmsMfa));
    let parameters = challenge.challenge_parameters.unwrap();
    assert_eq!(parameters["CODE_DELIVERY_DELIVERY_MEDIUM"], "SMS");
    assert_eq!(parameters["CODE_DELIVERY_DESTINATION"], "+*******0123");
    // AWS names the user (by username) in every MFA challenge; clients file devices under it.
    assert_eq!(parameters["USER_ID_FOR_SRP"], "alice");
    assert_eq!(parameters.len(), 3);
    let sent = app.last_message(&pool_id, "alice").await;
    assert_eq!(
        (
            sent.kind.as_str(),
            sent.medium.as_str(),
            sent.destination.as_str()
        ),
        ("MFA", "SMS", PHONE)
    );
    let code = sent.code.unwrap();
    assert_eq!(sent.body, format!("Sign-in code {code}"));
    let session = challenge.session.unwrap();
    let sms = ChallengeNameType::SmsMfa;
    let wrong = answer(
        &app,
        &client_id,
        sms.clone(),
        &session,
        "SMS_MFA_CODE",
        &other_than(&code),
    )
    .await;
    assert_eq!(
        error_of(wrong),
        (
            "CodeMismatchException".into(),
            "Invalid code or auth state for the user.".into()
        )
    );
    // The session of SMS_MFA cannot answer another challenge.
    let crossed = answer(
        &app,
        &client_id,
        ChallengeNameType::EmailOtp,
        &session,
        "EMAIL_OTP_CODE",
        &code,
    )
    .await;
    assert_eq!(error_of(crossed).0, "NotAuthorizedException");
    let missing = app
        .idp
        .respond_to_auth_challenge()
        .client_id(&client_id)
        .challenge_name(sms.clone())
        .session(&session)
        .challenge_responses("USERNAME", "alice")
        .send()
        .await;
    assert_eq!(error_of(missing).0, "InvalidParameterException");
    let done = answer(
        &app,
        &client_id,
        sms.clone(),
        &session,
        "SMS_MFA_CODE",
        &code,
    )
    .await
    .unwrap();
    assert!(done.authentication_result.unwrap().access_token.is_some());
    let replayed = answer(&app, &client_id, sms, &session, "SMS_MFA_CODE", &code).await;
    assert_eq!(
        error_of(replayed),
        (
            "NotAuthorizedException".into(),
            "Invalid session for the user.".into()
        )
    );
}

async fn mfa_email_otp_needs_developer_email(app: TestApp) {
    let (default_pool, _) = app.pool_with_client().await;
    let email_mfa = || {
        app.idp
            .set_user_pool_mfa_config()
            .email_mfa_configuration(
                EmailMfaConfigType::builder()
                    .subject("Your code")
                    .message("Code: {####}")
                    .build(),
            )
            .mfa_configuration(UserPoolMfaType::Optional)
    };
    let refused = email_mfa().user_pool_id(&default_pool).send().await;
    assert_eq!(error_of(refused).0, "InvalidParameterException");
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("ses")
        .email_configuration(
            EmailConfigurationType::builder()
                .email_sending_account(EmailSendingAccountType::Developer)
                .source_arn("arn:aws:ses:us-east-1:123456789012:identity/no-reply@example.com")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client_id_ses = app.client_for(&pool_id).await;
    email_mfa().user_pool_id(&pool_id).send().await.unwrap();
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    app.idp
        .admin_set_user_mfa_preference()
        .user_pool_id(&pool_id)
        .username("alice")
        .email_mfa_settings(
            EmailMfaSettingsType::builder()
                .enabled(true)
                .preferred_mfa(true)
                .build(),
        )
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
    assert_eq!(user.preferred_mfa_setting.as_deref(), Some("EMAIL_OTP"));
    let challenge = password_auth(&app, &client_id_ses, "alice", PASSWORD)
        .await
        .unwrap();
    assert_eq!(challenge.challenge_name, Some(ChallengeNameType::EmailOtp));
    let parameters = challenge.challenge_parameters.unwrap();
    assert_eq!(parameters["CODE_DELIVERY_DELIVERY_MEDIUM"], "EMAIL");
    assert_eq!(parameters["CODE_DELIVERY_DESTINATION"], "a***@e***");
    let sent = app.last_message(&pool_id, "alice").await;
    assert_eq!((sent.kind.as_str(), sent.medium.as_str()), ("MFA", "EMAIL"));
    assert_eq!(sent.subject.as_deref(), Some("Your code"));
    let code = sent.code.unwrap();
    assert_eq!(sent.body, format!("Code: {code}"));
    let done = answer(
        &app,
        &client_id_ses,
        ChallengeNameType::EmailOtp,
        &challenge.session.unwrap(),
        "EMAIL_OTP_CODE",
        &code,
    )
    .await
    .unwrap();
    assert!(done.authentication_result.is_some());
}

async fn mfa_select_type_offers_enabled_factors(app: TestApp) {
    let (pool_id, client_id) = sms_pool(&app, UserPoolMfaType::Optional).await;
    // A verified software token beside SMS, neither preferred.
    let access = password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap()
        .authentication_result
        .unwrap()
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
        .user_code(totp_code(&secret, app.clock.now().secs()))
        .send()
        .await
        .unwrap();
    app.idp
        .set_user_mfa_preference()
        .access_token(&access)
        .software_token_mfa_settings(
            SoftwareTokenMfaSettingsType::builder()
                .enabled(true)
                .preferred_mfa(false)
                .build(),
        )
        .sms_mfa_settings(SmsMfaSettingsType::builder().enabled(true).build())
        .send()
        .await
        .unwrap();
    let select = || async {
        let out = password_auth(&app, &client_id, "alice", PASSWORD)
            .await
            .unwrap();
        assert_eq!(out.challenge_name, Some(ChallengeNameType::SelectMfaType));
        let parameters = out.challenge_parameters.unwrap();
        assert_eq!(
            parameters["MFAS_CAN_CHOOSE"],
            "[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]"
        );
        assert_eq!(parameters["USER_ID_FOR_SRP"], "alice");
        out.session.unwrap()
    };
    let kind = ChallengeNameType::SelectMfaType;
    let session = select().await;
    let not_offered = answer(
        &app,
        &client_id,
        kind.clone(),
        &session,
        "ANSWER",
        "EMAIL_OTP",
    )
    .await;
    assert_eq!(error_of(not_offered).0, "InvalidParameterException");
    let chosen = answer(
        &app,
        &client_id,
        kind.clone(),
        &session,
        "ANSWER",
        "SMS_MFA",
    )
    .await
    .unwrap();
    assert_eq!(chosen.challenge_name, Some(ChallengeNameType::SmsMfa));
    let code = app.last_code(&pool_id, "alice").await;
    let done = answer(
        &app,
        &client_id,
        ChallengeNameType::SmsMfa,
        &chosen.session.unwrap(),
        "SMS_MFA_CODE",
        &code,
    )
    .await
    .unwrap();
    assert!(done.authentication_result.is_some());
    // The select session was used up by its answer.
    let again = answer(
        &app,
        &client_id,
        kind.clone(),
        &session,
        "ANSWER",
        "SMS_MFA",
    )
    .await;
    assert_eq!(error_of(again).0, "NotAuthorizedException");
    let session = select().await;
    let chosen = answer(
        &app,
        &client_id,
        kind,
        &session,
        "ANSWER",
        "SOFTWARE_TOKEN_MFA",
    )
    .await
    .unwrap();
    assert_eq!(
        chosen.challenge_name,
        Some(ChallengeNameType::SoftwareTokenMfa)
    );
    // A token verified without a FriendlyDeviceName: the challenge names only the user.
    let parameters = chosen.challenge_parameters.unwrap();
    assert_eq!(
        parameters.into_iter().collect::<Vec<_>>(),
        vec![("USER_ID_FOR_SRP".to_string(), "alice".to_string())]
    );

    // A factor that can no longer be reached (the phone removed since the choice) is refused
    // without using the session up: another choice still answers it.
    let kind = ChallengeNameType::SelectMfaType;
    let session = select().await;
    app.idp
        .admin_delete_user_attributes()
        .user_pool_id(&pool_id)
        .username("alice")
        .user_attribute_names("phone_number")
        .send()
        .await
        .unwrap();
    let by_sms = answer(
        &app,
        &client_id,
        kind.clone(),
        &session,
        "ANSWER",
        "SMS_MFA",
    )
    .await;
    assert_eq!(error_of(by_sms).0, "InvalidParameterException");
    let by_token = answer(
        &app,
        &client_id,
        kind,
        &session,
        "ANSWER",
        "SOFTWARE_TOKEN_MFA",
    )
    .await;
    let challenge = by_token.unwrap().challenge_name;
    assert_eq!(challenge, Some(ChallengeNameType::SoftwareTokenMfa));
}

async fn mfa_required_sends_sms_to_a_phone(app: TestApp) {
    let (pool_id, client_id) = sms_pool(&app, UserPoolMfaType::On).await;
    // No factor enabled: the phone number counts as SMS MFA set up.
    let out = password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap();
    assert_eq!(out.challenge_name, Some(ChallengeNameType::SmsMfa));
    let code = app.last_code(&pool_id, "alice").await;
    let done = answer(
        &app,
        &client_id,
        ChallengeNameType::SmsMfa,
        &out.session.unwrap(),
        "SMS_MFA_CODE",
        &code,
    )
    .await
    .unwrap();
    assert!(done.authentication_result.is_some());
    // A user without a phone sets up a software token instead.
    app.confirmed_user(&pool_id, "bob", PASSWORD).await;
    let out = password_auth(&app, &client_id, "bob", PASSWORD)
        .await
        .unwrap();
    assert_eq!(out.challenge_name, Some(ChallengeNameType::MfaSetup));
    let parameters = out.challenge_parameters.unwrap();
    assert_eq!(
        parameters["MFAS_CAN_SETUP"],
        "[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]"
    );
    assert_eq!(parameters["USER_ID_FOR_SRP"], "bob");
}

fn sms_option() -> MfaOptionType {
    MfaOptionType::builder()
        .delivery_medium(DeliveryMediumType::Sms)
        .attribute_name("phone_number")
        .build()
}

async fn mfa_user_settings_toggle_sms(app: TestApp) {
    let (pool_id, client_id) = sms_pool(&app, UserPoolMfaType::Optional).await;
    let access = password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap()
        .authentication_result
        .unwrap()
        .access_token
        .unwrap();
    let email_option = MfaOptionType::builder()
        .delivery_medium(DeliveryMediumType::Email)
        .attribute_name("email")
        .build();
    let refused = app
        .idp
        .set_user_settings()
        .access_token(&access)
        .mfa_options(email_option)
        .send()
        .await;
    assert_eq!(error_of(refused).0, "InvalidParameterException");
    app.idp
        .set_user_settings()
        .access_token(&access)
        .mfa_options(sms_option())
        .send()
        .await
        .unwrap();
    let user = app
        .idp
        .get_user()
        .access_token(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(user.mfa_options, Some(vec![sms_option()]));
    assert_eq!(
        user.user_mfa_setting_list,
        Some(vec!["SMS_MFA".to_string()])
    );
    let out = password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap();
    assert_eq!(out.challenge_name, Some(ChallengeNameType::SmsMfa));
    // An empty list turns it off again (the admin form).
    app.idp
        .admin_set_user_settings()
        .user_pool_id(&pool_id)
        .username("alice")
        .set_mfa_options(Some(Vec::new()))
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
    assert_eq!(user.mfa_options, None);
    assert_eq!(user.user_mfa_setting_list, None);
    let out = password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap();
    assert!(out.authentication_result.is_some());
    // A user without a phone number cannot turn SMS MFA on.
    app.confirmed_user(&pool_id, "bob", PASSWORD).await;
    let refused = app
        .idp
        .admin_set_user_settings()
        .user_pool_id(&pool_id)
        .username("bob")
        .mfa_options(sms_option())
        .send()
        .await;
    assert_eq!(error_of(refused).0, "InvalidParameterException");
}

async fn mfa_codes_expire_and_count_toward_lockout(app: TestApp) {
    let (pool_id, client_id) = sms_pool(&app, UserPoolMfaType::Optional).await;
    enable_sms(&app, &pool_id, true).await;
    let sms = ChallengeNameType::SmsMfa;
    // A code and its session live three minutes.
    let out = password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap();
    let code = app.last_code(&pool_id, "alice").await;
    app.clock.advance_secs(181);
    let late = answer(
        &app,
        &client_id,
        sms.clone(),
        &out.session.unwrap(),
        "SMS_MFA_CODE",
        &code,
    )
    .await;
    assert_eq!(
        error_of(late),
        (
            "NotAuthorizedException".into(),
            "Invalid session for the user, session is expired.".into()
        )
    );
    // Wrong codes count toward the user's lockout: past the free failures even the right
    // code is refused.
    let out = password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap();
    let session = out.session.unwrap();
    let code = app.last_code(&pool_id, "alice").await;
    for _ in 0..5 {
        let wrong = answer(
            &app,
            &client_id,
            sms.clone(),
            &session,
            "SMS_MFA_CODE",
            &other_than(&code),
        )
        .await;
        assert_eq!(error_of(wrong).0, "CodeMismatchException");
    }
    let locked = answer(
        &app,
        &client_id,
        sms.clone(),
        &session,
        "SMS_MFA_CODE",
        &code,
    )
    .await;
    assert_eq!(
        error_of(locked),
        (
            "NotAuthorizedException".into(),
            "Password attempts exceeded".into()
        )
    );
    let password = password_auth(&app, &client_id, "alice", PASSWORD).await;
    assert_eq!(error_of(password).1, "Password attempts exceeded");
    // Once the lock is over the killed code stays dead: a new sign-in sends a new one.
    app.clock.advance_secs(2);
    let dead = answer(
        &app,
        &client_id,
        sms.clone(),
        &session,
        "SMS_MFA_CODE",
        &code,
    )
    .await;
    assert_eq!(error_of(dead).0, "ExpiredCodeException");
    let out = password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap();
    let code = app.last_code(&pool_id, "alice").await;
    let done = answer(
        &app,
        &client_id,
        sms,
        &out.session.unwrap(),
        "SMS_MFA_CODE",
        &code,
    )
    .await
    .unwrap();
    assert!(done.authentication_result.is_some());
}

async fn mfa_pool_off_drops_factors(app: TestApp) {
    let (pool_id, client_id) = sms_pool(&app, UserPoolMfaType::Optional).await;
    enable_sms(&app, &pool_id, true).await;
    let off_with_factor = app
        .idp
        .set_user_pool_mfa_config()
        .user_pool_id(&pool_id)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .mfa_configuration(UserPoolMfaType::Off)
        .send()
        .await;
    assert_eq!(
        error_of(off_with_factor),
        (
            "InvalidParameterException".into(),
            "Invalid MFA configuration given, can't turn off MFA and configure an MFA together."
                .into()
        )
    );
    app.idp
        .set_user_pool_mfa_config()
        .user_pool_id(&pool_id)
        .mfa_configuration(UserPoolMfaType::Off)
        .send()
        .await
        .unwrap();
    let got = app
        .idp
        .get_user_pool_mfa_config()
        .user_pool_id(&pool_id)
        .send()
        .await
        .unwrap();
    assert_eq!(got.mfa_configuration, Some(UserPoolMfaType::Off));
    assert!(got.sms_mfa_configuration.is_none() && got.software_token_mfa_configuration.is_none());
    // The user's SMS preference stays, but a pool with MFA off signs in without it.
    let out = password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap();
    assert!(out.authentication_result.is_some());
}

async fn mfa_sms_after_srp_and_admin_sign_in(app: TestApp) {
    let (pool_id, client_id) = sms_pool(&app, UserPoolMfaType::Optional).await;
    enable_sms(&app, &pool_id, true).await;
    let out = app
        .srp_sign_in(&pool_id, &client_id, "alice", PASSWORD)
        .await
        .unwrap();
    assert_eq!(out.challenge_name, Some(ChallengeNameType::SmsMfa));
    let code = app.last_code(&pool_id, "alice").await;
    let done = answer(
        &app,
        &client_id,
        ChallengeNameType::SmsMfa,
        &out.session.unwrap(),
        "SMS_MFA_CODE",
        &code,
    )
    .await
    .unwrap();
    assert!(done.authentication_result.is_some());
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
    assert_eq!(out.challenge_name, Some(ChallengeNameType::SmsMfa));
    let code = app.last_code(&pool_id, "alice").await;
    let done = app
        .idp
        .admin_respond_to_auth_challenge()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .challenge_name(ChallengeNameType::SmsMfa)
        .session(out.session.unwrap())
        .challenge_responses("USERNAME", "alice")
        .challenge_responses("SMS_MFA_CODE", code)
        .send()
        .await
        .unwrap();
    assert!(done.authentication_result.unwrap().id_token.is_some());
}

async fn mfa_code_answers_only_the_sign_in_that_sent_it(app: TestApp) {
    let (pool_id, client_id) = sms_pool(&app, UserPoolMfaType::Optional).await;
    enable_sms(&app, &pool_id, true).await;
    let sign_in = || password_auth(&app, &client_id, "alice", PASSWORD);
    let first = sign_in().await.unwrap().session.unwrap();
    let first_code = app.last_code(&pool_id, "alice").await;
    let second = sign_in().await.unwrap().session.unwrap();
    let second_code = app.last_code(&pool_id, "alice").await;
    let sms = ChallengeNameType::SmsMfa;
    // The second sign-in's code does not answer the first, whose own code it replaced.
    for code in [&second_code, &first_code] {
        let refused = answer(&app, &client_id, sms.clone(), &first, "SMS_MFA_CODE", code).await;
        assert_eq!(error_of(refused).0, "ExpiredCodeException");
    }
    // The second sign-in's own code answers it.
    let done = answer(&app, &client_id, sms, &second, "SMS_MFA_CODE", &second_code).await;
    assert!(done.unwrap().authentication_result.is_some());
    // Nor is a live sign-in code a password-reset code.
    sign_in().await.unwrap();
    let live_code = app.last_code(&pool_id, "alice").await;
    let reset = app
        .idp
        .admin_reset_user_password()
        .user_pool_id(&pool_id)
        .username("alice")
        .send()
        .await;
    reset.unwrap();
    let confirm = app
        .idp
        .confirm_forgot_password()
        .client_id(&client_id)
        .username("alice")
        .confirmation_code(&live_code)
        .password("An0ther!Password")
        .send()
        .await;
    let reset_code = app.last_code(&pool_id, "alice").await;
    if reset_code != live_code {
        assert_eq!(error_of(confirm).0, "CodeMismatchException");
    }
}
