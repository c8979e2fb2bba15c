//! Broken model constraints (pattern, length, range, required): cognito-identity answers
//! `ValidationException`, cognito-idp `InvalidParameterException`, both with AWS's
//! "N validation error(s) detected: …" message. Nothing is created by a refused request.

use cognate_testkit::{TestApp, backend_tests, failure};

backend_tests!(
    identity_answers_validation_exception,
    idp_keeps_invalid_parameter
);

async fn identity_answers_validation_exception(app: TestApp) {
    // Pattern.
    let (code, message) = failure(
        app.identity
            .create_identity_pool()
            .identity_pool_name("pool#name")
            .allow_unauthenticated_identities(true)
            .send()
            .await,
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        message,
        r"1 validation error detected: Value 'pool#name' at 'identityPoolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w\s+=,.@-]+"
    );
    let listed = app
        .identity
        .list_identity_pools()
        .max_results(60)
        .send()
        .await
        .unwrap();
    assert!(listed.identity_pools().is_empty(), "nothing was created");

    // Length and pattern of an id, reported together.
    let (code, message) = failure(app.identity.get_id().identity_pool_id("").send().await);
    assert_eq!(code, "ValidationException");
    assert!(
        message.starts_with("2 validation errors detected: Value '' at 'identityPoolId'"),
        "{message}"
    );

    // Range.
    let (code, message) = failure(
        app.identity
            .list_identity_pools()
            .max_results(61)
            .send()
            .await,
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        message,
        "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60"
    );

    // Required (the SDK would refuse to send it; a raw request shows the server's answer).
    let raw = app
        .raw(
            "AWSCognitoIdentityService.DescribeIdentityPool",
            "{}".to_string(),
        )
        .await;
    assert_eq!(raw.status, 400);
    assert_eq!(raw.error_type(), "ValidationException");
    assert_eq!(raw.header("x-amzn-errortype"), Some("ValidationException"));
    assert_eq!(
        raw.json()["message"],
        "1 validation error detected: Value null at 'identityPoolId' failed to satisfy constraint: Member must not be null"
    );

    // A well-formed request the service refuses on its own terms keeps its own code.
    let (code, _) = failure(
        app.identity
            .describe_identity_pool()
            .identity_pool_id("us-east-1:00000000-0000-0000-0000-000000000000")
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
}

async fn idp_keeps_invalid_parameter(app: TestApp) {
    let (code, message) = failure(
        app.idp
            .describe_user_pool()
            .user_pool_id("not a pool id!")
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(
        message,
        r"1 validation error detected: Value 'not a pool id!' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w-]+_[0-9a-zA-Z]+"
    );
    let raw = app
        .raw(
            "AWSCognitoIdentityProviderService.DescribeUserPool",
            "{}".to_string(),
        )
        .await;
    assert_eq!(raw.error_type(), "InvalidParameterException");
}
