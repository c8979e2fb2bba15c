//! Reading the error of a failed SDK call: its `__type` code and message.

use std::fmt::Debug;

use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};

/// The (code, message) of a call that must have failed with a service error.
pub fn failure<T: Debug, E: ProvideErrorMetadata + Debug, R: Debug>(
    result: Result<T, SdkError<E, R>>,
) -> (String, String) {
    let error = result.expect_err("the call should have failed");
    let code = error.code().map(str::to_string);
    let message = error.message().unwrap_or_default().to_string();
    match code {
        Some(code) => (code, message),
        None => panic!("not a service error: {error:?}"),
    }
}
