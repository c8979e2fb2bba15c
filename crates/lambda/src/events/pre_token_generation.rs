//! Pre token generation: `TokenGeneration_Authentication`, `_NewPasswordChallenge`,
//! `_AuthenticateDevice`, `_RefreshTokens` (and `_HostedAuth`). Event version "1" (V1_0:
//! `claimsOverrideDetails`, ID token only), "2" (V2_0) and "3" (V3_0): both with
//! `claimsAndScopeOverrideDetails` for the ID and the access token and `request.scopes`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Attributes, Metadata, Trigger};

pub struct PreTokenGeneration;

impl Trigger for PreTokenGeneration {
    const NAME: &'static str = "PreTokenGeneration";
    type Request = Request;
    type Response = Response;
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    pub user_attributes: Attributes,
    pub group_configuration: GroupConfiguration,
    /// The access token's scopes (V2_0 and V3_0 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_metadata: Option<Metadata>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupConfiguration {
    pub groups_to_override: Option<Vec<String>>,
    pub iam_roles_to_override: Option<Vec<String>>,
    pub preferred_role: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    /// V1_0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims_override_details: Option<ClaimsOverrideDetails>,
    /// V2_0 and V3_0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims_and_scope_override_details: Option<ClaimsAndScopeOverrideDetails>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimsOverrideDetails {
    #[serde(default)]
    pub claims_to_add_or_override: Option<Map<String, Value>>,
    #[serde(default)]
    pub claims_to_suppress: Option<Vec<String>>,
    #[serde(default)]
    pub group_override_details: Option<GroupConfiguration>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimsAndScopeOverrideDetails {
    #[serde(default)]
    pub id_token_generation: Option<TokenGeneration>,
    #[serde(default)]
    pub access_token_generation: Option<TokenGeneration>,
    #[serde(default)]
    pub group_override_details: Option<GroupConfiguration>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenGeneration {
    #[serde(default)]
    pub claims_to_add_or_override: Option<Map<String, Value>>,
    #[serde(default)]
    pub claims_to_suppress: Option<Vec<String>>,
    /// Access token only.
    #[serde(default)]
    pub scopes_to_add: Option<Vec<String>>,
    /// Access token only.
    #[serde(default)]
    pub scopes_to_suppress: Option<Vec<String>>,
}
