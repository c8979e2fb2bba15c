//! Pools configuring triggers: a trigger Cognate does not invoke is refused, never ignored.

use aws_sdk_cognitoidentityprovider::types::{
    CustomEmailLambdaVersionConfigType, CustomEmailSenderLambdaVersionType, LambdaConfigType,
};
use cognate_testkit::lambda::arn;
use cognate_testkit::{TestApp, backend_tests, failure};

backend_tests!(unsupported_triggers_are_refused);

async fn unsupported_triggers_are_refused(app: TestApp) {
    let sender = LambdaConfigType::builder()
        .custom_email_sender(
            CustomEmailLambdaVersionConfigType::builder()
                .lambda_version(CustomEmailSenderLambdaVersionType::V10)
                .lambda_arn(arn("sender"))
                .build()
                .unwrap(),
        )
        .kms_key_id("arn:aws:kms:us-east-1:123456789012:key/k")
        .build();
    let (code, message) = failure(
        app.idp
            .create_user_pool()
            .pool_name("p")
            .lambda_config(sender.clone())
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
    assert!(message.contains("CustomEmailSender"), "{message}");

    let (pool_id, _) = app.pool_with_client().await;
    let (code, message) = failure(
        app.idp
            .update_user_pool()
            .user_pool_id(&pool_id)
            .lambda_config(sender)
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
    assert!(message.contains("CustomEmailSender"), "{message}");
    let described = app
        .idp
        .describe_user_pool()
        .user_pool_id(&pool_id)
        .send()
        .await
        .unwrap();
    let config = described.user_pool.unwrap().lambda_config.unwrap();
    assert!(
        config.custom_email_sender.is_none(),
        "a refused update changes nothing"
    );
}
