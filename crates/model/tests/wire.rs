//! The generated wire types: names, serde shape, enums, errors, operations.

use cognate_awsjson::Operation;
use cognate_model::{Sensitive, identity, idp, sts};
use serde_json::json;

#[test]
fn operation_counts_and_targets() {
    assert_eq!(idp::op::OPERATIONS.len(), 122);
    assert_eq!(identity::op::OPERATIONS.len(), 23);
    assert_eq!(sts::op::OPERATIONS.len(), 11);
    assert!(idp::op::OPERATIONS.is_sorted());
    assert!(identity::op::OPERATIONS.is_sorted());
    assert!(idp::op::OPERATIONS.contains(&"AWSCognitoIdentityProviderService.CreateUserPool"));
    assert_eq!(
        idp::op::CreateUserPool::TARGET,
        "AWSCognitoIdentityProviderService.CreateUserPool"
    );
    assert_eq!(idp::op::CreateUserPool::NAME, "CreateUserPool");
    assert_eq!(
        identity::op::GetId::TARGET,
        "AWSCognitoIdentityService.GetId"
    );
    assert!(sts::op::OPERATIONS.contains(&"AssumeRoleWithWebIdentity"));
}

#[test]
fn outputs_serialise_without_nulls() {
    let output = idp::InitiateAuthResponse {
        authentication_result: Some(idp::AuthenticationResultType {
            access_token: Some("at".into()),
            expires_in: Some(3600),
            token_type: Some("Bearer".to_owned()),
            ..Default::default()
        }),
        challenge_parameters: Some(Default::default()),
        ..Default::default()
    };
    let text = serde_json::to_string(&output).unwrap();
    assert_eq!(
        text,
        r#"{"ChallengeParameters":{},"AuthenticationResult":{"AccessToken":"at","ExpiresIn":3600,"TokenType":"Bearer"}}"#
    );
    assert_eq!(
        serde_json::to_string(&idp::op::AdminAddUserToGroup::default_output()).unwrap(),
        "{}"
    );
    assert_eq!(
        serde_json::to_string(&idp::AddCustomAttributesResponse {}).unwrap(),
        "{}"
    );
}

trait DefaultOutput: Operation {
    fn default_output() -> Self::Output;
}

impl<O: Operation> DefaultOutput for O
where
    O::Output: Default,
{
    fn default_output() -> Self::Output {
        O::Output::default()
    }
}

#[test]
fn a_create_user_pool_request_round_trips() {
    let body = json!({
        "PoolName": "my pool",
        "Policies": {
            "PasswordPolicy": {
                "MinimumLength": 8,
                "RequireUppercase": true,
                "RequireLowercase": true,
                "RequireNumbers": false,
                "RequireSymbols": false,
                "TemporaryPasswordValidityDays": 7
            }
        },
        "AutoVerifiedAttributes": ["email"],
        "UsernameAttributes": ["email"],
        "MfaConfiguration": "OFF",
        "Schema": [
            {
                "Name": "email",
                "AttributeDataType": "String",
                "Mutable": true,
                "Required": true,
                "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "2048"}
            },
            {"Name": "age", "AttributeDataType": "Number", "NumberAttributeConstraints": {"MinValue": "0"}}
        ],
        "UserPoolTags": {"team": "auth"},
        "AccountRecoverySetting": {"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]}
    });
    idp::op::CreateUserPool::validate(&body).unwrap();
    let request: idp::CreateUserPoolRequest = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(request.pool_name, "my pool");
    let policy = request
        .policies
        .as_ref()
        .unwrap()
        .password_policy
        .as_ref()
        .unwrap();
    assert_eq!(policy.minimum_length, Some(8));
    assert_eq!(policy.require_uppercase, Some(true));
    assert_eq!(request.mfa_configuration, Some(idp::UserPoolMfaType::Off));
    assert_eq!(
        request.auto_verified_attributes,
        Some(vec![idp::VerifiedAttributeType::Email])
    );
    let schema = request.schema.as_ref().unwrap();
    assert_eq!(schema.len(), 2);
    assert_eq!(schema[0].name.as_deref(), Some("email"));
    assert_eq!(
        schema[0].attribute_data_type,
        Some(idp::AttributeDataType::String)
    );
    assert_eq!(
        schema[1]
            .number_attribute_constraints
            .as_ref()
            .unwrap()
            .min_value
            .as_deref(),
        Some("0")
    );
    let recovery = request.account_recovery_setting.as_ref().unwrap();
    let mechanisms = recovery.recovery_mechanisms.as_ref().unwrap();
    assert_eq!(
        mechanisms[0].name,
        idp::RecoveryOptionNameType::VerifiedEmail
    );
    assert_eq!(mechanisms[0].priority, 1);
    // Back to the same JSON.
    assert_eq!(serde_json::to_value(&request).unwrap(), body);
}

#[test]
fn member_names_are_exact() {
    let client = idp::UserPoolClientType {
        callback_urls: Some(vec!["https://x/cb".to_owned()]),
        allowed_oauth_flows_user_pool_client: Some(true),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&client).unwrap(),
        json!({"CallbackURLs": ["https://x/cb"], "AllowedOAuthFlowsUserPoolClient": true})
    );
}

