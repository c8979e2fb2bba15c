//! Seed files and export: a store's state as one JSON document, in AWS's request shapes.
//!
//! ```json
//! {
//!   "UserPools": [{
//!     "Id": "us-east-1_Fixture01",
//!     "PoolName": "ci", "...": "any other CreateUserPool member",
//!     "MfaConfig": { "...": "SetUserPoolMfaConfig members" },
//!     "Domains": [{ "Domain": "ci-fixture", "...": "CreateUserPoolDomain members" }],
//!     "ResourceServers": [{ "Identifier": "https://api", "...": "CreateResourceServer members" }],
//!     "Clients": [{ "ClientId": "ci0client0id", "ClientName": "web", "...": "CreateUserPoolClient members" }],
//!     "Groups": [{ "GroupName": "admins", "...": "CreateGroup members" }],
//!     "Users": [{ "Username": "alice", "Password": "…", "UserAttributes": [{"Name": "email", "Value": "…"}],
//!                 "UserStatus": "CONFIRMED", "Enabled": true, "Groups": ["admins"] }]
//!   }],
//!   "IdentityPools": [{ "IdentityPoolId": "us-east-1:…", "IdentityPoolName": "ci", "...": "CreateIdentityPool members",
//!                       "Roles": { "authenticated": "arn:…" }, "RoleMappings": {} }]
//! }
//! ```
//!
//! `UserPoolId` is implied by the enclosing pool. Applying is idempotent: each entity is
//! created when its key (pool id, client id, group name, username, domain, resource server
//! identifier, identity pool id) is not in the store yet, through the operation that creates
//! it (so with its checks), and left as it is when it is. `export` writes the same document from
//! the Describe and List operations, passwords as their sealed material (`PasswordHash`), which
//! only a server with the same seal key can use.

mod apply;
mod export;

use cognate_awsjson::{ApiError, Registry};
use cognate_identity::Identity;
use cognate_idp::Idp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use apply::apply_file;
pub use export::export;

/// `[seed]` of the configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct SeedSection {
    /// A seed file applied at every start (`cognate serve --seed FILE`). Empty: none.
    pub file: String,
}

/// The services a seed is applied with and an export read from.
pub struct Services<'a> {
    pub registry: &'a Registry,
    pub idp: &'a Idp,
    pub identity: &'a Identity,
}

impl Services<'_> {
    /// Runs operation `name` of cognito-idp in-process.
    async fn idp_call(&self, name: &str, input: Value) -> Result<Value, ApiError> {
        let target = format!("AWSCognitoIdentityProviderService.{name}");
        self.registry.invoke(&target, &input).await
    }

    /// Runs operation `name` of cognito-identity in-process.
    async fn identity_call(&self, name: &str, input: Value) -> Result<Value, ApiError> {
        let target = format!("AWSCognitoIdentityService.{name}");
        self.registry.invoke(&target, &input).await
    }
}

/// An operation's refusal as a start-up error.
fn failed(what: &str, error: ApiError) -> anyhow::Error {
    anyhow::anyhow!("{what}: {}: {}", error.code, error.message)
}

/// `object` without the members `keys`, as a JSON object.
fn without(object: &Map<String, Value>, keys: &[&str]) -> Map<String, Value> {
    object
        .iter()
        .filter(|(key, _)| !keys.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}
