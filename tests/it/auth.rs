//! Password sign-in (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, ADMIN_NO_SRP_AUTH), the
//! NEW_PASSWORD_REQUIRED challenge, lockout, PreventUserExistenceErrors, SECRET_HASH and flow
//! gating, on both backends. Also the helpers refresh.rs and revocation.rs share.

// Test code: a panic is how a failed expectation reports.

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, AuthenticationResultType, ChallengeNameType, ExplicitAuthFlowsType,
    PreventUserExistenceErrorTypes, TimeUnitsType, TokenValidityUnitsType,
};
use base64::Engine as _;
use cognate_testkit::{FIXTURE_FLOWS, PASSWORD, TestApp, backend_tests};

use crate::new_password::{create_with_temporary, respond_new_password};
use serde_json::Value;

backend_tests!(
    password_sign_in_issues_aws_tokens,
    admin_flows_sign_in,
    token_lifetimes_follow_the_client,
    wrong_password_and_unknown_user,
    prevent_user_existence_errors_hides_unknown_users,
    lockout_doubles_and_caps,
    parallel_failures_all_count,
    secret_hash_required_and_checked,
    flows_not_enabled_are_refused,
    account_states_refuse_sign_in,
);

// ---------------------------------------------------------------------------------- helpers

/// The `(code, message)` of a failed SDK call.
pub fn error_of<
    T: std::fmt::Debug,
    E: ProvideErrorMetadata + std::fmt::Debug,
    R: std::fmt::Debug,
>(
    result: Result<T, SdkError<E, R>>,
) -> (String, String) {
    let error = result.expect_err("the call fails");
    (
        error.code().unwrap_or_default().to_string(),
        error.message().unwrap_or_default().to_string(),
    )
}

/// The claims of a JWT (not verified: the tests check what the server put in).
pub fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

