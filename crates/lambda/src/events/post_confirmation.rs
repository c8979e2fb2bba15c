//! Post confirmation: `PostConfirmation_ConfirmSignUp`, `PostConfirmation_ConfirmForgotPassword`.

use serde::Serialize;

use super::{Attributes, Metadata, NoResponse, Trigger};

pub struct PostConfirmation;

impl Trigger for PostConfirmation {
    const NAME: &'static str = "PostConfirmation";
    type Request = Request;
    type Response = NoResponse;
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    pub user_attributes: Attributes,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_metadata: Option<Metadata>,
}
