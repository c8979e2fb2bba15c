//! Choice-based sign-in (USER_AUTH): PREFERRED_CHALLENGE PASSWORD, PASSWORD_SRP, EMAIL_OTP and
//! SMS_OTP, the SELECT_CHALLENGE choice and each of its answers, the pool's SignInPolicy, the
//! client's ALLOW_USER_AUTH, lockout through wrong codes, unknown users behind
//! PreventUserExistenceErrors, and GetUserAuthFactors, on both backends.

use aws_sdk_cognitoidentityprovider::error::SdkError;
use aws_sdk_cognitoidentityprovider::operation::initiate_auth::{
    InitiateAuthError, InitiateAuthOutput,
};
use aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::{
    RespondToAuthChallengeError, RespondToAuthChallengeOutput,
};
use aws_sdk_cognitoidentityprovider::types::{
    AuthFactorType, AuthFlowType, AuthenticationResultType, ChallengeNameType,
    EmailMfaSettingsType, ExplicitAuthFlowsType, PreventUserExistenceErrorTypes, SignInPolicyType,
    UserPoolPolicyType,
};
use cognate_testkit::srp_client::{SrpChallenge, SrpClient};
use cognate_testkit::{FIXTURE_FLOWS, PASSWORD, TestApp, backend_tests};

use crate::auth::{claims, error_of, fixture, get_user};

backend_tests!(
    user_auth_preferred_password,
    user_auth_password_challenge_without_the_password,
    user_auth_preferred_password_srp,
    user_auth_preferred_codes,
    user_auth_select_challenge_and_each_answer,
    user_auth_select_session_is_single_use_and_bound,
    user_auth_sign_in_policy_limits_factors,
    user_auth_needs_allow_user_auth,
    user_auth_wrong_codes_count_toward_lockout,
    user_auth_admin_initiate_auth,
    user_auth_unknown_users,
    user_auth_unknown_names_are_offered_what_users_hold,
    user_auth_codes_answer_only_their_own_challenge,
    user_auth_codes_refused_to_disabled_users,
    user_auth_get_user_auth_factors,
);

const WRONG: &str = "Wr0ng!Password";
const PHONE: &str = "+15555550100";
const SELECT: ChallengeNameType = ChallengeNameType::SelectChallenge;
const BY_PASSWORD: [(&str, &str); 2] = [("ANSWER", "PASSWORD"), ("PASSWORD", PASSWORD)];
const PREFER_PASSWORD: [(&str, &str); 2] =
    [("PREFERRED_CHALLENGE", "PASSWORD"), ("PASSWORD", PASSWORD)];

// ---------------------------------------------------------------------------------- helpers

type Started = Result<InitiateAuthOutput, SdkError<InitiateAuthError>>;
type Answered = Result<RespondToAuthChallengeOutput, SdkError<RespondToAuthChallengeError>>;

/// A USER_AUTH client of a pool: starts sign-ins and answers their challenges.
struct Choice<'a> {
    app: &'a TestApp,
    pool_id: String,
    client_id: String,
}

