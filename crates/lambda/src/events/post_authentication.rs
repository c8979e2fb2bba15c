//! Post authentication: `PostAuthentication_Authentication`.

use serde::Serialize;

use super::{Attributes, Metadata, NoResponse, Trigger};

pub struct PostAuthentication;

impl Trigger for PostAuthentication {
    const NAME: &'static str = "PostAuthentication";
    type Request = Request;
    type Response = NoResponse;
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    pub user_attributes: Attributes,
    /// Whether the sign-in came from a device not remembered before (when the pool tracks
    /// devices; false otherwise).
    pub new_device_used: bool,
    /// Cognito does not pass InitiateAuth's ClientMetadata here; RespondToAuthChallenge's is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_metadata: Option<Metadata>,
}