pub async fn password_auth(
    app: &TestApp,
    client_id: &str,
    username: &str,
    password: &str,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput,
    SdkError<aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthError>,
> {
    app.idp
        .initiate_auth()
        .client_id(client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
}

/// Signs `username` in with USER_PASSWORD_AUTH; the tokens.
pub async fn sign_in(
    app: &TestApp,
    client_id: &str,
    username: &str,
    password: &str,
) -> AuthenticationResultType {
    password_auth(app, client_id, username, password)
        .await
        .expect("sign-in succeeds")
        .authentication_result
        .expect("tokens")
}

/// A pool, a fixture client and a confirmed user `alice` with the test password.
pub async fn fixture(app: &TestApp) -> (String, String) {
    let (pool_id, client_id) = app.pool_with_client().await;
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    (pool_id, client_id)
}

/// Whether GetUser accepts `access_token`; the error otherwise.
pub async fn get_user(app: &TestApp, access_token: &str) -> Result<(), (String, String)> {
    let result = app.idp.get_user().access_token(access_token).send().await;
    match result {
        Ok(_) => Ok(()),
        Err(error) => Err(error_of::<(), _, _>(Err(error))),
    }
}

pub fn secret_hash(username: &str, client_id: &str, secret: &str) -> String {
    cognate_crypto::secrets::secret_hash(username, client_id, secret)
}

const WRONG: &str = "Wr0ng!Password";

fn now_secs(app: &TestApp) -> i64 {
    use cognate_domain::Clock as _;
    app.clock.now().secs()
}

// ------------------------------------------------------------------------------------ tests

async fn password_sign_in_issues_aws_tokens(app: TestApp) {
    let (pool_id, client_id) = fixture(&app).await;
    let before = now_secs(&app);
    let output = password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap();
    assert_eq!(output.challenge_name, None);
    assert_eq!(output.challenge_parameters, Some(HashMap::new()));
    let tokens = output.authentication_result.unwrap();
    assert_eq!(tokens.token_type(), Some("Bearer"));
    assert_eq!(tokens.expires_in(), 3600);
    assert!(tokens.refresh_token().is_some_and(|t| !t.is_empty()));

    let id = claims(tokens.id_token().unwrap());
    let access = claims(tokens.access_token().unwrap());
    let issuer = format!("{}/{pool_id}", app.endpoint);
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["iss"], issuer.as_str());
    assert_eq!(id["aud"], client_id.as_str());
    assert_eq!(id["cognito:username"], "alice");
    assert_eq!(id["email"], "alice@example.com");
    assert_eq!(id["email_verified"], true);
    assert_eq!(
        id["exp"].as_i64().unwrap() - id["iat"].as_i64().unwrap(),
        3600
    );
    let auth_time = id["auth_time"].as_i64().unwrap();
    assert!(
        (before..=before + 5).contains(&auth_time),
        "auth_time {auth_time} is now"
    );
    assert!(id["jti"].as_str().is_some_and(|j| !j.is_empty()));

    assert_eq!(access["token_use"], "access");
    assert_eq!(access["iss"], issuer.as_str());
    assert_eq!(access["client_id"], client_id.as_str());
    assert_eq!(access["username"], "alice");
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin");
    assert_eq!(access["sub"], id["sub"]);
    assert_eq!(access["auth_time"], id["auth_time"]);
    assert_eq!(access.get("aud"), None, "access tokens carry no aud");
    assert_eq!(
        access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(),
        3600
    );
    // One sign-in: the same origin_jti and event_id on both tokens, distinct jtis.
    assert!(id["origin_jti"].as_str().is_some_and(|j| !j.is_empty()));
    assert_eq!(access["origin_jti"], id["origin_jti"]);
    assert!(id["event_id"].as_str().is_some_and(|j| !j.is_empty()));
    assert_eq!(access["event_id"], id["event_id"]);
    assert_ne!(access["jti"], id["jti"]);

    get_user(&app, tokens.access_token().unwrap())
        .await
        .unwrap();
    // A second sign-in is a new origin.
    let again = sign_in(&app, &client_id, "alice", PASSWORD).await;
    assert_ne!(
        claims(again.id_token().unwrap())["origin_jti"],
        id["origin_jti"]
    );
}

async fn admin_flows_sign_in(app: TestApp) {
    let (pool_id, client_id) = fixture(&app).await;
    for flow in [
        AuthFlowType::AdminUserPasswordAuth,
        AuthFlowType::AdminNoSrpAuth,
    ] {
        let output = app
            .idp
            .admin_initiate_auth()
            .user_pool_id(&pool_id)
            .client_id(&client_id)
            .auth_flow(flow.clone())
            .auth_parameters("USERNAME", "alice")
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await
            .unwrap();
        let tokens = output.authentication_result.unwrap();
        assert_eq!(
            claims(tokens.access_token().unwrap())["client_id"],
            client_id.as_str()
        );
        assert!(tokens.refresh_token().is_some());
    }
    let wrong = app
        .idp
        .admin_initiate_auth()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("PASSWORD", WRONG)
        .send()
        .await;
    assert_eq!(
        error_of(wrong),
        (
            "NotAuthorizedException".into(),
            "Incorrect username or password.".into()
        )
    );
    // The client must belong to the pool named.
    let (other_pool, _) = app.pool_with_client().await;
    let elsewhere = app
        .idp
        .admin_initiate_auth()
        .user_pool_id(&other_pool)
        .client_id(&client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await;
    assert_eq!(error_of(elsewhere).0, "ResourceNotFoundException");
}

async fn token_lifetimes_follow_the_client(app: TestApp) {
    let (pool_id, _) = app.pool_with_client().await;
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    let client_id = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("short")
        .set_explicit_auth_flows(Some(FIXTURE_FLOWS.to_vec()))
        .access_token_validity(30)
        .id_token_validity(2)
        .refresh_token_validity(5)
        .token_validity_units(
            TokenValidityUnitsType::builder()
                .access_token(TimeUnitsType::Minutes)
                .id_token(TimeUnitsType::Hours)
                .refresh_token(TimeUnitsType::Days)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let tokens = sign_in(&app, &client_id, "alice", PASSWORD).await;
    assert_eq!(tokens.expires_in(), 1800);
    let id = claims(tokens.id_token().unwrap());
    let access = claims(tokens.access_token().unwrap());
    assert_eq!(
        id["exp"].as_i64().unwrap() - id["iat"].as_i64().unwrap(),
        7200
    );
    assert_eq!(
        access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(),
        1800
    );
}

async fn wrong_password_and_unknown_user(app: TestApp) {
    let (_, client_id) = fixture(&app).await;
    assert_eq!(
        error_of(password_auth(&app, &client_id, "alice", WRONG).await),
        (
            "NotAuthorizedException".into(),
            "Incorrect username or password.".into()
        )
    );
    // The fixture client is LEGACY: an unknown user is told apart.
    assert_eq!(
        error_of(password_auth(&app, &client_id, "ghost", PASSWORD).await),
        (
            "UserNotFoundException".into(),
            "User does not exist.".into()
        )
    );
    let missing = app
        .idp
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "alice")
        .send()
        .await;
    assert_eq!(
        error_of(missing),
        (
            "InvalidParameterException".into(),
            "Missing required parameter PASSWORD".into()
        )
    );
    let unknown_client = password_auth(&app, "nosuchclient0000000000000", "alice", PASSWORD).await;
    assert_eq!(error_of(unknown_client).0, "ResourceNotFoundException");
}

async fn prevent_user_existence_errors_hides_unknown_users(app: TestApp) {
    let (pool_id, _) = fixture(&app).await;
    let client_id = app
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
    let ghost = error_of(password_auth(&app, &client_id, "ghost", PASSWORD).await);
    let wrong = error_of(password_auth(&app, &client_id, "alice", WRONG).await);
    assert_eq!(
        ghost,
        (
            "NotAuthorizedException".into(),
            "Incorrect username or password.".into()
        )
    );
    assert_eq!(ghost, wrong);
    sign_in(&app, &client_id, "alice", PASSWORD).await;
}

async fn lockout_doubles_and_caps(app: TestApp) {
    let (_, client_id) = fixture(&app).await;
    let exceeded = || {
        (
            "NotAuthorizedException".to_string(),
            "Password attempts exceeded".to_string(),
        )
    };
    let incorrect = || {
        (
            "NotAuthorizedException".to_string(),
            "Incorrect username or password.".to_string(),
        )
    };
    // Five free failures.
    for _ in 0..5 {
        assert_eq!(
            error_of(password_auth(&app, &client_id, "alice", WRONG).await),
            incorrect()
        );
    }
    // Now locked for 1 s: even the right password is refused, unchecked.
    assert_eq!(
        error_of(password_auth(&app, &client_id, "alice", PASSWORD).await),
        exceeded()
    );
    app.clock.advance_secs(2);
    // The sixth failure locks for 2 s, the seventh for 4 s...
    assert_eq!(
        error_of(password_auth(&app, &client_id, "alice", WRONG).await),
        incorrect()
    );
    assert_eq!(
        error_of(password_auth(&app, &client_id, "alice", PASSWORD).await),
        exceeded()
    );
    app.clock.advance_secs(1);
    assert_eq!(
        error_of(password_auth(&app, &client_id, "alice", PASSWORD).await),
        exceeded()
    );
    app.clock.advance_secs(2);
    // Up to about 15 minutes at most.
    for n in 7..=16 {
        assert_eq!(
            error_of(password_auth(&app, &client_id, "alice", WRONG).await),
            incorrect(),
            "failure {n}"
        );
        app.clock.advance_secs(901);
    }
    assert_eq!(
        error_of(password_auth(&app, &client_id, "alice", WRONG).await),
        incorrect()
    );
    app.clock.advance_secs(895);
    assert_eq!(
        error_of(password_auth(&app, &client_id, "alice", PASSWORD).await),
        exceeded()
    );
    app.clock.advance_secs(10);
    // A success clears the count: the next failure is free again.
    sign_in(&app, &client_id, "alice", PASSWORD).await;
    assert_eq!(
        error_of(password_auth(&app, &client_id, "alice", WRONG).await),
        incorrect()
    );
    sign_in(&app, &client_id, "alice", PASSWORD).await;
}

async fn parallel_failures_all_count(app: TestApp) {
    let (_, client_id) = fixture(&app).await;
    let app = std::sync::Arc::new(app);
    let attempts: Vec<_> = (0..5)
        .map(|_| {
            let app = app.clone();
            let client_id = client_id.clone();
            tokio::spawn(
                async move { error_of(password_auth(&app, &client_id, "alice", WRONG).await) },
            )
        })
        .collect();
    for attempt in attempts {
        assert_eq!(attempt.await.unwrap().1, "Incorrect username or password.");
    }
    // All five counted, however they raced: the account is locked.
    assert_eq!(
        error_of(password_auth(&app, &client_id, "alice", PASSWORD).await).1,
        "Password attempts exceeded"
    );
}

async fn secret_hash_required_and_checked(app: TestApp) {
    let (pool_id, _) = fixture(&app).await;
    let client = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("server")
        .generate_secret(true)
        .set_explicit_auth_flows(Some(FIXTURE_FLOWS.to_vec()))
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let client_id = client.client_id().unwrap().to_string();
    let secret = client.client_secret().unwrap().to_string();
    let attempt = |hash: Option<String>| {
        let mut request = app
            .idp
            .initiate_auth()
            .client_id(&client_id)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "alice")
            .auth_parameters("PASSWORD", PASSWORD);
        if let Some(hash) = hash {
            request = request.auth_parameters("SECRET_HASH", hash);
        }
        request.send()
    };
    assert_eq!(
        error_of(attempt(None).await),
        (
            "NotAuthorizedException".into(),
            format!("Client {client_id} is configured for secret but secret was not received")
        )
    );
    let unable = (
        "NotAuthorizedException".to_string(),
        format!("Unable to verify secret hash for client {client_id}"),
    );
    let wrong_secret = secret_hash("alice", &client_id, "not-the-secret-0123456789");
    assert_eq!(error_of(attempt(Some(wrong_secret)).await), unable);
    let wrong_user = secret_hash("bob", &client_id, &secret);
    assert_eq!(error_of(attempt(Some(wrong_user)).await), unable);
    let good = attempt(Some(secret_hash("alice", &client_id, &secret)))
        .await
        .unwrap();
    assert!(good.authentication_result.is_some());

    // A second secret works as well as the first.
    let second = app
        .idp
        .add_user_pool_client_secret()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .send()
        .await
        .unwrap()
        .client_secret_descriptor
        .unwrap()
        .client_secret_value
        .unwrap();
    attempt(Some(secret_hash("alice", &client_id, &second)))
        .await
        .unwrap();

    // The challenge answer needs it too.
    create_with_temporary(&app, &pool_id, "tina", "Temp0rary!Pass").await;
    let challenge = app
        .idp
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "tina")
        .auth_parameters("PASSWORD", "Temp0rary!Pass")
        .auth_parameters("SECRET_HASH", secret_hash("tina", &client_id, &secret))
        .send()
        .await
        .unwrap();
    let session = challenge.session.unwrap();
    let (code, message) =
        error_of(respond_new_password(&app, &client_id, &session, "tina", PASSWORD).await);
    assert_eq!(code, "NotAuthorizedException");
    assert!(message.contains("configured for secret"), "{message}");
    let answered = app
        .idp
        .respond_to_auth_challenge()
        .client_id(&client_id)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(session)
        .challenge_responses("USERNAME", "tina")
        .challenge_responses("NEW_PASSWORD", PASSWORD)
        .challenge_responses("SECRET_HASH", secret_hash("tina", &client_id, &secret))
        .send()
        .await
        .unwrap();
    assert!(answered.authentication_result.is_some());
    attempt(Some(secret_hash("alice", &client_id, &secret)))
        .await
        .unwrap();
}

