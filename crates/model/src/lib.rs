//! Wire types of cognito-idp, cognito-identity and STS, generated from botocore's service models
//! by `crates/codegen` (see `src/generated/`), plus the hand-written pieces they rely on.
//!
//! Per service module ([`idp`], [`identity`], [`sts`]):
//! - one struct per structure shape (`idp::CreateUserPoolRequest`), one enum per enumerated
//!   string shape (`idp::AuthFlowType`);
//! - `op`: a marker type per operation implementing [`cognate_awsjson::Operation`] (not for STS)
//!   and `op::OPERATIONS`, `op::UNSIGNED_OPERATIONS` (what AWS serves without a signature);
//! - `ErrorCode`: every exception of the service, `ErrorCode::X.msg("…")` builds the `ApiError`;
//! - `shapes`: the constraint table used by [`validate`].

mod generated;
pub mod schema;
mod sensitive;
pub mod validate;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use generated::{identity, idp, sts};
pub use sensitive::{REDACTED, Sensitive};

/// The input or output of an operation the model declares without one: `{}` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Empty {}

/// A string that is not one of an enum's values (the `FromStr` error of the generated enums).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownEnumValue {
    pub type_name: &'static str,
    pub value: String,
}

impl UnknownEnumValue {
    pub fn new(type_name: &'static str, value: &str) -> Self {
        Self {
            type_name,
            value: value.to_owned(),
        }
    }
}

impl fmt::Display for UnknownEnumValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}' is not a value of {}", self.value, self.type_name)
    }
}

impl std::error::Error for UnknownEnumValue {}
