//! Custom message: every `CustomMessage_*` source, the returned text as the outbox gets it, the
//! placeholder rules, and a failing function leaving nothing saved.

use aws_sdk_cognitoidentityprovider::types::{
    DeliveryMediumType, LambdaConfigType, MessageActionType,
};
use cognate_testkit::lambda::{Reply, StandInLambda, arn};
use cognate_testkit::{PASSWORD, TestApp, failure};
use serde_json::{Value, json};

use super::{assert_common, pool_with};
use crate::lambda_tests;
use crate::signup::attr;

lambda_tests!(
    custom_message_on_sign_up_resend_and_forgot_password,
    custom_message_on_attribute_verification,
    custom_message_on_admin_create_user,
    messages_without_placeholders_are_not_sent,
    failing_custom_message_saves_nothing,
);

/// A function writing its own texts around the placeholders it was given.
fn rewriting() -> Reply {
    Reply::handler(|mut event: Value| {
        let code = event["request"]["codeParameter"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let user = event["request"]["usernameParameter"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let source = event["triggerSource"].as_str().unwrap_or("").to_string();
        event["response"] = json!({
            "emailSubject": format!("Subject for {source}"),
            "emailMessage": format!("<b>{source}</b> {user} code {code}"),
            "smsMessage": format!("{source} sms {user} {code}"),
        });
        event
    })
}

async fn sign_up(app: &TestApp, client_id: &str, name: &str) -> Result<(), (String, String)> {
    app.idp
        .sign_up()
        .client_id(client_id)
        .username(name)
        .password(PASSWORD)
        .user_attributes(attr("email", &format!("{name}@example.com")))
        .client_metadata("lang", "fr")
        .send()
        .await
        .map(|_| ())
        .map_err(|e| failure::<(), _, _>(Err(e)))
}

async fn custom_message_on_sign_up_resend_and_forgot_password(app: TestApp, lambda: StandInLambda) {
    let function = arn("custom-message");
    lambda.register(&function, rewriting());
    let (pool_id, client_id) = pool_with(
        &app,
        LambdaConfigType::builder()
            .custom_message(&function)
            .build(),
    )
    .await;
    sign_up(&app, &client_id, "alice").await.unwrap();
    let sent = app.last_message(&pool_id, "alice").await;
    let code = sent.code.clone().unwrap();
    assert_eq!(
        sent.subject.as_deref(),
        Some("Subject for CustomMessage_SignUp")
    );
    assert_eq!(
        sent.body,
        format!("<b>CustomMessage_SignUp</b>  code {code}")
    );
    let event = &lambda.events(&function)[0];
    assert_common(event, "CustomMessage_SignUp", &pool_id, "alice");
    assert_eq!(event["callerContext"]["clientId"], client_id.as_str());
    assert_eq!(event["request"]["codeParameter"], "{####}");
    assert!(event["request"].get("usernameParameter").is_none());
    assert_eq!(event["request"]["clientMetadata"], json!({"lang": "fr"}));
    assert_eq!(
        event["request"]["userAttributes"]["email"],
        "alice@example.com"
    );
    assert_eq!(
        event["response"],
        json!({"smsMessage": null, "emailMessage": null, "emailSubject": null})
    );

    app.idp
        .resend_confirmation_code()
        .client_id(&client_id)
        .username("alice")
        .send()
        .await
        .unwrap();
    let sent = app.last_message(&pool_id, "alice").await;
    assert!(
        sent.body.starts_with("<b>CustomMessage_ResendCode</b>"),
        "{}",
        sent.body
    );
    assert!(sent.body.ends_with(&sent.code.clone().unwrap()));

    app.confirmed_user(&pool_id, "bob", PASSWORD).await;
    app.idp
        .forgot_password()
        .client_id(&client_id)
        .username("bob")
        .client_metadata("reason", "forgot")
        .send()
        .await
        .unwrap();
    let sent = app.last_message(&pool_id, "bob").await;
    assert_eq!(sent.kind, "FORGOT_PASSWORD");
    assert_eq!(
        sent.body,
        format!(
            "<b>CustomMessage_ForgotPassword</b>  code {}",
            sent.code.unwrap()
        )
    );
    let event = lambda.events(&function).pop().unwrap();
    assert_eq!(event["triggerSource"], "CustomMessage_ForgotPassword");
    assert_eq!(
        event["request"]["clientMetadata"],
        json!({"reason": "forgot"})
    );
}

async fn custom_message_on_attribute_verification(app: TestApp, lambda: StandInLambda) {
    let function = arn("custom-message");
    lambda.register(&function, rewriting());
    let (pool_id, client_id) = pool_with(
        &app,
        LambdaConfigType::builder()
            .custom_message(&function)
            .build(),
    )
    .await;
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    let token = crate::auth::password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .unwrap()
        .authentication_result
        .unwrap()
        .access_token
        .unwrap();
    app.idp
        .update_user_attributes()
        .access_token(&token)
        .user_attributes(attr("email", "new@example.com"))
        .send()
        .await
        .unwrap();
    let sent = app.last_message(&pool_id, "alice").await;
    assert_eq!(sent.destination, "new@example.com");
    assert!(
        sent.body
            .starts_with("<b>CustomMessage_UpdateUserAttribute</b>")
    );
    app.idp
        .get_user_attribute_verification_code()
        .access_token(&token)
        .attribute_name("email")
        .client_metadata("via", "settings")
        .send()
        .await
        .unwrap();
    let sent = app.last_message(&pool_id, "alice").await;
    assert!(
        sent.body
            .starts_with("<b>CustomMessage_VerifyUserAttribute</b>")
    );
    let event = lambda.events(&function).pop().unwrap();
    assert_common(
        &event,
        "CustomMessage_VerifyUserAttribute",
        &pool_id,
        "alice",
    );
    assert_eq!(event["callerContext"]["clientId"], client_id.as_str());
    assert_eq!(
        event["request"]["clientMetadata"],
        json!({"via": "settings"})
    );
}

async fn custom_message_on_admin_create_user(app: TestApp, lambda: StandInLambda) {
    let function = arn("custom-message");
    lambda.register(&function, rewriting());
    let (pool_id, _) = pool_with(
        &app,
        LambdaConfigType::builder()
            .custom_message(&function)
            .build(),
    )
    .await;
    app.idp
        .admin_create_user()
        .user_pool_id(&pool_id)
        .username("carol")
        .temporary_password("Temp0rary!pass")
        .user_attributes(attr("email", "carol@example.com"))
        .user_attributes(attr("phone_number", "+15555550100"))
        .desired_delivery_mediums(DeliveryMediumType::Email)
        .desired_delivery_mediums(DeliveryMediumType::Sms)
        .client_metadata("team", "ops")
        .send()
        .await
        .unwrap();
    let sent = app.messages(&pool_id, "carol", None).await;
    let email = sent.iter().find(|m| m.medium == "EMAIL").unwrap();
    let sms = sent.iter().find(|m| m.medium == "SMS").unwrap();
    assert_eq!(
        email.body,
        "<b>CustomMessage_AdminCreateUser</b> carol code Temp0rary!pass"
    );
    assert_eq!(
        sms.body,
        "CustomMessage_AdminCreateUser sms carol Temp0rary!pass"
    );
    let event = &lambda.events(&function)[0];
    assert_common(event, "CustomMessage_AdminCreateUser", &pool_id, "carol");
    assert_eq!(
        event["callerContext"]["clientId"],
        "CLIENT_ID_NOT_APPLICABLE"
    );
    assert_eq!(event["request"]["codeParameter"], "{####}");
    assert_eq!(event["request"]["usernameParameter"], "{username}");
    assert_eq!(event["request"]["clientMetadata"], json!({"team": "ops"}));

    // RESEND invites again through the same function.
    app.idp
        .admin_create_user()
        .user_pool_id(&pool_id)
        .username("carol")
        .message_action(MessageActionType::Resend)
        .desired_delivery_mediums(DeliveryMediumType::Email)
        .send()
        .await
        .unwrap();
    assert_eq!(lambda.events(&function).len(), 3);
}

async fn messages_without_placeholders_are_not_sent(app: TestApp, lambda: StandInLambda) {
    let function = arn("custom-message");
    // The code placeholder is missing from the body; for invitations the username one too.
    lambda.register(
        &function,
        Reply::respond(json!({
            "emailSubject": "Custom subject",
            "emailMessage": "Welcome! Your code is {####}",
            "smsMessage": "no code here"})),
    );
    let (pool_id, client_id) = pool_with(
        &app,
        LambdaConfigType::builder()
            .custom_message(&function)
            .build(),
    )
    .await;
    sign_up(&app, &client_id, "alice").await.unwrap();
    let sent = app.last_message(&pool_id, "alice").await;
    let code = sent.code.unwrap();
    assert_eq!(sent.subject.as_deref(), Some("Custom subject"));
    assert_eq!(sent.body, format!("Welcome! Your code is {code}"));

    // An invitation lacking {username}: the pool's own message, the function's subject.
    app.idp
        .admin_create_user()
        .user_pool_id(&pool_id)
        .username("carol")
        .temporary_password("Temp0rary!pass")
        .user_attributes(attr("email", "carol@example.com"))
        .desired_delivery_mediums(DeliveryMediumType::Email)
        .send()
        .await
        .unwrap();
    let sent = app.last_message(&pool_id, "carol").await;
    assert_eq!(sent.subject.as_deref(), Some("Custom subject"));
    assert_eq!(
        sent.body,
        "Your username is carol and temporary password is Temp0rary!pass."
    );
}

async fn failing_custom_message_saves_nothing(app: TestApp, lambda: StandInLambda) {
    let function = arn("custom-message");
    lambda.register(&function, Reply::FunctionError("templates down".into()));
    let (pool_id, client_id) = pool_with(
        &app,
        LambdaConfigType::builder()
            .custom_message(&function)
            .build(),
    )
    .await;
    let (code, message) = sign_up(&app, &client_id, "alice").await.unwrap_err();
    assert_eq!(code, "UserLambdaValidationException");
    assert_eq!(message, "CustomMessage failed with error templates down.");
    let (code, _) = failure(
        app.idp
            .admin_create_user()
            .user_pool_id(&pool_id)
            .username("carol")
            .user_attributes(attr("email", "carol@example.com"))
            .desired_delivery_mediums(DeliveryMediumType::Email)
            .send()
            .await,
    );
    assert_eq!(code, "UserLambdaValidationException");
    for name in ["alice", "carol"] {
        let found = app
            .idp
            .admin_get_user()
            .user_pool_id(&pool_id)
            .username(name)
            .send()
            .await;
        assert!(found.is_err(), "{name} was saved");
    }
}