#[test]
fn sensitive_members_are_redacted_in_debug() {
    let request = idp::InitiateAuthRequest {
        auth_flow: idp::AuthFlowType::UserPasswordAuth,
        client_id: Sensitive::from("client"),
        auth_parameters: Some(
            [
                ("USERNAME".to_owned(), "alice".into()),
                ("PASSWORD".to_owned(), "hunter2".into()),
            ]
            .into(),
        ),
        ..Default::default()
    };
    let debug = format!("{request:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(!debug.contains("alice"), "{debug}");
    let params = request.auth_parameters.as_ref().unwrap();
    assert_eq!(
        params.get("PASSWORD").map(Sensitive::expose),
        Some("hunter2")
    );
    let sign_up: idp::SignUpRequest =
        serde_json::from_value(json!({"ClientId": "c", "Username": "bob", "Password": "pw"}))
            .unwrap();
    assert_eq!(sign_up.password.as_deref(), Some("pw"));
    assert_eq!(&*sign_up.username, "bob");
    let context = idp::UserContextDataType {
        encoded_data: Some("secret".into()),
        ..Default::default()
    };
    assert!(!format!("{context:?}").contains("secret"));
}

#[test]
fn enums() {
    use idp::ExplicitAuthFlowsType as F;
    assert_eq!(F::AllowUserSrpAuth.as_str(), "ALLOW_USER_SRP_AUTH");
    assert_eq!("ALLOW_USER_SRP_AUTH".parse::<F>(), Ok(F::AllowUserSrpAuth));
    assert!("nope".parse::<F>().is_err());
    assert_eq!(F::ALL.len(), 9);
    assert_eq!(
        serde_json::to_value(F::AllowRefreshTokenAuth).unwrap(),
        json!("ALLOW_REFRESH_TOKEN_AUTH")
    );
    assert_eq!(
        idp::AliasAttributeType::PhoneNumber.to_string(),
        "phone_number"
    );
    assert_eq!(
        idp::PreTokenGenerationLambdaVersionType::V1_0.as_str(),
        "V1_0"
    );
    // The identity model's own `ErrorCode` shape is renamed: `ErrorCode` is the error enum.
    assert_eq!(
        identity::ErrorCodeType::AccessDenied.as_str(),
        "AccessDenied"
    );
}

#[test]
fn error_codes() {
    let err =
        idp::ErrorCode::ResourceNotFoundException.msg("User pool us-east-1_x does not exist.");
    assert_eq!(err.code, "ResourceNotFoundException");
    assert_eq!(err.message, "User pool us-east-1_x does not exist.");
    assert_eq!(err.status, 400);
    assert_eq!(
        idp::ErrorCode::InternalErrorException.msg("boom").status,
        500
    );
    assert_eq!(
        idp::ErrorCode::NotAuthorizedException.as_str(),
        "NotAuthorizedException"
    );
    assert_eq!(
        identity::ErrorCode::UnsupportedOperationException
            .msg("x")
            .status,
        400
    );
    assert_eq!(
        identity::ErrorCode::InternalErrorException.msg("x").status,
        500
    );
    assert_eq!(
        sts::ErrorCode::IDPCommunicationErrorException.as_str(),
        "IDPCommunicationError"
    );
    assert_eq!(sts::ErrorCode::RegionDisabledException.status(), 403);
    assert_eq!(idp::ErrorCode::ALL.len(), 57);
    assert_eq!(identity::ErrorCode::ALL.len(), 12);
}

#[test]
fn timestamps_are_epoch_seconds() {
    let pool = idp::UserPoolType {
        creation_date: Some(1_700_000_000.5),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&pool).unwrap(),
        json!({"CreationDate": 1_700_000_000.5})
    );
    let pool: idp::UserPoolType =
        serde_json::from_value(json!({"CreationDate": 1700000000})).unwrap();
    assert_eq!(pool.creation_date, Some(1_700_000_000.0));
}
