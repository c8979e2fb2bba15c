//! cognito-identity: identity pools, credentials and the STS endpoint they need.

mod ops;

pub use ops::registry;
