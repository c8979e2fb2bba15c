//! Pre authentication: `PreAuthentication_Authentication`.

use serde::Serialize;

use super::{Attributes, Metadata, NoResponse, Trigger};

pub struct PreAuthentication;

impl Trigger for PreAuthentication {
    const NAME: &'static str = "PreAuthentication";
    type Request = Request;
    type Response = NoResponse;
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    pub user_attributes: Attributes,
    /// `ClientMetadata` of InitiateAuth / AdminInitiateAuth.
    pub validation_data: Option<Metadata>,
    /// Only when the client prevents user-existence errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_not_found: Option<bool>,
}
