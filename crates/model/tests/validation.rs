//! Request validation against the generated constraint tables, with AWS's messages.

use cognate_awsjson::{ApiError, Operation};
use cognate_model::schema::{Kind, Shape};
use cognate_model::{identity, idp, sts};
use serde_json::{Value, json};

fn check<O: Operation>(body: Value) -> Result<(), ApiError> {
    O::validate(&body)
}

fn invalid<O: Operation>(body: Value) -> String {
    let err = check::<O>(body).expect_err("expected a validation error");
    assert_eq!(err.code, "InvalidParameterException", "{err}");
    assert_eq!(err.status, 400);
    err.message
}

fn serialization<O: Operation>(body: Value) -> String {
    let err = check::<O>(body).expect_err("expected a serialization error");
    assert_eq!(err.code, "SerializationException", "{err}");
    err.message
}

#[test]
fn a_valid_request_passes() {
    check::<idp::op::DescribeUserPool>(json!({"UserPoolId": "us-east-1_abcDEF123"})).unwrap();
    check::<idp::op::CreateUserPoolClient>(json!({
        "UserPoolId": "us-east-1_abcDEF123",
        "ClientName": "my app",
        "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        "CallbackURLs": ["https://example.com/cb"],
        "RefreshTokenValidity": 30,
    }))
    .unwrap();
}

#[test]
fn missing_required_member() {
    assert_eq!(
        invalid::<idp::op::DescribeUserPool>(json!({})),
        "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null"
    );
    // null is absent.
    assert_eq!(
        invalid::<idp::op::DescribeUserPool>(json!({"UserPoolId": null})),
        "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null"
    );
}

#[test]
fn bad_pattern() {
    assert_eq!(
        invalid::<idp::op::DescribeUserPool>(json!({"UserPoolId": "not a pool id!"})),
        r"1 validation error detected: Value 'not a pool id!' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w-]+_[0-9a-zA-Z]+"
    );
}

#[test]
fn the_null_character_is_refused_where_no_pattern_is() {
    // A free-text member (no pattern): U+0000 alone is the violation.
    let message = invalid::<idp::op::CreateGroup>(json!({
        "UserPoolId": "us-east-1_abcDEF123",
        "GroupName": "admins",
        "Description": "a\u{0}b",
    }));
    assert!(
        message.ends_with(
            "at 'description' failed to satisfy constraint: Member must not contain the null character"
        ),
        "{message}"
    );
    // Where the pattern already refuses it, the pattern's message alone, as AWS words it.
    let message = invalid::<idp::op::DescribeUserPool>(json!({"UserPoolId": "us-east-1_\u{0}"}));
    assert!(
        message.starts_with("1 validation error detected"),
        "{message}"
    );
    assert!(message.contains("regular expression pattern"), "{message}");
    // Other control characters are text like any other.
    check::<idp::op::CreateGroup>(json!({
        "UserPoolId": "us-east-1_abcDEF123",
        "GroupName": "admins",
        "Description": "tab\tbell\u{7}",
    }))
    .unwrap();
}

#[test]
fn too_long_and_too_short() {
    let long = format!("us-east-1_{}", "a".repeat(60));
    assert_eq!(
        invalid::<idp::op::DescribeUserPool>(json!({"UserPoolId": long})),
        format!(
            "1 validation error detected: Value '{long}' at 'userPoolId' failed to satisfy constraint: Member must have length less than or equal to 55"
        )
    );
    // Pattern first, then length, as AWS reports them.
    assert_eq!(
        invalid::<idp::op::DescribeUserPool>(json!({"UserPoolId": ""})),
        r"2 validation errors detected: Value '' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w-]+_[0-9a-zA-Z]+; Value '' at 'userPoolId' failed to satisfy constraint: Member must have length greater than or equal to 1"
    );
}

