//! Pre sign-up and post confirmation; the error mapping (function error, invalid output,
//! failed invocation) shown on pre sign-up, where a failure must leave no user behind; the
//! invocation log.

use aws_sdk_cognitoidentityprovider::types::{LambdaConfigType, UserStatusType};
use cognate_testkit::lambda::{Reply, StandInLambda, arn};
use cognate_testkit::{PASSWORD, TestApp, failure};
use serde_json::json;

use super::{assert_common, invocations, pool_with};
use crate::lambda_tests;
use crate::signup::{attr, attr_map};

lambda_tests!(
    pre_sign_up_event_and_auto_confirm,
    pre_sign_up_on_admin_create_user,
    trigger_failures_map_to_cognito_errors_and_save_nothing,
    post_confirmation_on_every_confirmation,
    post_confirmation_error_is_reported,
    events_name_the_pool_region,
);

/// A pool made by a client of another region: its triggers' events name that region.
async fn events_name_the_pool_region(app: TestApp, lambda: StandInLambda) {
    let function = arn("pre-sign-up");
    lambda.register(&function, Reply::respond(json!({})));
    let west = app.idp_in("us-west-2");
    let pool_id = west
        .create_user_pool()
        .pool_name("west")
        .lambda_config(LambdaConfigType::builder().pre_sign_up(&function).build())
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    assert!(pool_id.starts_with("us-west-2_"), "{pool_id}");
    west.admin_create_user()
        .user_pool_id(&pool_id)
        .username("carol")
        .send()
        .await
        .unwrap();
    let event = &lambda.events(&function)[0];
    assert_common(event, "PreSignUp_AdminCreateUser", &pool_id, "carol");
    assert_eq!(event["region"], "us-west-2");
}

async fn sign_up(app: &TestApp, client_id: &str, name: &str) -> Result<bool, (String, String)> {
    let result = app
        .idp
        .sign_up()
        .client_id(client_id)
        .username(name)
        .password(PASSWORD)
        .user_attributes(attr("email", &format!("{name}@example.com")))
        .validation_data(attr("captcha", "ok"))
        .client_metadata("lang", "fr")
        .send()
        .await;
    match result {
        Ok(out) => Ok(out.user_confirmed),
        Err(e) => Err(failure::<(), _, _>(Err(e))),
    }
}

async fn user_status(app: &TestApp, pool_id: &str, name: &str) -> Option<UserStatusType> {
    app.idp
        .admin_get_user()
        .user_pool_id(pool_id)
        .username(name)
        .send()
        .await
        .ok()
        .and_then(|u| u.user_status)
}

async fn pre_sign_up_event_and_auto_confirm(app: TestApp, lambda: StandInLambda) {
    let function = arn("pre-sign-up");
    lambda.register(
        &function,
        Reply::respond(json!({"autoConfirmUser": true, "autoVerifyEmail": true})),
    );
    let (pool_id, client_id) = pool_with(
        &app,
        LambdaConfigType::builder().pre_sign_up(&function).build(),
    )
    .await;
    assert_eq!(sign_up(&app, &client_id, "alice").await, Ok(true));

    let events = lambda.events(&function);
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_common(event, "PreSignUp_SignUp", &pool_id, "alice");
    assert_eq!(event["callerContext"]["clientId"], client_id.as_str());
    assert_eq!(
        event["request"]["userAttributes"]["email"],
        "alice@example.com"
    );
    assert_eq!(event["request"]["validationData"], json!({"captcha": "ok"}));
    assert_eq!(event["request"]["clientMetadata"], json!({"lang": "fr"}));
    assert_eq!(
        event["response"],
        json!({"autoConfirmUser": false, "autoVerifyPhone": false, "autoVerifyEmail": false})
    );

    let user = app
        .idp
        .admin_get_user()
        .user_pool_id(&pool_id)
        .username("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(user.user_status, Some(UserStatusType::Confirmed));
    assert_eq!(attr_map(user.user_attributes())["email_verified"], "true");
    assert!(
        app.messages(&pool_id, "alice", None).await.is_empty(),
        "an auto-confirmed user gets no confirmation code"
    );
    let log = invocations(&app, &format!("pool_id={pool_id}&trigger=PreSignUp")).await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["outcome"], "ok");
    assert_eq!(log[0]["trigger_source"], "PreSignUp_SignUp");
    assert_eq!(log[0]["reply"]["response"]["autoConfirmUser"], true);
}

async fn pre_sign_up_on_admin_create_user(app: TestApp, lambda: StandInLambda) {
    let function = arn("pre-sign-up");
    lambda.register(&function, Reply::respond(json!({"autoVerifyEmail": true})));
    let (pool_id, _) = pool_with(
        &app,
        LambdaConfigType::builder().pre_sign_up(&function).build(),
    )
    .await;
    app.idp
        .admin_create_user()
        .user_pool_id(&pool_id)
        .username("bob")
        .user_attributes(attr("email", "bob@example.com"))
        .send()
        .await
        .unwrap();
    let event = &lambda.events(&function)[0];
    assert_common(event, "PreSignUp_AdminCreateUser", &pool_id, "bob");
    assert_eq!(
        event["callerContext"]["clientId"],
        "CLIENT_ID_NOT_APPLICABLE"
    );
    assert_eq!(
        user_status(&app, &pool_id, "bob").await,
        Some(UserStatusType::ForceChangePassword)
    );
}

