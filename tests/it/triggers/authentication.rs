//! Pre authentication, post authentication and pre token generation (V1_0 and V2_0) on the
//! sign-in and refresh paths.

use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, LambdaConfigType, PreTokenGenerationLambdaVersionType,
    PreTokenGenerationVersionConfigType,
};
use cognate_testkit::lambda::{Reply, StandInLambda, arn};
use cognate_testkit::{PASSWORD, TestApp, failure};
use serde_json::json;

use super::{assert_common, pool_with};
use crate::auth::{claims, password_auth};
use crate::lambda_tests;

lambda_tests!(
    pre_authentication_error_denies_sign_in,
    post_authentication_event,
    pre_token_generation_v1_shapes_the_id_token_on_sign_in_and_refresh,
    pre_token_generation_v2_shapes_both_tokens_and_scopes,
    protected_claims_are_refused,
);

async fn pre_authentication_error_denies_sign_in(app: TestApp, lambda: StandInLambda) {
    let function = arn("pre-auth");
    lambda.register(&function, Reply::FunctionError("blocked".into()));
    let (pool_id, client_id) = pool_with(
        &app,
        LambdaConfigType::builder()
            .pre_authentication(&function)
            .build(),
    )
    .await;
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    let (code, message) = failure(password_auth(&app, &client_id, "alice", PASSWORD).await);
    assert_eq!(code, "UserLambdaValidationException");
    assert_eq!(message, "PreAuthentication failed with error blocked.");
    let event = &lambda.events(&function)[0];
    assert_common(event, "PreAuthentication_Authentication", &pool_id, "alice");
    assert_eq!(event["callerContext"]["clientId"], client_id.as_str());
    assert_eq!(
        event["request"]["userAttributes"]["email"],
        "alice@example.com"
    );
}

async fn post_authentication_event(app: TestApp, lambda: StandInLambda) {
    let function = arn("post-auth");
    lambda.register(&function, Reply::echo());
    let (pool_id, client_id) = pool_with(
        &app,
        LambdaConfigType::builder()
            .post_authentication(&function)
            .build(),
    )
    .await;
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    let out = password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap();
    let events = lambda.events(&function);
    assert_eq!(events.len(), 1);
    assert_common(
        &events[0],
        "PostAuthentication_Authentication",
        &pool_id,
        "alice",
    );
    assert_eq!(events[0]["request"]["newDeviceUsed"], false);
    assert_eq!(events[0]["response"], json!({}));
    // A refresh is not an authentication.
    let refresh = out.authentication_result.unwrap().refresh_token.unwrap();
    app.idp
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", refresh)
        .send()
        .await
        .unwrap();
    assert_eq!(lambda.events(&function).len(), 1);
}

async fn pre_token_generation_v1_shapes_the_id_token_on_sign_in_and_refresh(
    app: TestApp,
    lambda: StandInLambda,
) {
    let function = arn("pre-token");
    lambda.register(
        &function,
        Reply::respond(json!({"claimsOverrideDetails": {
            "claimsToAddOrOverride": {"tier": "gold", "nickname": "both"},
            "claimsToSuppress": ["email", "nickname"],
            "groupOverrideDetails": {"groupsToOverride": ["override"]}}})),
    );
    let (pool_id, client_id) = pool_with(
        &app,
        LambdaConfigType::builder()
            .pre_token_generation(&function)
            .build(),
    )
    .await;
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    let result = password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    let id = claims(result.id_token().unwrap());
    let access = claims(result.access_token().unwrap());
    assert_eq!(id["tier"], "gold");
    assert!(id.get("email").is_none() && id.get("nickname").is_none());
    assert_eq!(id["cognito:groups"], json!(["override"]));
    assert_eq!(access["cognito:groups"], json!(["override"]));
    assert!(
        access.get("tier").is_none(),
        "V1_0 leaves the access token's claims"
    );
    let event = &lambda.events(&function)[0];
    assert_common(event, "TokenGeneration_Authentication", &pool_id, "alice");
    assert_eq!(
        event["request"]["groupConfiguration"]["groupsToOverride"],
        json!([])
    );

    let refreshed = app
        .idp
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", result.refresh_token().unwrap())
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    assert_eq!(claims(refreshed.id_token().unwrap())["tier"], "gold");
    assert_eq!(
        lambda.events(&function)[1]["triggerSource"],
        "TokenGeneration_RefreshTokens"
    );
}

fn versioned(function: &str, version: PreTokenGenerationLambdaVersionType) -> LambdaConfigType {
    LambdaConfigType::builder()
        .pre_token_generation_config(
            PreTokenGenerationVersionConfigType::builder()
                .lambda_version(version)
                .lambda_arn(function)
                .build()
                .unwrap(),
        )
        .build()
}

async fn pre_token_generation_v2_shapes_both_tokens_and_scopes(
    app: TestApp,
    lambda: StandInLambda,
) {
    let function = arn("pre-token");
    lambda.register(
        &function,
        Reply::respond(json!({"claimsAndScopeOverrideDetails": {
            "idTokenGeneration": {"claimsToAddOrOverride": {"obj": {"n": 2}}},
            "accessTokenGeneration": {"claimsToAddOrOverride": {"at": "v"},
                "scopesToAdd": ["api/read"],
                "scopesToSuppress": ["aws.cognito.signin.user.admin"]}}})),
    );
    let (pool_id, client_id) = pool_with(
        &app,
        versioned(&function, PreTokenGenerationLambdaVersionType::V20),
    )
    .await;
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    let result = password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    let id = claims(result.id_token().unwrap());
    let access = claims(result.access_token().unwrap());
    assert_eq!(id["obj"], json!({"n": 2}));
    assert_eq!(access["at"], "v");
    assert_eq!(access["scope"], "api/read");
    let event = &lambda.events(&function)[0];
    assert_eq!(event["version"], "2");
    assert_eq!(
        event["request"]["scopes"],
        json!(["aws.cognito.signin.user.admin"])
    );
    // Without the admin scope the access token no longer reads the user.
    let (code, _) = failure(
        app.idp
            .get_user()
            .access_token(result.access_token().unwrap())
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
}

async fn protected_claims_are_refused(app: TestApp, lambda: StandInLambda) {
    let function = arn("pre-token");
    lambda.register(
        &function,
        Reply::respond(json!({"claimsOverrideDetails": {"claimsToAddOrOverride": {"sub": "x"}}})),
    );
    let (pool_id, client_id) = pool_with(
        &app,
        LambdaConfigType::builder()
            .pre_token_generation(&function)
            .build(),
    )
    .await;
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    let (code, _) = failure(password_auth(&app, &client_id, "alice", PASSWORD).await);
    assert_eq!(code, "InvalidLambdaResponseException");
}
