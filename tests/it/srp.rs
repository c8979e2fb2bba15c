//! USER_SRP_AUTH driven through the Rust SDK with the testkit's own SRP client (written apart
//! from the server's math): right and wrong passwords, single-use secret blocks, degenerate
//! SRP_A, timestamps, lockout, temporary passwords, email usernames, AdminInitiateAuth and
//! unknown users behind PreventUserExistenceErrors, on both backends.

use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ChallengeNameType, PreventUserExistenceErrorTypes, UsernameAttributeType,
};
use cognate_testkit::srp_client::{SrpClient, srp_prime_hex, srp_timestamp};
use cognate_testkit::{FIXTURE_FLOWS, PASSWORD, TestApp, backend_tests};

use crate::auth::{claims, error_of, fixture, get_user};
use crate::new_password::{create_with_temporary, respond_new_password};

backend_tests!(
    srp_right_password_signs_in,
    srp_wrong_password_is_refused_and_counts,
    srp_secret_block_is_single_use,
    srp_degenerate_a_is_refused,
    srp_timestamp_format_and_skew,
    srp_temporary_password_asks_for_a_new_one,
    srp_email_username_pool_uses_the_uuid,
    srp_admin_initiate_auth,
    srp_unknown_users_look_like_wrong_passwords,
);

const WRONG: &str = "Wr0ng!Password";

fn incorrect() -> (String, String) {
    (
        "NotAuthorizedException".into(),
        "Incorrect username or password.".into(),
    )
}

async fn srp_right_password_signs_in(app: TestApp) {
    let (pool_id, client_id) = fixture(&app).await;
    let challenge = app.srp_challenge(&pool_id, &client_id, "alice").await;
    let p = &challenge.parameters;
    assert_eq!(p["USER_ID_FOR_SRP"], "alice");
    assert_eq!(p["USERNAME"], "alice");
    assert!(p["SALT"].bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(p["SRP_B"].len() >= 760, "B is a full-size group element");
    assert_eq!(challenge.session, None, "the secret block is the session");
    let out = app
        .srp_answer(&client_id, &challenge, PASSWORD)
        .await
        .unwrap();
    let tokens = out.authentication_result.expect("tokens");
    get_user(&app, tokens.access_token.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(
        claims(tokens.id_token.as_deref().unwrap())["cognito:username"],
        "alice"
    );
    // Salt is per user and stable; B is fresh per attempt.
    let again = app.srp_challenge(&pool_id, &client_id, "alice").await;
    assert_eq!(again.parameters["SALT"], p["SALT"]);
    assert_ne!(again.parameters["SRP_B"], p["SRP_B"]);
}

async fn srp_wrong_password_is_refused_and_counts(app: TestApp) {
    let (pool_id, client_id) = fixture(&app).await;
    let wrong = app.srp_sign_in(&pool_id, &client_id, "alice", WRONG).await;
    assert_eq!(error_of(wrong), incorrect());
    // Still the right one works, and resets the count.
    app.srp_sign_in(&pool_id, &client_id, "alice", PASSWORD)
        .await
        .unwrap();
    for _ in 0..5 {
        let wrong = app.srp_sign_in(&pool_id, &client_id, "alice", WRONG).await;
        assert_eq!(error_of(wrong), incorrect());
    }
    // Past the free failures the user is locked, whatever the proof.
    let exceeded = (
        "NotAuthorizedException".to_string(),
        "Password attempts exceeded".to_string(),
    );
    let initiate = app
        .idp
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("SRP_A", SrpClient::new(&pool_id).srp_a())
        .send()
        .await;
    assert_eq!(error_of(initiate), exceeded);
}

async fn srp_secret_block_is_single_use(app: TestApp) {
    let (pool_id, client_id) = fixture(&app).await;
    let challenge = app.srp_challenge(&pool_id, &client_id, "alice").await;
    app.srp_answer(&client_id, &challenge, PASSWORD)
        .await
        .unwrap();
    let replay = app.srp_answer(&client_id, &challenge, PASSWORD).await;
    assert_eq!(error_of(replay).0, "NotAuthorizedException");
    // A block that was tampered with opens nothing.
    let mut forged = app.srp_challenge(&pool_id, &client_id, "alice").await;
    let block = forged.parameters["SECRET_BLOCK"].clone();
    let flipped = if block.starts_with('A') { "B" } else { "A" };
    forged
        .parameters
        .insert("SECRET_BLOCK".into(), format!("{flipped}{}", &block[1..]));
    let refused = app.srp_answer(&client_id, &forged, PASSWORD).await;
    assert_eq!(error_of(refused), incorrect());
}

async fn srp_degenerate_a_is_refused(app: TestApp) {
    let (_, client_id) = fixture(&app).await;
    let n = srp_prime_hex().to_string();
    let above_n = format!("1{n}");
    for (a, what) in [
        ("0".to_string(), "zero"),
        (n.clone(), "N"),
        (format!("00{n}"), "N padded"),
        ("f".repeat(2000), "oversized"),
        ("xyz".to_string(), "not hex"),
    ] {
        let out = app
            .idp
            .initiate_auth()
            .client_id(&client_id)
            .auth_flow(AuthFlowType::UserSrpAuth)
            .auth_parameters("USERNAME", "alice")
            .auth_parameters("SRP_A", a)
            .send()
            .await;
        assert_eq!(error_of(out).0, "InvalidParameterException", "{what}");
    }
    // A value above N that is not a multiple of it is an ordinary (if odd) A.
    let out = app
        .idp
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("SRP_A", above_n)
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.challenge_name,
        Some(ChallengeNameType::PasswordVerifier)
    );
}

async fn srp_timestamp_format_and_skew(app: TestApp) {
    use cognate_domain::Clock as _;
    let (pool_id, client_id) = fixture(&app).await;
    let challenge = app.srp_challenge(&pool_id, &client_id, "alice").await;
    let malformed = app
        .srp_answer_at(&client_id, &challenge, PASSWORD, "2026-12-02T01:05:02Z")
        .await;
    assert_eq!(
        error_of(malformed),
        (
            "InvalidParameterException".into(),
            "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.".into()
        )
    );
    // A malformed answer changes nothing: the same challenge still answers.
    let now = app.clock.now().secs();
    let skewed = app
        .srp_answer_at(&client_id, &challenge, PASSWORD, &srp_timestamp(now - 600))
        .await;
    assert_eq!(error_of(skewed), incorrect());
    let challenge = app.srp_challenge(&pool_id, &client_id, "alice").await;
    let slightly_off = srp_timestamp(now - 60);
    app.srp_answer_at(&client_id, &challenge, PASSWORD, &slightly_off)
        .await
        .unwrap();
}

async fn srp_temporary_password_asks_for_a_new_one(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    create_with_temporary(&app, &pool_id, "nina", "Temp0rary!Pass").await;
    let out = app
        .srp_sign_in(&pool_id, &client_id, "nina", "Temp0rary!Pass")
        .await
        .unwrap();
    assert_eq!(
        out.challenge_name,
        Some(ChallengeNameType::NewPasswordRequired)
    );
    let session = out.session.expect("a session");
    let done = respond_new_password(&app, &client_id, &session, "nina", PASSWORD)
        .await
        .unwrap();
    assert!(done.authentication_result.is_some());
    // The new password has a verifier too.
    let again = app
        .srp_sign_in(&pool_id, &client_id, "nina", PASSWORD)
        .await
        .unwrap();
    assert!(again.authentication_result.is_some());
}

async fn srp_email_username_pool_uses_the_uuid(app: TestApp) {
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("emails")
        .username_attributes(UsernameAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client_id = app.client_for(&pool_id).await;
    app.confirmed_user(&pool_id, "eve@example.com", PASSWORD)
        .await;
    let challenge = app
        .srp_challenge(&pool_id, &client_id, "eve@example.com")
        .await;
    let user_id = challenge.parameters["USER_ID_FOR_SRP"].clone();
    assert!(uuid::Uuid::parse_str(&user_id).is_ok(), "{user_id}");
    let out = app
        .srp_answer(&client_id, &challenge, PASSWORD)
        .await
        .unwrap();
    let tokens = out.authentication_result.unwrap();
    assert_eq!(
        claims(tokens.id_token.as_deref().unwrap())["cognito:username"],
        user_id.as_str()
    );
}

async fn srp_admin_initiate_auth(app: TestApp) {
    let (pool_id, client_id) = fixture(&app).await;
    let client = SrpClient::new(&pool_id);
    let out = app
        .idp
        .admin_initiate_auth()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("SRP_A", client.srp_a())
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.challenge_name,
        Some(ChallengeNameType::PasswordVerifier)
    );
    let parameters = out.challenge_parameters.unwrap();
    use cognate_domain::Clock as _;
    let timestamp = srp_timestamp(app.clock.now().secs());
    let answer = |password: &str| {
        app.idp
            .admin_respond_to_auth_challenge()
            .user_pool_id(&pool_id)
            .client_id(&client_id)
            .challenge_name(ChallengeNameType::PasswordVerifier)
            .challenge_responses("USERNAME", &parameters["USERNAME"])
            .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &parameters["SECRET_BLOCK"])
            .challenge_responses(
                "PASSWORD_CLAIM_SIGNATURE",
                client.signature(password, &parameters, &timestamp),
            )
            .challenge_responses("TIMESTAMP", &timestamp)
            .send()
    };
    let tokens = answer(PASSWORD).await.unwrap().authentication_result;
    assert!(tokens.is_some());
}

