//! Custom authentication: the define/create/verify loop, private parameters kept server-side,
//! failAuthentication, the SRP_A-first variant, single-use sessions, the round limit, and
//! PreTokenGeneration's source after NEW_PASSWORD_REQUIRED.

use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ChallengeNameType, ExplicitAuthFlowsType, LambdaConfigType,
};
use cognate_testkit::lambda::{Reply, StandInLambda, arn};
use cognate_testkit::srp_client::{SrpChallenge, SrpClient};
use cognate_testkit::{PASSWORD, TestApp, failure};
use serde_json::{Value, json};

use super::assert_common;
use crate::auth::claims;
use crate::lambda_tests;

lambda_tests!(
    custom_challenge_loop_issues_tokens,
    fail_authentication_and_round_limit,
    srp_first_then_custom_challenge,
    admin_custom_auth_and_unconfigured_pool,
    new_password_challenge_token_source,
);

const DEFINE: &str = "define";
const CREATE: &str = "create";
const VERIFY: &str = "verify";

/// Custom challenges until one is answered right; fails after three wrong answers.
fn define_until_right() -> Reply {
    Reply::handler(|mut event: Value| {
        let session = event["request"]["session"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let last_right = session.last().is_some_and(|s| {
            s["challengeResult"] == true && s["challengeName"] == "CUSTOM_CHALLENGE"
        });
        event["response"] = if last_right {
            json!({"issueTokens": true, "failAuthentication": false})
        } else if session.len() >= 3 {
            json!({"issueTokens": false, "failAuthentication": true})
        } else {
            json!({"challengeName": "CUSTOM_CHALLENGE", "issueTokens": false, "failAuthentication": false})
        };
        event
    })
}

fn create_question() -> Reply {
    Reply::respond(json!({
        "publicChallengeParameters": {"question": "2+2"},
        "privateChallengeParameters": {"answer": "4"},
        "challengeMetadata": "QUESTION"}))
}

fn verify_answer() -> Reply {
    Reply::handler(|mut event: Value| {
        let right = event["request"]["challengeAnswer"]
            == event["request"]["privateChallengeParameters"]["answer"];
        event["response"] = json!({"answerCorrect": right});
        event
    })
}

/// A pool with the three custom auth functions (and `extra`), and a client allowing
/// CUSTOM_AUTH and SRP; a confirmed user "alice".
async fn custom_pool(
    app: &TestApp,
    lambda: &StandInLambda,
    define: Reply,
    extra: impl FnOnce(
        aws_sdk_cognitoidentityprovider::types::builders::LambdaConfigTypeBuilder,
    ) -> aws_sdk_cognitoidentityprovider::types::builders::LambdaConfigTypeBuilder,
) -> (String, String) {
    lambda.register(&arn(DEFINE), define);
    lambda.register(&arn(CREATE), create_question());
    lambda.register(&arn(VERIFY), verify_answer());
    let config = extra(
        LambdaConfigType::builder()
            .define_auth_challenge(arn(DEFINE))
            .create_auth_challenge(arn(CREATE))
            .verify_auth_challenge_response(arn(VERIFY)),
    )
    .build();
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("custom")
        .lambda_config(config)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client_id = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("custom")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowCustomAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowAdminUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    (pool_id, client_id)
}

async fn start(
    app: &TestApp,
    client_id: &str,
) -> (String, std::collections::HashMap<String, String>) {
    let out = app
        .idp
        .initiate_auth()
        .client_id(client_id)
        .auth_flow(AuthFlowType::CustomAuth)
        .auth_parameters("USERNAME", "alice")
        .client_metadata("from", "initiate")
        .send()
        .await
        .unwrap();
    assert_eq!(out.challenge_name, Some(ChallengeNameType::CustomChallenge));
    (out.session.unwrap(), out.challenge_parameters.unwrap())
}

async fn answer(
    app: &TestApp,
    client_id: &str,
    session: &str,
    answer: &str,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput,
    (String, String),
>{
    app.idp
        .respond_to_auth_challenge()
        .client_id(client_id)
        .challenge_name(ChallengeNameType::CustomChallenge)
        .session(session)
        .challenge_responses("USERNAME", "alice")
        .challenge_responses("ANSWER", answer)
        .client_metadata("from", "respond")
        .send()
        .await
        .map_err(|e| failure::<(), _, _>(Err(e)))
}

async fn custom_challenge_loop_issues_tokens(app: TestApp, lambda: StandInLambda) {
    let (pool_id, client_id) = custom_pool(&app, &lambda, define_until_right(), |c| c).await;
    let (session, parameters) = start(&app, &client_id).await;
    assert_eq!(parameters.get("question").map(String::as_str), Some("2+2"));
    assert_eq!(
        parameters.get("USERNAME").map(String::as_str),
        Some("alice")
    );
    assert!(
        !parameters.contains_key("answer"),
        "private parameters stay server-side"
    );
    let define = &lambda.events(&arn(DEFINE))[0];
    assert_common(
        define,
        "DefineAuthChallenge_Authentication",
        &pool_id,
        "alice",
    );
    assert_eq!(define["request"]["session"], json!([]));
    assert_eq!(define["request"]["userNotFound"], false);
    assert!(
        define["request"].get("clientMetadata").is_none(),
        "InitiateAuth's ClientMetadata does not reach define auth challenge"
    );
    let create = &lambda.events(&arn(CREATE))[0];
    assert_common(
        create,
        "CreateAuthChallenge_Authentication",
        &pool_id,
        "alice",
    );
    assert_eq!(create["request"]["challengeName"], "CUSTOM_CHALLENGE");

    let wrong = answer(&app, &client_id, &session, "5").await.unwrap();
    assert_eq!(
        wrong.challenge_name,
        Some(ChallengeNameType::CustomChallenge)
    );
    let verify = &lambda.events(&arn(VERIFY))[0];
    assert_common(
        verify,
        "VerifyAuthChallengeResponse_Authentication",
        &pool_id,
        "alice",
    );
    assert_eq!(
        verify["request"]["privateChallengeParameters"],
        json!({"answer": "4"})
    );
    assert_eq!(verify["request"]["challengeAnswer"], "5");
    assert_eq!(
        verify["request"]["clientMetadata"],
        json!({"from": "respond"})
    );
    // The used session is gone.
    let (code, _) = answer(&app, &client_id, &session, "4").await.unwrap_err();
    assert_eq!(code, "NotAuthorizedException");

    let tokens = answer(&app, &client_id, &wrong.session.unwrap(), "4")
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    assert_eq!(
        claims(tokens.id_token().unwrap())["cognito:username"],
        "alice"
    );
    let defines = lambda.events(&arn(DEFINE));
    assert_eq!(
        defines[2]["request"]["session"],
        json!([
            {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": false, "challengeMetadata": "QUESTION"},
            {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": true, "challengeMetadata": "QUESTION"}
        ])
    );
}

async fn fail_authentication_and_round_limit(app: TestApp, lambda: StandInLambda) {
    let (_, client_id) = custom_pool(&app, &lambda, define_until_right(), |c| c).await;
    let (mut session, _) = start(&app, &client_id).await;
    for _ in 0..2 {
        session = answer(&app, &client_id, &session, "5")
            .await
            .unwrap()
            .session
            .unwrap();
    }
    let (code, message) = answer(&app, &client_id, &session, "5").await.unwrap_err();
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("NotAuthorizedException", "Incorrect username or password.")
    );
    // A define function that never decides: the sign-in ends after the round limit.
    lambda.register(
        &arn(DEFINE),
        Reply::respond(json!({"challengeName": "CUSTOM_CHALLENGE"})),
    );
    let (mut session, _) = start(&app, &client_id).await;
    let mut rounds = 0;
    let code = loop {
        match answer(&app, &client_id, &session, "5").await {
            Ok(out) => session = out.session.unwrap(),
            Err((code, _)) => break code,
        }
        rounds += 1;
        assert!(rounds < 50, "no round limit");
    };
    assert_eq!(code, "NotAuthorizedException");
    // A define answer that decides nothing is not a valid reply.
    lambda.register(&arn(DEFINE), Reply::echo());
    let (code, _) = failure(
        app.idp
            .initiate_auth()
            .client_id(&client_id)
            .auth_flow(AuthFlowType::CustomAuth)
            .auth_parameters("USERNAME", "alice")
            .send()
            .await,
    );
    assert_eq!(code, "InvalidLambdaResponseException");
}

async fn srp_first_then_custom_challenge(app: TestApp, lambda: StandInLambda) {
    let define = Reply::handler(|mut event: Value| {
        let names: Vec<String> = event["request"]["session"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| {
                format!(
                    "{}={}",
                    s["challengeName"].as_str().unwrap_or(""),
                    s["challengeResult"]
                )
            })
            .collect();
        event["response"] = match names.join(",").as_str() {
            "SRP_A=true" => json!({"challengeName": "PASSWORD_VERIFIER"}),
            "SRP_A=true,PASSWORD_VERIFIER=true" => json!({"challengeName": "CUSTOM_CHALLENGE"}),
            "SRP_A=true,PASSWORD_VERIFIER=true,CUSTOM_CHALLENGE=true" => {
                json!({"issueTokens": true})
            }
            _ => json!({"failAuthentication": true}),
        };
        event
    });
    let (pool_id, client_id) = custom_pool(&app, &lambda, define, |c| c).await;
    let client = SrpClient::new(&pool_id);
    let out = app
        .idp
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::CustomAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("SRP_A", client.srp_a())
        .auth_parameters("CHALLENGE_NAME", "SRP_A")
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.challenge_name,
        Some(ChallengeNameType::PasswordVerifier)
    );
    let challenge = SrpChallenge {
        client,
        parameters: out.challenge_parameters.unwrap_or_default(),
        session: out.session,
    };
    let custom = app
        .srp_answer(&client_id, &challenge, PASSWORD)
        .await
        .unwrap();
    assert_eq!(
        custom.challenge_name,
        Some(ChallengeNameType::CustomChallenge)
    );
    answer(&app, &client_id, &custom.session.unwrap(), "4")
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    assert_eq!(lambda.events(&arn(DEFINE)).len(), 3);
}

async fn admin_custom_auth_and_unconfigured_pool(app: TestApp, lambda: StandInLambda) {
    let pre_auth = arn("pre-auth");
    lambda.register(&pre_auth, Reply::echo());
    let (pool_id, client_id) = custom_pool(&app, &lambda, define_until_right(), |c| {
        c.pre_authentication(&pre_auth)
    })
    .await;
    let out = app
        .idp
        .admin_initiate_auth()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .auth_flow(AuthFlowType::CustomAuth)
        .auth_parameters("USERNAME", "alice")
        .client_metadata("captcha", "ok")
        .send()
        .await
        .unwrap();
    assert_eq!(out.challenge_name, Some(ChallengeNameType::CustomChallenge));
    let pre = &lambda.events(&pre_auth)[0];
    assert_eq!(pre["request"]["validationData"], json!({"captcha": "ok"}));
    let tokens = app
        .idp
        .admin_respond_to_auth_challenge()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .challenge_name(ChallengeNameType::CustomChallenge)
        .session(out.session.unwrap())
        .challenge_responses("USERNAME", "alice")
        .challenge_responses("ANSWER", "4")
        .send()
        .await
        .unwrap();
    assert!(tokens.authentication_result.is_some());

    // A pool without the functions: AWS's refusal.
    let (plain_pool, _) = app.pool_with_client().await;
    let plain_client = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&plain_pool)
        .client_name("c")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowCustomAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let (code, message) = failure(
        app.idp
            .initiate_auth()
            .client_id(&plain_client)
            .auth_flow(AuthFlowType::CustomAuth)
            .auth_parameters("USERNAME", "alice")
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(
        message,
        "Custom auth lambda trigger is not configured for the user pool."
    );
}

async fn new_password_challenge_token_source(app: TestApp, lambda: StandInLambda) {
    let pre_token = arn("pre-token");
    lambda.register(&pre_token, Reply::echo());
    let (pool_id, client_id) = custom_pool(&app, &lambda, define_until_right(), |c| {
        c.pre_token_generation(&pre_token)
    })
    .await;
    app.idp
        .admin_create_user()
        .user_pool_id(&pool_id)
        .username("bob")
        .temporary_password("Temp0rary!pass")
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let challenge = app
        .idp
        .admin_initiate_auth()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "bob")
        .auth_parameters("PASSWORD", "Temp0rary!pass")
        .send()
        .await
        .unwrap();
    assert_eq!(
        challenge.challenge_name,
        Some(ChallengeNameType::NewPasswordRequired)
    );
    app.idp
        .admin_respond_to_auth_challenge()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(challenge.session.unwrap())
        .challenge_responses("USERNAME", "bob")
        .challenge_responses("NEW_PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    let event = lambda.events(&pre_token).pop().unwrap();
    assert_common(
        &event,
        "TokenGeneration_NewPasswordChallenge",
        &pool_id,
        "bob",
    );
}
