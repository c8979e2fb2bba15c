//! Custom authentication: `DefineAuthChallenge_Authentication`,
//! `CreateAuthChallenge_Authentication`, `VerifyAuthChallengeResponse_Authentication`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Attributes, Metadata, Trigger};

/// One answered challenge of the sign-in so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeResult {
    pub challenge_name: String,
    pub challenge_result: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge_metadata: Option<String>,
}

pub struct DefineAuthChallenge;

impl Trigger for DefineAuthChallenge {
    const NAME: &'static str = "DefineAuthChallenge";
    type Request = DefineRequest;
    type Response = DefineResponse;
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DefineRequest {
    pub user_attributes: Attributes,
    pub session: Vec<ChallengeResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_metadata: Option<Metadata>,
    pub user_not_found: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DefineResponse {
    #[serde(default)]
    pub challenge_name: Option<String>,
    #[serde(default)]
    pub issue_tokens: Option<bool>,
    #[serde(default)]
    pub fail_authentication: Option<bool>,
}

pub struct CreateAuthChallenge;

impl Trigger for CreateAuthChallenge {
    const NAME: &'static str = "CreateAuthChallenge";
    type Request = CreateRequest;
    type Response = CreateResponse;
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateRequest {
    pub user_attributes: Attributes,
    pub challenge_name: String,
    pub session: Vec<ChallengeResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_metadata: Option<Metadata>,
    pub user_not_found: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateResponse {
    #[serde(default)]
    pub public_challenge_parameters: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub private_challenge_parameters: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub challenge_metadata: Option<String>,
}

pub struct VerifyAuthChallengeResponse;

impl Trigger for VerifyAuthChallengeResponse {
    const NAME: &'static str = "VerifyAuthChallengeResponse";
    type Request = VerifyRequest;
    type Response = VerifyResponse;
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyRequest {
    pub user_attributes: Attributes,
    pub private_challenge_parameters: BTreeMap<String, String>,
    pub challenge_answer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_metadata: Option<Metadata>,
    pub user_not_found: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyResponse {
    #[serde(default)]
    pub answer_correct: Option<bool>,
}
