use std::borrow::Cow;

use http::StatusCode;

/// An error as the AWS JSON protocol carries it: a code (`__type`), a message and an HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: Cow<'static, str>,
    pub message: String,
    pub status: StatusCode,
}

impl ApiError {
    /// A client error (HTTP 400), the status of every Cognito error but the internal one.
    pub fn new(code: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            status: StatusCode::BAD_REQUEST,
        }
    }

    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// The body could not be read as the operation's JSON input.
    pub fn serialization(message: impl Into<String>) -> Self {
        Self::new("SerializationException", message)
    }

    pub fn unknown_operation(target: &str) -> Self {
        let message = if target.is_empty() {
            "Missing X-Amz-Target header".to_string()
        } else {
            format!("Unknown operation: {target}")
        };
        Self::new("UnknownOperationException", message)
    }

    pub fn unsupported_operation(operation: &str) -> Self {
        Self::new(
            "UnsupportedOperationException",
            format!("{operation} is not supported by Cognate yet"),
        )
    }

    /// A failure of ours. Details belong in the log (with the request id), never in the reply.
    pub fn internal() -> Self {
        Self::new("InternalErrorException", "An internal error occurred")
            .with_status(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}
