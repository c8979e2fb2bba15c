//! The events Cognito sends, one module per trigger, exactly as the Cognito Developer Guide
//! documents them ("User pool Lambda trigger common parameters" and each trigger's page).
//!
//! Every event carries `version`, `triggerSource`, `region`, `userPoolId`, `userName`,
//! `callerContext {awsSdkVersion, clientId}`, `request` and `response`; the function answers with
//! the same event, its `response` filled in.

pub mod custom_auth;
pub mod custom_message;
pub mod post_authentication;
pub mod post_confirmation;
pub mod pre_authentication;
pub mod pre_sign_up;
pub mod pre_token_generation;
pub mod user_migration;

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// User attributes as events carry them: name → value.
pub type Attributes = BTreeMap<String, String>;
/// `ClientMetadata` / `ValidationData` as the API took them.
pub type Metadata = BTreeMap<String, String>;

/// What AWS puts in `callerContext.clientId` for operations made without an app client
/// (AdminCreateUser, AdminConfirmSignUp...).
pub const NO_CLIENT: &str = "CLIENT_ID_NOT_APPLICABLE";

/// One kind of trigger: its `LambdaConfig` name (also the name in error messages) and the
/// request and response of its event.
pub trait Trigger {
    const NAME: &'static str;
    type Request: Serialize + Send + Sync;
    type Response: Serialize + DeserializeOwned + Default + Send;
}

/// The common parameters of one invocation.
#[derive(Debug, Clone, Copy)]
pub struct TriggerCall<'a> {
    /// The function (ARN) to invoke.
    pub function: &'a str,
    /// `triggerSource`, e.g. `PreSignUp_SignUp`.
    pub source: &'static str,
    /// `version`: "1", or "2"/"3" for pre token generation V2_0/V3_0.
    pub version: &'static str,
    pub pool_id: &'a str,
    pub user_name: &'a str,
    /// The app client, `None` for administrator operations.
    pub client_id: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Event<'a, Req, Resp> {
    pub version: &'a str,
    pub trigger_source: &'a str,
    pub region: &'a str,
    pub user_pool_id: &'a str,
    pub user_name: &'a str,
    pub caller_context: CallerContext<'a>,
    pub request: &'a Req,
    pub response: Resp,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CallerContext<'a> {
    pub aws_sdk_version: &'a str,
    pub client_id: &'a str,
}

/// The `response` of triggers whose answer Cognito ignores (post confirmation, pre and post
/// authentication): sent as `{}`, any object accepted back.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NoResponse {}