async fn srp_unknown_users_look_like_wrong_passwords(app: TestApp) {
    let (pool_id, legacy_client) = fixture(&app).await;
    let missing = app
        .idp
        .initiate_auth()
        .client_id(&legacy_client)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", "ghost")
        .auth_parameters("SRP_A", SrpClient::new(&pool_id).srp_a())
        .send()
        .await;
    assert_eq!(
        error_of(missing),
        (
            "UserNotFoundException".into(),
            "User does not exist.".into()
        )
    );
    let quiet = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("quiet")
        .set_explicit_auth_flows(Some(FIXTURE_FLOWS.to_vec()))
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let first = app.srp_challenge(&pool_id, &quiet, "ghost").await;
    let second = app.srp_challenge(&pool_id, &quiet, "ghost").await;
    assert_eq!(
        first.parameters["SALT"], second.parameters["SALT"],
        "stable salt"
    );
    assert_eq!(first.parameters["USER_ID_FOR_SRP"], "ghost");
    let real = app.srp_challenge(&pool_id, &quiet, "alice").await;
    let lengths = (
        first.parameters["SALT"].len(),
        real.parameters["SALT"].len(),
    );
    assert!(
        lengths.0.abs_diff(lengths.1) <= 2,
        "salts look alike: {lengths:?}"
    );
    let ghost = app.srp_answer(&quiet, &first, PASSWORD).await;
    let wrong = app.srp_answer(&quiet, &real, WRONG).await;
    assert_eq!(error_of(ghost), incorrect());
    assert_eq!(error_of(wrong), incorrect());
}