#[test]
fn length_counts_characters() {
    // 128 characters (256 bytes) is the most a tag key may have.
    let key = "é".repeat(128);
    check::<idp::op::CreateUserPool>(json!({"PoolName": "pool", "UserPoolTags": { key: "v" }}))
        .unwrap();
    let key = "é".repeat(129);
    let message = invalid::<idp::op::CreateUserPool>(
        json!({"PoolName": "pool", "UserPoolTags": { key: "v" }}),
    );
    assert!(
        message.ends_with("Member must have length less than or equal to 128]"),
        "{message}"
    );
}

#[test]
fn out_of_range_number() {
    assert_eq!(
        invalid::<idp::op::ListUserPools>(json!({"MaxResults": 0})),
        "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"
    );
    assert_eq!(
        invalid::<idp::op::ListUserPools>(json!({"MaxResults": 61})),
        "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60"
    );
    check::<idp::op::ListUserPools>(json!({"MaxResults": 60})).unwrap();
}

#[test]
fn bad_enum() {
    assert_eq!(
        invalid::<idp::op::InitiateAuth>(json!({"AuthFlow": "NOPE", "ClientId": "abc"})),
        "1 validation error detected: Value 'NOPE' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_AUTH]"
    );
}

#[test]
fn list_elements_and_nested_paths() {
    let message = invalid::<idp::op::CreateUserPoolClient>(json!({
        "UserPoolId": "us-east-1_abc",
        "ClientName": "app",
        "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "BOGUS"],
    }));
    assert!(
        message.starts_with("1 validation error detected: Value 'BOGUS' at 'explicitAuthFlows.2.member' failed to satisfy constraint: Member must satisfy enum value set: [ADMIN_NO_SRP_AUTH,"),
        "{message}"
    );
    let message = invalid::<idp::op::CreateUserPool>(json!({
        "PoolName": "pool",
        "Policies": {"PasswordPolicy": {"MinimumLength": 2}},
    }));
    assert_eq!(
        message,
        "1 validation error detected: Value '2' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have value greater than or equal to 6"
    );
}

#[test]
fn map_keys_and_values() {
    let long_key = "k".repeat(129);
    let message = invalid::<idp::op::CreateUserPool>(json!({
        "PoolName": "pool",
        "UserPoolTags": { long_key.clone(): "v" },
    }));
    assert_eq!(
        message,
        format!(
            "1 validation error detected: Value '{long_key}' at 'userPoolTags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128]"
        )
    );
    let message = invalid::<idp::op::CreateUserPool>(json!({
        "PoolName": "pool",
        "UserPoolTags": { "team": "v".repeat(257) },
    }));
    assert!(message.contains("at 'userPoolTags.team' failed to satisfy constraint: Member must have length less than or equal to 256"), "{message}");
}

#[test]
fn sensitive_values_are_not_echoed() {
    let message = invalid::<idp::op::SignUp>(json!({
        "ClientId": "client",
        "Username": "alice",
        "Password": "has spaces",
    }));
    assert_eq!(
        message,
        r"1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\S]+"
    );
    assert!(!message.contains("has spaces"));
    // Inside a sensitive map too.
    let message = invalid::<idp::op::InitiateAuth>(json!({
        "AuthFlow": "USER_PASSWORD_AUTH",
        "ClientId": "client",
        "AuthParameters": {"PASSWORD": null},
    }));
    assert_eq!(
        message,
        "1 validation error detected: Value null at 'authParameters.PASSWORD' failed to satisfy constraint: Member must not be null"
    );
}