async fn trigger_failures_map_to_cognito_errors_and_save_nothing(
    app: TestApp,
    lambda: StandInLambda,
) {
    let function = arn("pre-sign-up");
    let (pool_id, client_id) = pool_with(
        &app,
        LambdaConfigType::builder().pre_sign_up(&function).build(),
    )
    .await;
    let cases = [
        (
            Reply::FunctionError("Sign-up closed".into()),
            "UserLambdaValidationException",
            "PreSignUp failed with error Sign-up closed.",
        ),
        (
            Reply::Raw("<html>not json</html>".into()),
            "InvalidLambdaResponseException",
            "Unrecognizable lambda output",
        ),
        (
            Reply::Raw("null".into()),
            "InvalidLambdaResponseException",
            "Unrecognizable lambda output",
        ),
        (
            Reply::respond(json!({"autoConfirmUser": "definitely"})),
            "InvalidLambdaResponseException",
            "Unrecognizable lambda output",
        ),
    ];
    for (n, (reply, code, message)) in cases.into_iter().enumerate() {
        lambda.register(&function, reply);
        let name = format!("user{n}");
        let (got_code, got_message) = sign_up(&app, &client_id, &name).await.unwrap_err();
        assert_eq!((got_code.as_str(), got_message.as_str()), (code, message));
        assert_eq!(
            user_status(&app, &pool_id, &name).await,
            None,
            "{code}: no user saved"
        );
    }
    // A function the Lambda service does not know: the invocation itself fails.
    let missing = arn("missing");
    let (pool_id, client_id) = pool_with(
        &app,
        LambdaConfigType::builder().pre_sign_up(&missing).build(),
    )
    .await;
    let (code, message) = sign_up(&app, &client_id, "carol").await.unwrap_err();
    assert_eq!(code, "UnexpectedLambdaException");
    assert_eq!(
        message,
        "PreSignUp invocation failed due to error ResourceNotFoundException."
    );
    assert_eq!(user_status(&app, &pool_id, "carol").await, None);
    let log = invocations(&app, &format!("pool_id={pool_id}")).await;
    assert_eq!(log[0]["outcome"], "failed");
    assert_eq!(log[0]["error"], "UnexpectedLambdaException");
}

async fn post_confirmation_on_every_confirmation(app: TestApp, lambda: StandInLambda) {
    let function = arn("post-confirmation");
    lambda.register(&function, Reply::echo());
    let (pool_id, client_id) = pool_with(
        &app,
        LambdaConfigType::builder()
            .post_confirmation(&function)
            .build(),
    )
    .await;
    // Administrator-created users are not confirmed by sign-up: no invocation.
    app.confirmed_user(&pool_id, "admin-made", PASSWORD).await;
    assert!(lambda.events(&function).is_empty());

    sign_up(&app, &client_id, "alice").await.unwrap();
    app.idp
        .admin_confirm_sign_up()
        .user_pool_id(&pool_id)
        .username("alice")
        .client_metadata("source", "test")
        .send()
        .await
        .unwrap();
    let events = lambda.events(&function);
    assert_eq!(events.len(), 1);
    assert_common(
        &events[0],
        "PostConfirmation_ConfirmSignUp",
        &pool_id,
        "alice",
    );
    assert_eq!(
        events[0]["request"]["clientMetadata"],
        json!({"source": "test"})
    );
    assert_eq!(
        events[0]["request"]["userAttributes"]["email"],
        "alice@example.com"
    );
    assert!(events[0]["request"]["userAttributes"]["sub"].is_string());
    assert_eq!(events[0]["response"], json!({}));

    // AdminConfirmSignUp verifies nothing; a verified email lets the password be reset.
    app.idp
        .admin_update_user_attributes()
        .user_pool_id(&pool_id)
        .username("alice")
        .user_attributes(attr("email_verified", "true"))
        .send()
        .await
        .unwrap();
    app.idp
        .forgot_password()
        .client_id(&client_id)
        .username("alice")
        .send()
        .await
        .unwrap();
    let code = app.last_code(&pool_id, "alice").await;
    app.idp
        .confirm_forgot_password()
        .client_id(&client_id)
        .username("alice")
        .confirmation_code(code)
        .password("N3w!Password")
        .send()
        .await
        .unwrap();
    let events = lambda.events(&function);
    assert_eq!(events.len(), 2);
    assert_common(
        &events[1],
        "PostConfirmation_ConfirmForgotPassword",
        &pool_id,
        "alice",
    );
    assert_eq!(events[1]["callerContext"]["clientId"], client_id.as_str());
}

async fn post_confirmation_error_is_reported(app: TestApp, lambda: StandInLambda) {
    let function = arn("post-confirmation");
    lambda.register(
        &function,
        Reply::FunctionError("Welcome workflow down".into()),
    );
    let (pool_id, client_id) = pool_with(
        &app,
        LambdaConfigType::builder()
            .post_confirmation(&function)
            .build(),
    )
    .await;
    sign_up(&app, &client_id, "alice").await.unwrap();
    let code = app.last_code(&pool_id, "alice").await;
    let (code, message) = failure(
        app.idp
            .confirm_sign_up()
            .client_id(&client_id)
            .username("alice")
            .confirmation_code(code)
            .send()
            .await,
    );
    assert_eq!(code, "UserLambdaValidationException");
    assert_eq!(
        message,
        "PostConfirmation failed with error Welcome workflow down."
    );
}