impl Choice<'_> {
    /// InitiateAuth USER_AUTH for `username` with `extra` parameters.
    async fn start(&self, username: &str, extra: &[(&str, &str)]) -> Started {
        let mut request = self
            .app
            .idp
            .initiate_auth()
            .client_id(&self.client_id)
            .auth_flow(AuthFlowType::UserAuth)
            .auth_parameters("USERNAME", username);
        for (name, value) in extra {
            request = request.auth_parameters(*name, *value);
        }
        request.send().await
    }

    /// RespondToAuthChallenge `challenge` with `session` and `responses` (USERNAME added).
    async fn answer(
        &self,
        challenge: ChallengeNameType,
        session: Option<String>,
        username: &str,
        responses: &[(&str, &str)],
    ) -> Answered {
        let mut request = self
            .app
            .idp
            .respond_to_auth_challenge()
            .client_id(&self.client_id)
            .challenge_name(challenge)
            .set_session(session)
            .challenge_responses("USERNAME", username);
        for (name, value) in responses {
            request = request.challenge_responses(*name, *value);
        }
        request.send().await
    }

    /// The SELECT_CHALLENGE of a USER_AUTH without preference: (session, available factors).
    async fn select(&self, username: &str) -> (String, Vec<ChallengeNameType>) {
        let out = self.start(username, &[]).await.unwrap();
        assert_eq!(out.challenge_name, Some(SELECT));
        assert!(out.authentication_result.is_none());
        let session = out.session.expect("a session");
        (session, out.available_challenges.unwrap_or_default())
    }

    /// The newest code sent to `username`.
    async fn code(&self, username: &str) -> String {
        self.app.last_code(&self.pool_id, username).await
    }

    /// Both SRP round trips from the PASSWORD_VERIFIER `out` answered with.
    async fn verify(&self, client: SrpClient, out: PasswordVerifier, password: &str) -> Answered {
        assert_eq!(out.0, Some(ChallengeNameType::PasswordVerifier));
        let challenge = SrpChallenge {
            client,
            parameters: out.1.unwrap_or_default(),
            session: None,
        };
        assert!(!challenge.parameters["USER_ID_FOR_SRP"].is_empty());
        self.app
            .srp_answer(&self.client_id, &challenge, password)
            .await
    }

    /// Asserts that `tokens` are for `username` and that GetUser accepts them.
    async fn signed_in(&self, tokens: Option<AuthenticationResultType>, username: &str) {
        let tokens = tokens.expect("tokens");
        get_user(self.app, tokens.access_token.as_deref().unwrap())
            .await
            .unwrap();
        let id = claims(tokens.id_token.as_deref().unwrap());
        assert_eq!(id["cognito:username"], username);
    }
}

/// The challenge name and parameters of a response that should be PASSWORD_VERIFIER.
type PasswordVerifier = (
    Option<ChallengeNameType>,
    Option<std::collections::HashMap<String, String>>,
);

/// A pool allowing PASSWORD, EMAIL_OTP and SMS_OTP first, a USER_AUTH client (`prevent`:
/// PreventUserExistenceErrors) and `alice` with a password, verified email and verified phone.
async fn choice_fixture(app: &TestApp, prevent: bool) -> Choice<'_> {
    let policy = SignInPolicyType::builder()
        .allowed_first_auth_factors(AuthFactorType::Password)
        .allowed_first_auth_factors(AuthFactorType::EmailOtp)
        .allowed_first_auth_factors(AuthFactorType::SmsOtp)
        .build();
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("choice")
        .policies(UserPoolPolicyType::builder().sign_in_policy(policy).build())
        .send()
        .await
        .unwrap()
        .user_pool
        .and_then(|p| p.id)
        .unwrap();
    let attributes = [
        ("email", "alice@example.com"),
        ("email_verified", "true"),
        ("phone_number", PHONE),
        ("phone_number_verified", "true"),
    ];
    app.confirmed_user_with(&pool_id, "alice", PASSWORD, &attributes)
        .await;
    user_auth_client(app, &pool_id, prevent).await
}

/// A client of `pool_id` with the fixture flows and ALLOW_USER_AUTH.
async fn user_auth_client<'a>(app: &'a TestApp, pool_id: &str, prevent: bool) -> Choice<'a> {
    let mut flows = FIXTURE_FLOWS.to_vec();
    flows.push(ExplicitAuthFlowsType::AllowUserAuth);
    let prevent = if prevent {
        PreventUserExistenceErrorTypes::Enabled
    } else {
        PreventUserExistenceErrorTypes::Legacy
    };
    let client_id = app
        .idp
        .create_user_pool_client()
        .user_pool_id(pool_id)
        .client_name("choice")
        .set_explicit_auth_flows(Some(flows))
        .prevent_user_existence_errors(prevent)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .and_then(|c| c.client_id)
        .unwrap();
    Choice {
        app,
        pool_id: pool_id.to_string(),
        client_id,
    }
}

fn incorrect() -> (String, String) {
    (
        "NotAuthorizedException".into(),
        "Incorrect username or password.".into(),
    )
}

fn invalid_session() -> (String, String) {
    (
        "NotAuthorizedException".into(),
        "Invalid session for the user.".into(),
    )
}

