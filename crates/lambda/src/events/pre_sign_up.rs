//! Pre sign-up: `PreSignUp_SignUp`, `PreSignUp_AdminCreateUser`.

use serde::{Deserialize, Serialize};

use super::{Attributes, Metadata, Trigger};

pub struct PreSignUp;

impl Trigger for PreSignUp {
    const NAME: &'static str = "PreSignUp";
    type Request = Request;
    type Response = Response;
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    pub user_attributes: Attributes,
    pub validation_data: Option<Metadata>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_metadata: Option<Metadata>,
}

/// Sent as all false; a `null` back counts as false.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    pub auto_confirm_user: Option<bool>,
    pub auto_verify_phone: Option<bool>,
    pub auto_verify_email: Option<bool>,
}

impl Default for Response {
    fn default() -> Self {
        Self {
            auto_confirm_user: Some(false),
            auto_verify_phone: Some(false),
            auto_verify_email: Some(false),
        }
    }
}
