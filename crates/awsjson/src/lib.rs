//! AWS JSON 1.1 transport: operations as types, a registry keyed on the full `X-Amz-Target`,
//! the error envelope and request ids. Knows nothing about Cognito.

mod body;
mod error;
mod registry;
mod transport;

pub use body::{BodyLimits, is_form, read_body, timed_out};
pub use error::ApiError;
pub use registry::{Handler, Operation, OperationVisitor, Registry, decode_value};
pub use transport::{RequestContext, dispatch, error_response, json_response};
