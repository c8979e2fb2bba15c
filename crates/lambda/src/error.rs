//! The three ways a trigger fails, as Cognito reports them to the caller.

/// A trigger that did not give a usable answer. `crates/idp` turns each into the Cognito error
/// of the same name; the message is AWS's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TriggerError {
    /// The function ran and failed (`X-Amz-Function-Error`):
    /// `<Trigger> failed with error <errorMessage>.`
    UserLambdaValidation(String),
    /// The function answered something that is not the event (not JSON, not an object, a
    /// `response` of the wrong shape).
    InvalidLambdaResponse(String),
    /// The function could not be invoked or did not answer in time.
    UnexpectedLambda(String),
}

impl TriggerError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::UserLambdaValidation(_) => "UserLambdaValidationException",
            Self::InvalidLambdaResponse(_) => "InvalidLambdaResponseException",
            Self::UnexpectedLambda(_) => "UnexpectedLambdaException",
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Self::UserLambdaValidation(m)
            | Self::InvalidLambdaResponse(m)
            | Self::UnexpectedLambda(m) => m,
        }
    }

    /// AWS's message for a function error.
    pub fn function_error(trigger: &str, error_message: &str) -> Self {
        Self::UserLambdaValidation(format!("{trigger} failed with error {error_message}."))
    }

    /// AWS's message for output it cannot read.
    pub fn unrecognizable() -> Self {
        Self::InvalidLambdaResponse("Unrecognizable lambda output".into())
    }

    /// AWS's message for an invocation that failed (`<Trigger> invocation failed due to error
    /// <ErrorCode>.`).
    pub fn invocation_failed(trigger: &str, error_code: &str) -> Self {
        Self::UnexpectedLambda(format!(
            "{trigger} invocation failed due to error {error_code}."
        ))
    }
}

impl std::fmt::Display for TriggerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())
    }
}

impl std::error::Error for TriggerError {}
