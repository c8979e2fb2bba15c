//! The `Invoker` trait: one RequestResponse invocation of a function, nothing Cognito-specific.

use async_trait::async_trait;

/// What a function answered.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The reply body (the returned event, or the error document of a function error).
    pub payload: Vec<u8>,
    /// `X-Amz-Function-Error` when the function failed (`Unhandled`, `Handled`).
    pub function_error: Option<String>,
}

/// Why an invocation gave no reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvokeFailure {
    /// No answer within the attempt time-out.
    Timeout,
    /// The Lambda service refused the call (its error code, e.g. `ResourceNotFoundException`);
    /// `retryable` for throttling and server errors.
    Service { code: String, retryable: bool },
    /// The call did not reach the service (connection refused, reset, TLS...).
    Transport(String),
}

impl InvokeFailure {
    /// Whether AWS would try again: time-outs, unreachable endpoints, throttling, 5xx.
    pub fn retryable(&self) -> bool {
        match self {
            Self::Timeout | Self::Transport(_) => true,
            Self::Service { retryable, .. } => *retryable,
        }
    }

    /// The error code named in `UnexpectedLambdaException`'s message.
    pub fn code(&self) -> &str {
        match self {
            Self::Timeout => "TimeoutError",
            Self::Service { code, .. } => code,
            Self::Transport(_) => "ServiceUnavailableException",
        }
    }
}

/// Invokes a Lambda function synchronously (`X-Amz-Invocation-Type: RequestResponse`). One
/// attempt: retries and the time-out belong to the caller (`Triggers`).
#[async_trait]
pub trait Invoker: Send + Sync + 'static {
    async fn invoke(&self, function: &str, payload: Vec<u8>) -> Result<Reply, InvokeFailure>;
}
