//! Entities for the contract cases, complete in every field so that round trips are checked.

use std::collections::BTreeMap;

use cognate_domain::Timestamp;
use cognate_domain::client::{AppClient, ClientSecret, RefreshTokenRotation, TokenValidity};
use cognate_domain::ids::{ClientId, Sub, UserPoolId};
use cognate_domain::keys::{KeyPurpose, SigningKeyRecord};
use cognate_domain::pool::{
    AttributeDataType, AttributeSchema, MfaConfiguration, PasswordPolicy, UserPool,
};
use cognate_domain::user::{Alias, PasswordRecord, User, UserStatus};
use cognate_domain::{Page, StoreError};
use serde_json::json;

pub const T0: Timestamp = Timestamp(1_700_000_000_123);

pub fn pool_id(n: u32) -> UserPoolId {
    UserPoolId::new(format!("us-east-1_Pool{n:05}"))
}

pub fn pool(id: &UserPoolId) -> UserPool {
    let mut settings = serde_json::Map::new();
    settings.insert(
        "LambdaConfig".into(),
        json!({ "PreSignUp": "arn:aws:lambda:us-east-1:1:function:f" }),
    );
    settings.insert(
        "VerificationMessageTemplate".into(),
        json!({ "DefaultEmailOption": "CONFIRM_WITH_CODE" }),
    );
    UserPool {
        id: id.clone(),
        name: format!("pool {id}"),
        created_at: T0,
        last_modified_at: T0.plus_secs(5),
        deletion_protection: false,
        password_policy: PasswordPolicy {
            minimum_length: 12,
            password_history_size: 3,
            ..PasswordPolicy::default()
        },
        schema: vec![
            AttributeSchema {
                name: "email".into(),
                data_type: AttributeDataType::String,
                developer_only: false,
                mutable: true,
                required: true,
                min_length: Some("0".into()),
                max_length: Some("2048".into()),
                min_value: None,
                max_value: None,
            },
            AttributeSchema {
                name: "custom:age".into(),
                data_type: AttributeDataType::Number,
                developer_only: false,
                mutable: true,
                required: false,
                min_length: None,
                max_length: None,
                min_value: Some("0".into()),
                max_value: Some("150".into()),
            },
        ],
        username_attributes: vec![],
        alias_attributes: vec!["email".into(), "phone_number".into()],
        auto_verified_attributes: vec!["email".into()],
        username_case_sensitive: false,
        mfa_configuration: MfaConfiguration::Optional,
        tags: BTreeMap::from([("team".into(), "identity".into())]),
        settings,
    }
}

/// A client id of AWS's shape (26 lowercase alphanumerics), distinct per `n`.
/// Pools 1 and 2, created empty.
pub async fn two_pools(store: &dyn cognate_domain::Store) -> (UserPoolId, UserPoolId) {
    let (a, b) = (pool_id(1), pool_id(2));
    for id in [&a, &b] {
        store
            .create_pool(&pool(id), &[])
            .await
            .expect("create pool");
    }
    (a, b)
}

pub fn client_id(n: u32) -> ClientId {
    ClientId::new(format!("client{n:020}"))
}

pub fn client(pool: &UserPoolId, id: &ClientId) -> AppClient {
    let mut settings = serde_json::Map::new();
    settings.insert("CallbackURLs".into(), json!(["https://app.example.com/cb"]));
    settings.insert("AllowedOAuthFlows".into(), json!(["code"]));
    AppClient {
        pool_id: pool.clone(),
        client_id: id.clone(),
        name: format!("client {id}"),
        created_at: T0,
        last_modified_at: T0,
        secrets: vec![ClientSecret {
            secret_id: "s1".into(),
            sealed: vec![0, 1, 2, 254, 255],
            created_at: T0,
        }],
        explicit_auth_flows: vec![
            "ALLOW_USER_SRP_AUTH".into(),
            "ALLOW_REFRESH_TOKEN_AUTH".into(),
        ],
        token_validity: TokenValidity {
            access_token_secs: 3600,
            id_token_secs: 3600,
            refresh_token_secs: 30 * 86400,
            access_token_value: 60,
            id_token_value: 60,
            refresh_token_value: 30,
            access_token_unit: "minutes".into(),
            id_token_unit: "minutes".into(),
            refresh_token_unit: "days".into(),
            units_given: true,
        },
        read_attributes: vec!["email".into()],
        write_attributes: vec!["email".into()],
        prevent_user_existence_errors: true,
        enable_token_revocation: true,
        auth_session_validity_minutes: 3,
        refresh_token_rotation: Some(RefreshTokenRotation {
            enabled: true,
            retry_grace_period_secs: 10,
        }),
        settings,
    }
}

pub fn key(
    pool: &UserPoolId,
    kid: &str,
    purpose: KeyPurpose,
    created_at: Timestamp,
) -> SigningKeyRecord {
    SigningKeyRecord {
        pool_id: pool.clone(),
        kid: kid.into(),
        purpose,
        sealed_private_key: format!("sealed {kid}")
            .into_bytes()
            .into_iter()
            .chain([0, 255])
            .collect(),
        public_jwk: format!(r#"{{"kty":"RSA","kid":"{kid}","n":"abc","e":"AQAB"}}"#),
        created_at,
    }
}

/// A confirmed, enabled user with `sub` and `email` attributes and no aliases.
pub fn user(pool: &UserPoolId, username: &str) -> User {
    let key = username.to_lowercase();
    let sub = format!("sub-{pool}-{key}");
    let mut extra = serde_json::Map::new();
    extra.insert(
        "mfa".into(),
        json!({ "totp_enabled": true, "preferred": "SOFTWARE_TOKEN_MFA" }),
    );
    extra.insert("failed_attempts".into(), json!(2));
    User {
        pool_id: pool.clone(),
        username: username.into(),
        username_key: key.clone(),
        sub: Sub::new(sub.clone()),
        status: UserStatus::Confirmed,
        enabled: true,
        created_at: T0,
        last_modified_at: T0.plus_secs(1),
        attributes: BTreeMap::from([
            ("sub".into(), sub),
            ("email".into(), format!("{key}@example.com")),
        ]),
        aliases: vec![],
        password: Some(PasswordRecord {
            sealed: vec![9, 0, 255, 128],
            set_at: T0,
            temporary: false,
        }),
        password_history: vec![vec![1, 2, 3], vec![4, 5]],
        extra,
        version: 0,
    }
}

pub fn alias(name: &str, value_key: &str) -> Alias {
    Alias {
        name: name.into(),
        value_key: value_key.into(),
    }
}

pub fn conflict(constraint: &str) -> StoreError {
    StoreError::Conflict {
        constraint: constraint.into(),
    }
}

/// Asserts the pages of a listing (given as the keys of their items) cover `expected` exactly
/// once, in order, every page but the last full, the last one saying no more follow.
pub fn assert_pages(pages: &[Page<String>], limit: usize, expected: &[String]) {
    let all: Vec<String> = pages.iter().flat_map(|page| page.items.clone()).collect();
    assert_eq!(all, expected, "pages of {limit}");
    for (i, page) in pages.iter().enumerate() {
        if i + 1 < pages.len() {
            assert_eq!(page.items.len(), limit, "page {i} of {limit} is full");
            assert_eq!(
                page.next.as_ref(),
                page.items.last(),
                "page {i} of {limit} continues after its last item"
            );
        } else {
            assert_eq!(page.next, None, "last page of {limit}");
        }
    }
}