async fn flows_not_enabled_are_refused(app: TestApp) {
    let (pool_id, fixture_client) = fixture(&app).await;
    let client_with = |flows: Vec<ExplicitAuthFlowsType>| {
        app.idp
            .create_user_pool_client()
            .user_pool_id(&pool_id)
            .client_name("narrow")
            .set_explicit_auth_flows(Some(flows))
            .send()
    };
    let srp_only = client_with(vec![
        ExplicitAuthFlowsType::AllowUserSrpAuth,
        ExplicitAuthFlowsType::AllowRefreshTokenAuth,
    ])
    .await
    .unwrap()
    .user_pool_client
    .unwrap()
    .client_id
    .unwrap();
    assert_eq!(
        error_of(password_auth(&app, &srp_only, "alice", PASSWORD).await),
        (
            "InvalidParameterException".into(),
            "USER_PASSWORD_AUTH flow not enabled for this client".into()
        )
    );
    let admin = app
        .idp
        .admin_initiate_auth()
        .user_pool_id(&pool_id)
        .client_id(&srp_only)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await;
    assert_eq!(
        error_of(admin),
        (
            "InvalidParameterException".into(),
            "Auth flow not enabled for this client".into()
        )
    );
    let password_only = client_with(vec![ExplicitAuthFlowsType::AllowUserPasswordAuth])
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let tokens = sign_in(&app, &password_only, "alice", PASSWORD).await;
    let refresh = app
        .idp
        .initiate_auth()
        .client_id(&password_only)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", tokens.refresh_token().unwrap())
        .send()
        .await;
    assert_eq!(
        error_of(refresh),
        (
            "InvalidParameterException".into(),
            "Refresh Token flow not enabled for this client".into()
        )
    );
    // Legacy lists: USER_PASSWORD_AUTH enables the flow, refresh is always allowed.
    let legacy = client_with(vec![ExplicitAuthFlowsType::UserPasswordAuth])
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    sign_in(&app, &legacy, "alice", PASSWORD).await;
    // Admin flows belong to AdminInitiateAuth, USER_PASSWORD_AUTH to InitiateAuth.
    let wrong_api = app
        .idp
        .initiate_auth()
        .client_id(&fixture_client)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await;
    assert_eq!(
        error_of(wrong_api),
        (
            "InvalidParameterException".into(),
            "Initiate Auth method not supported.".into()
        )
    );
    let wrong_api = app
        .idp
        .admin_initiate_auth()
        .user_pool_id(&pool_id)
        .client_id(&fixture_client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await;
    assert_eq!(error_of(wrong_api).1, "Initiate Auth method not supported.");
    // SRP is enabled on the fixture client: it answers with its challenge (tests/it/srp.rs).
    let srp = app
        .idp
        .initiate_auth()
        .client_id(&fixture_client)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("SRP_A", "abcd")
        .send()
        .await
        .unwrap();
    assert_eq!(
        srp.challenge_name,
        Some(ChallengeNameType::PasswordVerifier)
    );
}

async fn account_states_refuse_sign_in(app: TestApp) {
    let (pool_id, client_id) = fixture(&app).await;
    // Disabled.
    app.confirmed_user(&pool_id, "dora", PASSWORD).await;
    app.idp
        .admin_disable_user()
        .user_pool_id(&pool_id)
        .username("dora")
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_of(password_auth(&app, &client_id, "dora", PASSWORD).await),
        ("NotAuthorizedException".into(), "User is disabled.".into())
    );
    // Unconfirmed (signed up, no code yet).
    app.idp
        .sign_up()
        .client_id(&client_id)
        .username("una")
        .password(PASSWORD)
        .user_attributes(
            aws_sdk_cognitoidentityprovider::types::AttributeType::builder()
                .name("email")
                .value("una@example.com")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_of(password_auth(&app, &client_id, "una", PASSWORD).await),
        (
            "UserNotConfirmedException".into(),
            "User is not confirmed.".into()
        )
    );
    assert_eq!(
        error_of(password_auth(&app, &client_id, "una", WRONG).await).1,
        "Incorrect username or password."
    );
    // Reset required.
    app.confirmed_user(&pool_id, "rita", PASSWORD).await;
    app.idp
        .admin_reset_user_password()
        .user_pool_id(&pool_id)
        .username("rita")
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_of(password_auth(&app, &client_id, "rita", PASSWORD).await),
        (
            "PasswordResetRequiredException".into(),
            "Password reset required for the user".into()
        )
    );
    // A temporary password past the pool's validity (7 days by default).
    create_with_temporary(&app, &pool_id, "tess", "Temp0rary!Pass").await;
    app.clock.advance_secs(8 * 86_400);
    assert_eq!(
        error_of(password_auth(&app, &client_id, "tess", "Temp0rary!Pass").await),
        (
            "NotAuthorizedException".into(),
            "Temporary password has expired and must be reset by an administrator.".into()
        )
    );
}