fn all_factors() -> Vec<ChallengeNameType> {
    vec![
        ChallengeNameType::PasswordSrp,
        ChallengeNameType::Password,
        ChallengeNameType::EmailOtp,
        ChallengeNameType::SmsOtp,
    ]
}

/// The one-time-code factors, with the response member that carries the code.
fn code_factors() -> [(ChallengeNameType, &'static str); 2] {
    [
        (ChallengeNameType::EmailOtp, "EMAIL_OTP_CODE"),
        (ChallengeNameType::SmsOtp, "SMS_OTP_CODE"),
    ]
}

// ------------------------------------------------------------------------------------ tests

async fn user_auth_preferred_password(app: TestApp) {
    let ch = choice_fixture(&app, false).await;
    let out = ch.start("alice", &PREFER_PASSWORD).await.unwrap();
    assert_eq!(out.challenge_name, None);
    assert_eq!(out.available_challenges, None);
    ch.signed_in(out.authentication_result, "alice").await;

    let wrong = [("PREFERRED_CHALLENGE", "PASSWORD"), ("PASSWORD", WRONG)];
    assert_eq!(error_of(ch.start("alice", &wrong).await), incorrect());
    // Not a first factor at all.
    let bogus = [("PREFERRED_CHALLENGE", "SOFTWARE_TOKEN_MFA")];
    let refused = ch.start("alice", &bogus).await;
    assert_eq!(error_of(refused).0, "InvalidParameterException");
}

async fn user_auth_password_challenge_without_the_password(app: TestApp) {
    let ch = choice_fixture(&app, false).await;
    let prefer = [("PREFERRED_CHALLENGE", "PASSWORD")];
    let out = ch.start("alice", &prefer).await.unwrap();
    assert_eq!(out.challenge_name, Some(ChallengeNameType::Password));
    assert_eq!(out.available_challenges, Some(all_factors()));
    let session = out.session.expect("a session");
    let password = ChallengeNameType::Password;
    let wrong = ch
        .answer(
            password.clone(),
            Some(session.clone()),
            "alice",
            &[("PASSWORD", WRONG)],
        )
        .await;
    assert_eq!(error_of(wrong), incorrect());
    // The session went with the wrong answer; a new one signs in.
    let right = [("PASSWORD", PASSWORD)];
    let used = ch
        .answer(password.clone(), Some(session), "alice", &right)
        .await;
    assert_eq!(error_of(used), invalid_session());
    let out = ch.start("alice", &prefer).await.unwrap();
    let done = ch.answer(password, out.session, "alice", &right).await;
    ch.signed_in(done.unwrap().authentication_result, "alice")
        .await;
}

async fn user_auth_preferred_password_srp(app: TestApp) {
    let ch = choice_fixture(&app, false).await;
    for (password, works) in [(PASSWORD, true), (WRONG, false)] {
        let client = SrpClient::new(&ch.pool_id);
        let a = client.srp_a();
        let prefer = [
            ("PREFERRED_CHALLENGE", "PASSWORD_SRP"),
            ("SRP_A", a.as_str()),
        ];
        let out = ch.start("alice", &prefer).await.unwrap();
        let verifier = (out.challenge_name, out.challenge_parameters);
        let answer = ch.verify(client, verifier, password).await;
        if works {
            ch.signed_in(answer.unwrap().authentication_result, "alice")
                .await;
        } else {
            assert_eq!(error_of(answer), incorrect());
        }
    }
}

async fn user_auth_preferred_codes(app: TestApp) {
    let ch = choice_fixture(&app, false).await;
    let sent_to = [("EMAIL", "a***@e***"), ("SMS", "+*******0100")];
    for ((factor, member), (medium, destination)) in code_factors().into_iter().zip(sent_to) {
        let out = ch
            .start("alice", &[("PREFERRED_CHALLENGE", factor.as_str())])
            .await
            .unwrap();
        assert_eq!(out.challenge_name, Some(factor.clone()));
        assert_eq!(out.available_challenges, Some(all_factors()));
        let parameters = out.challenge_parameters.unwrap();
        assert_eq!(parameters["CODE_DELIVERY_DELIVERY_MEDIUM"], medium);
        assert_eq!(parameters["CODE_DELIVERY_DESTINATION"], destination);
        let code = ch.code("alice").await;
        let done = ch
            .answer(factor, out.session, "alice", &[(member, &code)])
            .await;
        ch.signed_in(done.unwrap().authentication_result, "alice")
            .await;
    }
}

async fn user_auth_select_challenge_and_each_answer(app: TestApp) {
    let ch = choice_fixture(&app, false).await;
    let (session, available) = ch.select("alice").await;
    assert_eq!(available, all_factors());

    // PASSWORD, with the password in the same answer.
    let done = ch
        .answer(SELECT, Some(session), "alice", &BY_PASSWORD)
        .await;
    ch.signed_in(done.unwrap().authentication_result, "alice")
        .await;

    // PASSWORD_SRP, with SRP_A: the PASSWORD_VERIFIER round trip follows.
    let (session, _) = ch.select("alice").await;
    let client = SrpClient::new(&ch.pool_id);
    let a = client.srp_a();
    let by_srp = [("ANSWER", "PASSWORD_SRP"), ("SRP_A", a.as_str())];
    let out = ch.answer(SELECT, Some(session), "alice", &by_srp).await;
    let out = out.unwrap();
    let verifier = (out.challenge_name, out.challenge_parameters);
    let done = ch.verify(client, verifier, PASSWORD).await;
    ch.signed_in(done.unwrap().authentication_result, "alice")
        .await;

    // EMAIL_OTP and SMS_OTP: the code is sent, then answered.
    for (factor, member) in code_factors() {
        let (session, _) = ch.select("alice").await;
        let by_code = [("ANSWER", factor.as_str())];
        let out = ch.answer(SELECT, Some(session), "alice", &by_code).await;
        let out = out.unwrap();
        assert_eq!(out.challenge_name, Some(factor.clone()));
        let code = ch.code("alice").await;
        let done = ch
            .answer(factor, out.session, "alice", &[(member, &code)])
            .await;
        ch.signed_in(done.unwrap().authentication_result, "alice")
            .await;
    }

    // A wrong password through the choice is a wrong password.
    let (session, _) = ch.select("alice").await;
    let wrong = [("ANSWER", "PASSWORD"), ("PASSWORD", WRONG)];
    let refused = ch.answer(SELECT, Some(session), "alice", &wrong).await;
    assert_eq!(error_of(refused), incorrect());
}

async fn user_auth_select_session_is_single_use_and_bound(app: TestApp) {
    let ch = choice_fixture(&app, false).await;
    app.confirmed_user(&ch.pool_id, "bob", PASSWORD).await;
    let (session, _) = ch.select("alice").await;
    // Bob cannot answer alice's choice, and a session of one challenge answers no other.
    let other_user = ch
        .answer(SELECT, Some(session.clone()), "bob", &BY_PASSWORD)
        .await;
    assert_eq!(error_of(other_user), invalid_session());
    let password = [("PASSWORD", PASSWORD)];
    let other_challenge = ch
        .answer(
            ChallengeNameType::Password,
            Some(session.clone()),
            "alice",
            &password,
        )
        .await;
    assert_eq!(error_of(other_challenge), invalid_session());
    // A missing parameter leaves the session usable.
    let missing = ch
        .answer(SELECT, Some(session.clone()), "alice", &BY_PASSWORD[..1])
        .await;
    assert_eq!(error_of(missing).0, "InvalidParameterException");
    ch.answer(SELECT, Some(session.clone()), "alice", &BY_PASSWORD)
        .await
        .unwrap();
    let replay = ch
        .answer(SELECT, Some(session), "alice", &BY_PASSWORD)
        .await;
    assert_eq!(error_of(replay), invalid_session());
    let forged = format!("{}.99999999999999", "A".repeat(86));
    let forged = ch.answer(SELECT, Some(forged), "alice", &BY_PASSWORD).await;
    assert_eq!(error_of(forged), invalid_session());
}

async fn user_auth_sign_in_policy_limits_factors(app: TestApp) {
    // AWS's default policy: PASSWORD only, so codes are neither offered nor sent.
    let (pool_id, _) = app.pool_with_client().await;
    let ch = user_auth_client(&app, &pool_id, false).await;
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    let pool = app.idp.describe_user_pool().user_pool_id(&pool_id).send();
    let policy = pool
        .await
        .unwrap()
        .user_pool
        .and_then(|p| p.policies)
        .and_then(|p| p.sign_in_policy)
        .and_then(|p| p.allowed_first_auth_factors);
    assert_eq!(policy, Some(vec![AuthFactorType::Password]));
    let (session, available) = ch.select("alice").await;
    let passwords = vec![ChallengeNameType::PasswordSrp, ChallengeNameType::Password];
    assert_eq!(available, passwords);
    // A preference the pool does not allow falls back to the choice, which refuses it too.
    let prefer = [("PREFERRED_CHALLENGE", "EMAIL_OTP")];
    let out = ch.start("alice", &prefer).await.unwrap();
    assert_eq!(out.challenge_name, Some(SELECT));
    let by_email = [("ANSWER", "EMAIL_OTP")];
    let refused = ch.answer(SELECT, Some(session), "alice", &by_email).await;
    assert_eq!(error_of(refused).0, "InvalidParameterException");
    let sent = app.messages(&pool_id, "alice", None).await;
    assert!(sent.is_empty(), "no code was sent");

    // The choice pool, for a user whose phone is not verified: no SMS_OTP; passkeys never.
    let ch = choice_fixture(&app, false).await;
    app.confirmed_user(&ch.pool_id, "carol", PASSWORD).await;
    let (_, available) = ch.select("carol").await;
    let mut expected = passwords;
    expected.push(ChallengeNameType::EmailOtp);
    assert_eq!(available, expected);
    let passkey = [("PREFERRED_CHALLENGE", "WEB_AUTHN")];
    let out = ch.start("carol", &passkey).await.unwrap();
    assert_eq!(out.challenge_name, Some(SELECT));
}

async fn user_auth_needs_allow_user_auth(app: TestApp) {
    let (pool_id, client_id) = fixture(&app).await;
    let ch = Choice {
        app: &app,
        pool_id,
        client_id,
    };
    let expected = (
        "InvalidParameterException".to_string(),
        "USER_AUTH flow not enabled for this client".to_string(),
    );
    assert_eq!(error_of(ch.start("alice", &[]).await), expected);
}

async fn user_auth_wrong_codes_count_toward_lockout(app: TestApp) {
    let ch = choice_fixture(&app, false).await;
    let prefer = [("PREFERRED_CHALLENGE", "EMAIL_OTP")];
    for _ in 0..5 {
        let out = ch.start("alice", &prefer).await.unwrap();
        let code = ch.code("alice").await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let refused = ch
            .answer(
                ChallengeNameType::EmailOtp,
                out.session,
                "alice",
                &[("EMAIL_OTP_CODE", wrong)],
            )
            .await;
        assert_eq!(error_of(refused).0, "CodeMismatchException");
    }
    let exceeded = (
        "NotAuthorizedException".to_string(),
        "Password attempts exceeded".to_string(),
    );
    let locked = ch.start("alice", &PREFER_PASSWORD).await;
    assert_eq!(error_of(locked), exceeded);
    // No code goes out to a locked user either.
    let sent = app.messages(&ch.pool_id, "alice", None).await.len();
    assert_eq!(error_of(ch.start("alice", &prefer).await), exceeded);
    assert_eq!(app.messages(&ch.pool_id, "alice", None).await.len(), sent);
}

async fn user_auth_admin_initiate_auth(app: TestApp) {
    let ch = choice_fixture(&app, false).await;
    let out = app
        .idp
        .admin_initiate_auth()
        .user_pool_id(&ch.pool_id)
        .client_id(&ch.client_id)
        .auth_flow(AuthFlowType::UserAuth)
        .auth_parameters("USERNAME", "alice")
        .send()
        .await
        .unwrap();
    assert_eq!(out.challenge_name, Some(SELECT));
    assert_eq!(out.available_challenges, Some(all_factors()));
    let done = app
        .idp
        .admin_respond_to_auth_challenge()
        .user_pool_id(&ch.pool_id)
        .client_id(&ch.client_id)
        .challenge_name(SELECT)
        .set_session(out.session)
        .challenge_responses("USERNAME", "alice")
        .challenge_responses("ANSWER", "PASSWORD")
        .challenge_responses("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    ch.signed_in(done.authentication_result, "alice").await;
}

async fn user_auth_unknown_users(app: TestApp) {
    // Without PreventUserExistenceErrors the name is said to be unknown.
    let legacy = choice_fixture(&app, false).await;
    let not_found = (
        "UserNotFoundException".to_string(),
        "User does not exist.".to_string(),
    );
    assert_eq!(error_of(legacy.start("nobody", &[]).await), not_found);

    // With it, an unknown name is offered what the pool allows and fails like a wrong secret.
    let ch = user_auth_client(&app, &legacy.pool_id, true).await;
    let (session, available) = ch.select("nobody").await;
    assert_eq!(available[..2], all_factors()[..2], "the password factors");
    let wrong = ch
        .answer(SELECT, Some(session.clone()), "nobody", &BY_PASSWORD)
        .await;
    assert_eq!(error_of(wrong), incorrect());
    // Its session is as bound as a real one: another name or a forgery gets nowhere.
    let other = ch
        .answer(SELECT, Some(session.clone()), "somebody", &BY_PASSWORD)
        .await;
    assert_eq!(error_of(other), invalid_session());
    let flipped = if session.starts_with('A') { "B" } else { "A" };
    let forged = format!("{flipped}{}", &session[1..]);
    let forged = ch
        .answer(SELECT, Some(forged), "nobody", &BY_PASSWORD)
        .await;
    assert_eq!(error_of(forged), invalid_session());
    // SRP gets a challenge that fails at the proof.
    let client = SrpClient::new(&ch.pool_id);
    let a = client.srp_a();
    let by_srp = [("ANSWER", "PASSWORD_SRP"), ("SRP_A", a.as_str())];
    let out = ch.answer(SELECT, Some(session), "nobody", &by_srp).await;
    let out = out.unwrap();
    let verifier = (out.challenge_name, out.challenge_parameters);
    let refused = ch.verify(client, verifier, PASSWORD).await;
    assert_eq!(error_of(refused), incorrect());
    // A code is "sent" (nothing goes out) and no code answers it.
    let name = "nobody@example.com";
    let out = ch
        .start(name, &[("PREFERRED_CHALLENGE", "EMAIL_OTP")])
        .await
        .unwrap();
    assert_eq!(out.challenge_name, Some(ChallengeNameType::EmailOtp));
    let parameters = out.challenge_parameters.unwrap();
    assert_eq!(parameters["CODE_DELIVERY_DESTINATION"], "n***@e***");
    let code = [("EMAIL_OTP_CODE", "123456")];
    let refused = ch
        .answer(
            ChallengeNameType::EmailOtp,
            out.session.clone(),
            name,
            &code,
        )
        .await;
    assert!(app.messages(&ch.pool_id, name, None).await.is_empty());
    // Refused exactly as a real user's wrong code is, the session still checked.
    let real = ch
        .start("alice", &[("PREFERRED_CHALLENGE", "EMAIL_OTP")])
        .await
        .unwrap();
    let sent = ch.code("alice").await;
    let wrong = [(
        "EMAIL_OTP_CODE",
        if sent == "123456" { "654321" } else { "123456" },
    )];
    let real_refused = ch
        .answer(ChallengeNameType::EmailOtp, real.session, "alice", &wrong)
        .await;
    let mismatch = (
        "CodeMismatchException".to_string(),
        "Invalid code or auth state for the user.".to_string(),
    );
    assert_eq!(error_of(real_refused), mismatch);
    assert_eq!(error_of(refused), mismatch);
    let other = ch
        .answer(
            ChallengeNameType::EmailOtp,
            out.session,
            "other@example.com",
            &code,
        )
        .await;
    assert_eq!(error_of(other), invalid_session());
    // A password given up front is checked like any wrong one.
    let wrong = ch.start("nobody", &PREFER_PASSWORD).await;
    assert_eq!(error_of(wrong), incorrect());
}

async fn user_auth_unknown_names_are_offered_what_users_hold(app: TestApp) {
    let ch = user_auth_client(&app, &choice_fixture(&app, false).await.pool_id, true).await;
    // Stable for a name: asking again cannot tell a name that is no user from a real one.
    let mut lists = Vec::new();
    for n in 0..16 {
        let name = format!("nobody{n}");
        let (_, first) = ch.select(&name).await;
        let (_, again) = ch.select(&name).await;
        assert_eq!(first, again, "{name}");
        assert_eq!(
            first[..2],
            all_factors()[..2],
            "{name}: the password factors"
        );
        assert!(first.iter().all(|f| all_factors().contains(f)));
        lists.push(first);
    }
    // Not every factor the pool allows for every name: a real user without a verified email or
    // phone (carol) gets fewer, and so do some names that are no user.
    assert!(lists.iter().any(|list| *list != all_factors()), "{lists:?}");
    app.confirmed_user(&ch.pool_id, "carol", PASSWORD).await;
    let (_, carol) = ch.select("carol").await;
    assert_eq!(carol, all_factors()[..3]);
    // A name that is an address gets that medium's code factor, as its owner would.
    let (_, by_mail) = ch.select("somebody@example.com").await;
    assert!(by_mail.contains(&ChallengeNameType::EmailOtp));
    let (_, by_phone) = ch.select("+15555550199").await;
    assert!(by_phone.contains(&ChallengeNameType::SmsOtp));
    // A factor the pool does not allow is offered to no name.
    let (pool_id, _) = app.pool_with_client().await;
    let plain = user_auth_client(&app, &pool_id, true).await;
    let (_, offered) = plain.select("somebody@example.com").await;
    assert_eq!(offered, all_factors()[..2]);
}

async fn user_auth_codes_answer_only_their_own_challenge(app: TestApp) {
    let ch = choice_fixture(&app, false).await;
    app.confirmed_user(&ch.pool_id, "bob", PASSWORD).await;
    let by_email = ch
        .start("alice", &[("PREFERRED_CHALLENGE", "EMAIL_OTP")])
        .await
        .unwrap();
    let email_code = ch.code("alice").await;
    let by_sms = ch
        .start("alice", &[("PREFERRED_CHALLENGE", "SMS_OTP")])
        .await
        .unwrap();
    let sms_code = ch.code("alice").await;
    // The phone's code does not answer the email's challenge (nor the older email code: the
    // newer challenge replaced it).
    let crossed = ch
        .answer(
            ChallengeNameType::EmailOtp,
            by_email.session.clone(),
            "alice",
            &[("EMAIL_OTP_CODE", &sms_code)],
        )
        .await;
    assert_eq!(error_of(crossed).0, "ExpiredCodeException");
    let stale = ch
        .answer(
            ChallengeNameType::EmailOtp,
            by_email.session,
            "alice",
            &[("EMAIL_OTP_CODE", &email_code)],
        )
        .await;
    assert_eq!(error_of(stale).0, "ExpiredCodeException");
    // Another user cannot answer alice's session; nor does the session answer another challenge.
    let code = [("SMS_OTP_CODE", sms_code.as_str())];
    let bob = ch
        .answer(
            ChallengeNameType::SmsOtp,
            by_sms.session.clone(),
            "bob",
            &code,
        )
        .await;
    assert_eq!(error_of(bob), invalid_session());
    let as_mfa = [("SMS_MFA_CODE", sms_code.as_str())];
    let other = ch
        .answer(
            ChallengeNameType::SmsMfa,
            by_sms.session.clone(),
            "alice",
            &as_mfa,
        )
        .await;
    assert_eq!(error_of(other), invalid_session());

    // A sign-in code resets no password, and a reset code signs nobody in.
    ch.app
        .idp
        .forgot_password()
        .client_id(&ch.client_id)
        .username("alice")
        .send()
        .await
        .unwrap();
    let reset_code = ch.code("alice").await;
    if reset_code != sms_code {
        let code = [("SMS_OTP_CODE", reset_code.as_str())];
        let refused = ch
            .answer(
                ChallengeNameType::SmsOtp,
                by_sms.session.clone(),
                "alice",
                &code,
            )
            .await;
        assert_eq!(error_of(refused).0, "CodeMismatchException");
        let reset = ch
            .app
            .idp
            .confirm_forgot_password()
            .client_id(&ch.client_id)
            .username("alice")
            .confirmation_code(&sms_code)
            .password("An0ther!Password")
            .send()
            .await;
        assert_eq!(error_of(reset).0, "CodeMismatchException");
    }
    let done = ch
        .answer(ChallengeNameType::SmsOtp, by_sms.session, "alice", &code)
        .await;
    ch.signed_in(done.unwrap().authentication_result, "alice")
        .await;
}

async fn user_auth_codes_refused_to_disabled_users(app: TestApp) {
    let ch = choice_fixture(&app, false).await;
    let out = ch
        .start("alice", &[("PREFERRED_CHALLENGE", "EMAIL_OTP")])
        .await
        .unwrap();
    let code = ch.code("alice").await;
    let disable = app.idp.admin_disable_user().user_pool_id(&ch.pool_id);
    disable.username("alice").send().await.unwrap();
    let disabled = (
        "NotAuthorizedException".to_string(),
        "User is disabled.".to_string(),
    );
    // Disabling ends the sign-in under way: its session answers nothing, even once re-enabled.
    let answer = [("EMAIL_OTP_CODE", code.as_str())];
    let email = ChallengeNameType::EmailOtp;
    let refused = ch.answer(email.clone(), out.session.clone(), "alice", &answer);
    assert_eq!(error_of(refused.await), invalid_session());
    let enable = app.idp.admin_enable_user().user_pool_id(&ch.pool_id);
    enable.username("alice").send().await.unwrap();
    let refused = ch.answer(email, out.session, "alice", &answer).await;
    assert_eq!(error_of(refused), invalid_session());
    app.idp
        .admin_disable_user()
        .user_pool_id(&ch.pool_id)
        .username("alice")
        .send()
        .await
        .unwrap();
    // No new code goes to a disabled user.
    let sent = app.messages(&ch.pool_id, "alice", None).await.len();
    let again = ch
        .start("alice", &[("PREFERRED_CHALLENGE", "EMAIL_OTP")])
        .await;
    assert_eq!(error_of(again), disabled);
    assert_eq!(app.messages(&ch.pool_id, "alice", None).await.len(), sent);
}

async fn user_auth_get_user_auth_factors(app: TestApp) {
    let ch = choice_fixture(&app, false).await;
    let out = ch.start("alice", &PREFER_PASSWORD).await.unwrap();
    let access = out.authentication_result.unwrap().access_token.unwrap();
    let factors_of = |token: String| app.idp.get_user_auth_factors().access_token(token).send();
    let factors = factors_of(access.clone()).await.unwrap();
    assert_eq!(factors.username, "alice");
    let all = vec![
        AuthFactorType::Password,
        AuthFactorType::EmailOtp,
        AuthFactorType::SmsOtp,
    ];
    assert_eq!(factors.configured_user_auth_factors, Some(all));
    assert_eq!(factors.preferred_mfa_setting, None);
    assert_eq!(factors.user_mfa_setting_list, None);

    // MFA settings as GetUser reports them.
    let email = EmailMfaSettingsType::builder()
        .enabled(true)
        .preferred_mfa(true)
        .build();
    app.idp
        .set_user_mfa_preference()
        .access_token(&access)
        .email_mfa_settings(email)
        .send()
        .await
        .unwrap();
    let factors = factors_of(access).await.unwrap();
    assert_eq!(factors.preferred_mfa_setting.as_deref(), Some("EMAIL_OTP"));
    let enabled = Some(vec!["EMAIL_OTP".to_string()]);
    assert_eq!(factors.user_mfa_setting_list, enabled);

    // Only what the pool allows first: a default pool lists the password alone.
    let (pool_id, client_id) = app.pool_with_client().await;
    app.confirmed_user(&pool_id, "bob", PASSWORD).await;
    let tokens = crate::auth::sign_in(&app, &client_id, "bob", PASSWORD).await;
    let factors = factors_of(tokens.access_token.unwrap()).await.unwrap();
    let password = Some(vec![AuthFactorType::Password]);
    assert_eq!(factors.configured_user_auth_factors, password);

    let bad = factors_of("not-a-token".to_string()).await;
    assert_eq!(error_of(bad).0, "NotAuthorizedException");
}