#[test]
fn wrong_json_types_are_serialization_errors() {
    let message = serialization::<idp::op::DescribeUserPool>(json!({"UserPoolId": 12}));
    assert!(message.contains("'userPoolId'"), "{message}");
    let message = serialization::<idp::op::ListUserPools>(json!({"MaxResults": "10"}));
    assert!(message.contains("'maxResults'"), "{message}");
    serialization::<idp::op::ListUserPools>(json!({"MaxResults": 1.5}));
    serialization::<idp::op::ListUserPools>(json!({"MaxResults": 4_294_967_296_i64}));
    serialization::<idp::op::CreateUserPoolClient>(json!({
        "UserPoolId": "us-east-1_abc", "ClientName": "app", "ExplicitAuthFlows": "ALLOW_USER_SRP_AUTH",
    }));
    serialization::<idp::op::CreateUserPoolClient>(json!({
        "UserPoolId": "us-east-1_abc", "ClientName": "app", "GenerateSecret": "true",
    }));
    let message = serialization::<idp::op::CreateUserPool>(json!({
        "PoolName": "pool", "Policies": {"PasswordPolicy": []},
    }));
    assert!(message.contains("'policies.passwordPolicy'"), "{message}");
    // A type error wins over constraint violations found earlier.
    serialization::<idp::op::CreateUserPoolClient>(json!({
        "UserPoolId": "bad id", "ClientName": true,
    }));
}

#[test]
fn unknown_members_are_ignored() {
    check::<idp::op::DescribeUserPool>(
        json!({"UserPoolId": "us-east-1_abc", "Whatever": {"x": [1]}}),
    )
    .unwrap();
    let input: idp::DescribeUserPoolRequest =
        serde_json::from_value(json!({"UserPoolId": "us-east-1_abc", "Whatever": 1})).unwrap();
    assert_eq!(input.user_pool_id, "us-east-1_abc");
}

#[test]
fn several_errors_are_joined_in_member_order() {
    assert_eq!(
        invalid::<idp::op::ListUsers>(json!({"UserPoolId": "bad id", "Limit": 61})),
        r"2 validation errors detected: Value 'bad id' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w-]+_[0-9a-zA-Z]+; Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60"
    );
}

/// cognito-identity answers broken constraints with `ValidationException`, same wording.
#[test]
fn identity_validation() {
    check::<identity::op::GetId>(
        json!({"IdentityPoolId": "us-east-1:0f3b8ef2-1f6c-4f0e-9b1d-2f0a1b2c3d4e"}),
    )
    .unwrap();
    let err = check::<identity::op::GetId>(json!({"IdentityPoolId": "nope"}))
        .expect_err("expected a validation error");
    assert_eq!(err.code, "ValidationException", "{err}");
    assert_eq!(err.status, 400);
    assert_eq!(
        err.message,
        r"1 validation error detected: Value 'nope' at 'identityPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w-]+:[0-9a-f-]+"
    );
    let err = check::<identity::op::CreateIdentityPool>(json!({
        "IdentityPoolName": "pool#name",
        "AllowUnauthenticatedIdentities": true,
    }))
    .expect_err("expected a validation error");
    assert_eq!(err.code, "ValidationException", "{err}");
    assert!(
        err.message.starts_with(
            "1 validation error detected: Value 'pool#name' at 'identityPoolName' failed to satisfy constraint: Member must satisfy regular expression pattern:"
        ),
        "{err}"
    );
}

/// Every pattern of the three models compiles; anything that does not is skipped at run time,
/// so the list must stay explicit.
#[test]
fn every_model_pattern_compiles() {
    const ALLOWED_FAILURES: &[&str] = &[];
    let mut failures = Vec::new();
    let mut count = 0;
    let tables: [&[&Shape]; 3] = [idp::shapes::ALL, identity::shapes::ALL, sts::shapes::ALL];
    for shape in tables.into_iter().flatten() {
        if let Kind::String(rules) = &shape.kind
            && let Some(pattern) = &rules.pattern
        {
            count += 1;
            if pattern.regex().is_none() {
                failures.push(shape.name);
            }
        }
    }
    assert!(count > 60, "only {count} patterns found");
    assert_eq!(failures, ALLOWED_FAILURES);
}

#[test]
fn every_operation_has_an_input_table() {
    assert_eq!(idp::shapes::INPUTS.len(), idp::op::OPERATIONS.len());
    assert_eq!(
        identity::shapes::INPUTS.len(),
        identity::op::OPERATIONS.len()
    );
    assert_eq!(sts::shapes::INPUTS.len(), sts::op::OPERATIONS.len());
}
