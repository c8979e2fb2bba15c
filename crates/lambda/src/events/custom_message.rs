//! Custom message: `CustomMessage_SignUp`, `_AdminCreateUser`, `_ResendCode`, `_ForgotPassword`,
//! `_UpdateUserAttribute`, `_VerifyUserAttribute`, `_Authentication`.

use serde::{Deserialize, Serialize};

use super::{Attributes, Metadata, Trigger};

pub struct CustomMessage;

impl Trigger for CustomMessage {
    const NAME: &'static str = "CustomMessage";
    type Request = Request;
    type Response = Response;
}

/// The placeholder the function must keep in its message where the code goes.
pub const CODE_PARAMETER: &str = "{####}";
/// The placeholder for the username in an AdminCreateUser invitation.
pub const USERNAME_PARAMETER: &str = "{username}";

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    pub user_attributes: Attributes,
    pub code_parameter: String,
    /// `_AdminCreateUser` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username_parameter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_metadata: Option<Metadata>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    #[serde(default)]
    pub sms_message: Option<String>,
    #[serde(default)]
    pub email_message: Option<String>,
    #[serde(default)]
    pub email_subject: Option<String>,
}
