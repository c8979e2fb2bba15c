//! cognito-identity's errors as operations raise them, and the mapping from storage errors.

use cognate_awsjson::ApiError;
use cognate_domain::StoreError;
use cognate_model::identity::ErrorCode;

pub type Result<T, E = ApiError> = std::result::Result<T, E>;

pub fn invalid_parameter(message: impl Into<String>) -> ApiError {
    ErrorCode::InvalidParameterException.msg(message)
}

pub fn not_authorized(message: impl Into<String>) -> ApiError {
    ErrorCode::NotAuthorizedException.msg(message)
}

pub fn pool_not_found(pool_id: &str) -> ApiError {
    ErrorCode::ResourceNotFoundException.msg(format!("IdentityPool '{pool_id}' not found."))
}

pub fn identity_not_found(identity_id: &str) -> ApiError {
    ErrorCode::ResourceNotFoundException.msg(format!("Identity '{identity_id}' not found."))
}

/// A storage failure that is ours, not the client's: logged, answered without details.
pub fn internal(error: StoreError) -> ApiError {
    tracing::error!(%error, "storage failure");
    ApiError::internal()
}

/// Maps a store result, turning `NotFound` into the operation's own not-found error.
pub trait OrNotFound<T> {
    fn or_not_found(self, not_found: impl FnOnce() -> ApiError) -> Result<T>;
}

impl<T> OrNotFound<T> for std::result::Result<T, StoreError> {
    fn or_not_found(self, not_found: impl FnOnce() -> ApiError) -> Result<T> {
        self.map_err(|error| match error {
            StoreError::NotFound => not_found(),
            other => internal(other),
        })
    }
}
