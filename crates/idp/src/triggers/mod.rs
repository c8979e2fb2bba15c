//! The pool side of Lambda triggers: which function a pool configures for each trigger, which
//! triggers Cognate can honour (a pool configuring one it cannot is refused, never ignored), and
//! invoking through `cognate_lambda::Triggers` with its errors as Cognito's.
//!
//! One module per trigger point builds that trigger's request and applies its response.

use cognate_awsjson::ApiError;
use cognate_domain::pool::UserPool;
use cognate_domain::user::User;
use cognate_lambda::events::{Attributes, Trigger};
use cognate_lambda::{TriggerCall, TriggerError};
use cognate_model::idp::ErrorCode;
use serde_json::{Map, Value};

use crate::Idp;
use crate::errors::{Result, invalid_parameter};

mod authentication;
mod messages;
mod migration;
mod sign_up;
mod tokens;

pub use messages::{MessageCause, MessageSource};
pub use migration::{Migrated, Migration, not_migrated};
pub use sign_up::{SignUpDecision, SignUpSource};
pub use tokens::{TokenShape, TokenSource};

/// `LambdaConfig` members Cognate invokes. Every other member naming a function is refused at
/// CreateUserPool / UpdateUserPool until it is built.
const BUILT: &[&str] = &[
    "PreSignUp",
    "PostConfirmation",
    "PreAuthentication",
    "PostAuthentication",
    "PreTokenGeneration",
    "CustomMessage",
    "UserMigration",
    "DefineAuthChallenge",
    "CreateAuthChallenge",
    "VerifyAuthChallengeResponse",
];

/// `LambdaConfig` members that are not functions.
const NOT_TRIGGERS: &[&str] = &["KMSKeyID"];

/// Refuses a `LambdaConfig` naming a trigger Cognate would not invoke: an application relying
/// on it would silently behave differently than on AWS.
pub fn check_supported(settings: &Map<String, Value>) -> Result<()> {
    let Some(Value::Object(config)) = settings.get("LambdaConfig") else {
        return Ok(());
    };
    for (name, value) in config {
        if value.is_null() || NOT_TRIGGERS.contains(&name.as_str()) {
            continue;
        }
        let trigger = if name == "PreTokenGenerationConfig" {
            "PreTokenGeneration"
        } else {
            name.as_str()
        };
        if !BUILT.contains(&trigger) {
            return Err(invalid_parameter(unsupported_message(trigger)));
        }
    }
    Ok(())
}

fn unsupported_message(trigger: &str) -> String {
    match trigger {
        "CustomSMSSender" | "CustomEmailSender" => format!(
            "Cognate does not support the {trigger} Lambda trigger: it sends codes encrypted with \
             a KMS key, and Cognate has no KMS. Remove {trigger} from LambdaConfig."
        ),
        _ => format!(
            "Cognate does not support the {trigger} Lambda trigger yet. Remove {trigger} from \
             LambdaConfig."
        ),
    }
}

/// The function a pool configures for a `LambdaConfig` member.
pub fn function(pool: &UserPool, member: &str) -> Option<String> {
    pool.settings
        .get("LambdaConfig")?
        .get(member)?
        .as_str()
        .filter(|arn| !arn.is_empty())
        .map(str::to_string)
}

/// A user's attributes as events carry them (including `sub` and `cognito:user_status`).
pub fn user_attributes(user: &User) -> Attributes {
    let mut attributes: Attributes = user
        .attributes
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    attributes.insert("sub".into(), user.sub.to_string());
    attributes.insert(
        "cognito:user_status".into(),
        user.status.as_str().to_string(),
    );
    attributes
}

/// A trigger's failure as Cognito's error of the same name.
pub fn api_error(error: TriggerError) -> ApiError {
    let code = match error {
        TriggerError::UserLambdaValidation(_) => ErrorCode::UserLambdaValidationException,
        TriggerError::InvalidLambdaResponse(_) => ErrorCode::InvalidLambdaResponseException,
        TriggerError::UnexpectedLambda(_) => ErrorCode::UnexpectedLambdaException,
    };
    code.msg(error.message().to_string())
}

impl Idp {
    /// Invokes a trigger; its response, or the Cognito error the caller gets.
    pub async fn invoke_trigger<T: Trigger>(
        &self,
        call: TriggerCall<'_>,
        request: &T::Request,
    ) -> Result<T::Response> {
        self.triggers
            .invoke::<T>(call, request)
            .await
            .map_err(api_error)
    }
}
