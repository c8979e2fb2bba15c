//! Migrate user: `UserMigration_Authentication` (with the password entered),
//! `UserMigration_ForgotPassword`.

use serde::{Deserialize, Serialize};

use super::{Attributes, Metadata, Trigger};

pub struct UserMigration;

impl Trigger for UserMigration {
    const NAME: &'static str = "UserMigration";
    type Request = Request;
    type Response = Response;
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    /// `_Authentication` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// `_Authentication`: InitiateAuth's ClientMetadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation_data: Option<Metadata>,
    /// `_ForgotPassword`: ForgotPassword's ClientMetadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_metadata: Option<Metadata>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    #[serde(default)]
    pub user_attributes: Option<Attributes>,
    /// `CONFIRMED` or `RESET_REQUIRED`.
    #[serde(default)]
    pub final_user_status: Option<String>,
    /// `SUPPRESS` or `RESEND`.
    #[serde(default)]
    pub message_action: Option<String>,
    #[serde(default)]
    pub desired_delivery_mediums: Option<Vec<String>>,
    #[serde(default)]
    pub force_alias_creation: Option<bool>,
}
