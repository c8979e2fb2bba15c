//! User pool settings: from the wire (create and update inputs) to the domain and back.
//!
//! Settings the domain acts on are typed in `UserPool`; the rest (Lambda triggers, message
//! templates, email/SMS configuration...) is kept as the document the client sent, so that
//! everything given is echoed back exactly.

use cognate_domain::Timestamp;
use cognate_domain::ids::UserPoolId;
use cognate_domain::pool::{
    AttributeDataType, AttributeSchema, MfaConfiguration, PasswordPolicy, UserPool,
};
use cognate_domain::schema::{self, SchemaInput};
use cognate_model::idp as wire;
use serde_json::{Map, Value, json};

use crate::errors::{Result, invalid_parameter};

/// Wire members of CreateUserPool/UpdateUserPool that the domain holds typed.
const TYPED_MEMBERS: &[&str] = &[
    "UserPoolId",
    "PoolName",
    "Policies",
    "DeletionProtection",
    "Schema",
    "UsernameAttributes",
    "AliasAttributes",
    "AutoVerifiedAttributes",
    "UsernameConfiguration",
    "MfaConfiguration",
    "UserPoolTags",
];

/// What AWS returns for settings a pool was created without.
fn default_settings() -> Map<String, Value> {
    let defaults = json!({
        "LambdaConfig": {},
        "VerificationMessageTemplate": { "DefaultEmailOption": "CONFIRM_WITH_CODE" },
        "EmailConfiguration": { "EmailSendingAccount": "COGNITO_DEFAULT" },
        "AdminCreateUserConfig": { "AllowAdminCreateUserOnly": false, "UnusedAccountValidityDays": 7 },
        "UserAttributeUpdateSettings": { "AttributesRequireVerificationBeforeUpdate": [] },
        "UserPoolTier": "ESSENTIALS",
        "SignInPolicy": { "AllowedFirstAuthFactors": ["PASSWORD"] },
    });
    match defaults {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The echo-only part of a create/update input: every member the domain does not hold typed,
/// over AWS's defaults (an update resets what it omits, as AWS does).
fn echo_settings<T: serde::Serialize>(
    input: &T,
    signin_policy: Option<Value>,
) -> Result<Map<String, Value>> {
    let mut settings = default_settings();
    let Value::Object(given) =
        serde_json::to_value(input).map_err(|_| invalid_parameter("Invalid input"))?
    else {
        return Ok(settings);
    };
    for (key, value) in given {
        if !TYPED_MEMBERS.contains(&key.as_str()) && !value.is_null() {
            settings.insert(key, value);
        }
    }
    if let Some(policy) = signin_policy {
        settings.insert("SignInPolicy".into(), policy);
    }
    Ok(settings)
}

pub fn new_pool(
    id: UserPoolId,
    input: &wire::CreateUserPoolRequest,
    now: Timestamp,
) -> Result<UserPool> {
    let username_attributes = names(&input.username_attributes);
    let alias_attributes = names(&input.alias_attributes);
    if !username_attributes.is_empty() && !alias_attributes.is_empty() {
        return Err(invalid_parameter(
            "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool",
        ));
    }
    let mut schema = schema::standard_attributes();
    let inputs: Vec<SchemaInput> = input.schema.iter().flatten().map(schema_input).collect();
    schema::apply(&mut schema, &inputs, false).map_err(invalid_parameter)?;
    let signin_policy = input
        .policies
        .as_ref()
        .and_then(|p| p.sign_in_policy.as_ref())
        .and_then(|p| serde_json::to_value(p).ok());
    let settings = echo_settings(input, signin_policy)?;
    crate::triggers::check_supported(&settings)?;
    Ok(UserPool {
        id,
        name: input.pool_name.clone(),
        created_at: now,
        last_modified_at: now,
        deletion_protection: is_active(&input.deletion_protection),
        password_policy: password_policy(
            input
                .policies
                .as_ref()
                .and_then(|p| p.password_policy.as_ref()),
        ),
        schema,
        username_attributes,
        alias_attributes,
        auto_verified_attributes: names(&input.auto_verified_attributes),
        username_case_sensitive: input
            .username_configuration
            .as_ref()
            .is_none_or(|c| c.case_sensitive),
        mfa_configuration: mfa(&input.mfa_configuration),
        tags: input.user_pool_tags.clone().unwrap_or_default(),
        settings,
    })
}

/// UpdateUserPool: what is omitted returns to its default, as in AWS; schema, username and alias
/// attributes cannot change.
pub fn apply_update(
    pool: &mut UserPool,
    input: &wire::UpdateUserPoolRequest,
    now: Timestamp,
) -> Result<()> {
    if let Some(name) = &input.pool_name {
        pool.name = name.clone();
    }
    pool.deletion_protection = is_active(&input.deletion_protection);
    pool.password_policy = password_policy(
        input
            .policies
            .as_ref()
            .and_then(|p| p.password_policy.as_ref()),
    );
    pool.auto_verified_attributes = names(&input.auto_verified_attributes);
    pool.mfa_configuration = mfa(&input.mfa_configuration);
    if let Some(tags) = &input.user_pool_tags {
        pool.tags = tags.clone();
    }
    let signin_policy = input
        .policies
        .as_ref()
        .and_then(|p| p.sign_in_policy.as_ref())
        .and_then(|p| serde_json::to_value(p).ok());
    let mut settings = echo_settings(input, signin_policy)?;
    crate::triggers::check_supported(&settings)?;
    // MFA factors belong to SetUserPoolMfaConfig: an update keeps them.
    crate::mfa::carry_factors(&pool.settings, &mut settings);
    pool.settings = settings;
    pool.last_modified_at = now;
    Ok(())
}

fn names<T: serde::Serialize>(values: &Option<Vec<T>>) -> Vec<String> {
    values
        .iter()
        .flatten()
        .filter_map(|v| serde_json::to_value(v).ok())
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn is_active(protection: &Option<wire::DeletionProtectionType>) -> bool {
    matches!(protection, Some(wire::DeletionProtectionType::Active))
}

fn mfa(value: &Option<wire::UserPoolMfaType>) -> MfaConfiguration {
    match value {
        Some(wire::UserPoolMfaType::On) => MfaConfiguration::On,
        Some(wire::UserPoolMfaType::Optional) => MfaConfiguration::Optional,
        _ => MfaConfiguration::Off,
    }
}

fn password_policy(given: Option<&wire::PasswordPolicyType>) -> PasswordPolicy {
    let defaults = PasswordPolicy::default();
    let Some(given) = given else {
        return defaults;
    };
    PasswordPolicy {
        minimum_length: given
            .minimum_length
            .map_or(defaults.minimum_length, |v| v.max(0) as u32),
        require_uppercase: given.require_uppercase.unwrap_or(false),
        require_lowercase: given.require_lowercase.unwrap_or(false),
        require_numbers: given.require_numbers.unwrap_or(false),
        require_symbols: given.require_symbols.unwrap_or(false),
        temporary_password_validity_days: given
            .temporary_password_validity_days
            .map_or(defaults.temporary_password_validity_days, |v| {
                v.max(0) as u32
            }),
        password_history_size: given.password_history_size.map_or(0, |v| v.max(0) as u32),
    }
}

pub fn schema_input(attribute: &wire::SchemaAttributeType) -> SchemaInput {
    let strings = attribute.string_attribute_constraints.as_ref();
    let numbers = attribute.number_attribute_constraints.as_ref();
    SchemaInput {
        name: attribute.name.clone().unwrap_or_default(),
        data_type: attribute.attribute_data_type.map(data_type),
        developer_only: attribute.developer_only_attribute,
        mutable: attribute.mutable,
        required: attribute.required,
        min_length: strings.and_then(|s| s.min_length.clone()),
        max_length: strings.and_then(|s| s.max_length.clone()),
        min_value: numbers.and_then(|n| n.min_value.clone()),
        max_value: numbers.and_then(|n| n.max_value.clone()),
    }
}

fn data_type(value: wire::AttributeDataType) -> AttributeDataType {
    match value {
        wire::AttributeDataType::String => AttributeDataType::String,
        wire::AttributeDataType::Number => AttributeDataType::Number,
        wire::AttributeDataType::DateTime => AttributeDataType::DateTime,
        wire::AttributeDataType::Boolean => AttributeDataType::Boolean,
    }
}

fn wire_data_type(value: AttributeDataType) -> wire::AttributeDataType {
    match value {
        AttributeDataType::String => wire::AttributeDataType::String,
        AttributeDataType::Number => wire::AttributeDataType::Number,
        AttributeDataType::DateTime => wire::AttributeDataType::DateTime,
        AttributeDataType::Boolean => wire::AttributeDataType::Boolean,
    }
}

pub fn wire_schema_attribute(attribute: &AttributeSchema) -> wire::SchemaAttributeType {
    let strings = (attribute.data_type == AttributeDataType::String).then(|| {
        wire::StringAttributeConstraintsType {
            min_length: attribute.min_length.clone(),
            max_length: attribute.max_length.clone(),
        }
    });
    let numbers = (attribute.data_type == AttributeDataType::Number).then(|| {
        wire::NumberAttributeConstraintsType {
            min_value: attribute.min_value.clone(),
            max_value: attribute.max_value.clone(),
        }
    });
    wire::SchemaAttributeType {
        name: Some(attribute.name.clone()),
        attribute_data_type: Some(wire_data_type(attribute.data_type)),
        developer_only_attribute: Some(attribute.developer_only),
        mutable: Some(attribute.mutable),
        required: Some(attribute.required),
        number_attribute_constraints: numbers,
        string_attribute_constraints: strings,
    }
}

/// The full `UserPoolType` AWS returns from CreateUserPool and DescribeUserPool.
pub fn wire_pool(
    pool: &UserPool,
    account_id: &str,
    estimated_users: u64,
) -> Result<wire::UserPoolType> {
    let mut document = Value::Object(pool.settings.clone());
    let signin_policy = pool.settings.get("SignInPolicy").cloned();
    if let Value::Object(map) = &mut document {
        map.remove("SignInPolicy");
    }
    let mut out: wire::UserPoolType = serde_json::from_value(document).map_err(|error| {
        tracing::error!(%error, pool = %pool.id, "stored pool settings no longer read as UserPoolType");
        cognate_awsjson::ApiError::internal()
    })?;
    let policy = &pool.password_policy;
    out.id = Some(pool.id.to_string());
    out.name = Some(pool.name.clone());
    out.arn = Some(pool.arn(account_id));
    out.creation_date = Some(pool.created_at.epoch_seconds());
    out.last_modified_date = Some(pool.last_modified_at.epoch_seconds());
    out.deletion_protection = Some(if pool.deletion_protection {
        wire::DeletionProtectionType::Active
    } else {
        wire::DeletionProtectionType::Inactive
    });
    out.policies = Some(wire::UserPoolPolicyType {
        password_policy: Some(wire::PasswordPolicyType {
            minimum_length: Some(policy.minimum_length as i32),
            require_uppercase: Some(policy.require_uppercase),
            require_lowercase: Some(policy.require_lowercase),
            require_numbers: Some(policy.require_numbers),
            require_symbols: Some(policy.require_symbols),
            password_history_size: (policy.password_history_size > 0)
                .then_some(policy.password_history_size as i32),
            temporary_password_validity_days: Some(policy.temporary_password_validity_days as i32),
        }),
        sign_in_policy: signin_policy.and_then(|v| serde_json::from_value(v).ok()),
    });
    out.schema_attributes = Some(pool.schema.iter().map(wire_schema_attribute).collect());
    out.username_attributes = enum_list(&pool.username_attributes);
    out.alias_attributes = enum_list(&pool.alias_attributes);
    out.auto_verified_attributes = enum_list(&pool.auto_verified_attributes);
    out.username_configuration = Some(wire::UsernameConfigurationType {
        case_sensitive: pool.username_case_sensitive,
    });
    out.mfa_configuration = Some(match pool.mfa_configuration {
        MfaConfiguration::Off => wire::UserPoolMfaType::Off,
        MfaConfiguration::On => wire::UserPoolMfaType::On,
        MfaConfiguration::Optional => wire::UserPoolMfaType::Optional,
    });
    out.user_pool_tags = Some(pool.tags.clone());
    out.estimated_number_of_users = Some(estimated_users.min(i32::MAX as u64) as i32);
    Ok(out)
}

/// A list of enum names back to their wire enum (None when empty, as AWS omits them).
fn enum_list<T: serde::de::DeserializeOwned>(values: &[String]) -> Option<Vec<T>> {
    if values.is_empty() {
        return None;
    }
    values
        .iter()
        .map(|v| serde_json::from_value(Value::String(v.clone())).ok())
        .collect()
}
