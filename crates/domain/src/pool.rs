//! User pools: the settings the rules act on, typed; the settings only echoed back, as a document.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::ids::UserPoolId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserPool {
    pub id: UserPoolId,
    pub name: String,
    pub created_at: Timestamp,
    pub last_modified_at: Timestamp,
    pub deletion_protection: bool,
    pub password_policy: PasswordPolicy,
    pub schema: Vec<AttributeSchema>,
    /// `email` and/or `phone_number` when they replace the username.
    pub username_attributes: Vec<String>,
    /// `email`, `phone_number`, `preferred_username` usable to sign in besides the username.
    pub alias_attributes: Vec<String>,
    pub auto_verified_attributes: Vec<String>,
    pub username_case_sensitive: bool,
    pub mfa_configuration: MfaConfiguration,
    pub tags: BTreeMap<String, String>,
    /// Settings stored and echoed back but not acted on by the domain, as the API layer gave them.
    pub settings: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    pub minimum_length: u32,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
    pub temporary_password_validity_days: u32,
    /// How many previous passwords may not be reused (0: no history).
    pub password_history_size: u32,
}

impl Default for PasswordPolicy {
    /// AWS's defaults for a pool created without a policy.
    fn default() -> Self {
        Self {
            minimum_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
            temporary_password_validity_days: 7,
            password_history_size: 0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum MfaConfiguration {
    #[default]
    Off,
    On,
    Optional,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttributeDataType {
    String,
    Number,
    DateTime,
    Boolean,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeSchema {
    /// Full name: `email`, or `custom:tenant` for custom attributes.
    pub name: String,
    pub data_type: AttributeDataType,
    pub developer_only: bool,
    pub mutable: bool,
    pub required: bool,
    /// String constraints (lengths as AWS gives them: strings).
    pub min_length: Option<String>,
    pub max_length: Option<String>,
    /// Number constraints.
    pub min_value: Option<String>,
    pub max_value: Option<String>,
}

impl AttributeSchema {
    pub fn is_custom(&self) -> bool {
        self.name.starts_with("custom:") || self.name.starts_with("dev:")
    }
}

impl UserPool {
    pub fn attribute(&self, name: &str) -> Option<&AttributeSchema> {
        self.schema.iter().find(|a| a.name == name)
    }

    pub fn arn(&self, account_id: &str) -> String {
        format!(
            "arn:aws:cognito-idp:{}:{}:userpool/{}",
            self.id.region(),
            account_id,
            self.id
        )
    }
}
