//! Resource servers: an identifier per pool and the custom scopes (`<identifier>/<scope>`)
//! clients may be allowed and tokens may carry.

use cognate_awsjson::ApiError;
use cognate_domain::StoreError;
use cognate_domain::hosted::{RESOURCE_SERVERS_KEY, ResourceServer, ResourceServerScope};
use cognate_domain::ids::UserPoolId;
use cognate_model::idp::{self as wire, ErrorCode};

use crate::Idp;
use crate::errors::{OrNotFound, Result, internal, invalid_parameter};

/// Most resource servers a pool may have (AWS's quota).
const MAX_SERVERS: usize = 25;

pub fn not_found(identifier: &str) -> ApiError {
    ErrorCode::ResourceNotFoundException
        .msg(format!("Resource server {identifier} does not exist."))
}

pub fn write_error(error: StoreError, server: &ResourceServer) -> ApiError {
    match error {
        StoreError::Conflict { constraint } if constraint == RESOURCE_SERVERS_KEY => {
            invalid_parameter(format!(
                "{} already exists in user pool {}.",
                server.identifier, server.pool_id
            ))
        }
        other => internal(other),
    }
}

/// The scopes as given, each name once.
pub fn scopes(given: Option<&[wire::ResourceServerScopeType]>) -> Result<Vec<ResourceServerScope>> {
    let mut scopes: Vec<ResourceServerScope> = Vec::new();
    for scope in given.unwrap_or_default() {
        if scopes.iter().any(|s| s.name == scope.scope_name) {
            return Err(invalid_parameter(format!(
                "Scope {} is given more than once.",
                scope.scope_name
            )));
        }
        scopes.push(ResourceServerScope {
            name: scope.scope_name.clone(),
            description: scope.scope_description.clone(),
        });
    }
    Ok(scopes)
}

pub fn wire_server(server: &ResourceServer) -> wire::ResourceServerType {
    wire::ResourceServerType {
        user_pool_id: Some(server.pool_id.to_string()),
        identifier: Some(server.identifier.clone()),
        name: Some(server.name.clone()),
        scopes: Some(
            server
                .scopes
                .iter()
                .map(|scope| wire::ResourceServerScopeType {
                    scope_name: scope.name.clone(),
                    scope_description: scope.description.clone(),
                })
                .collect(),
        ),
    }
}

impl Idp {
    pub async fn resource_server(
        &self,
        pool_id: &UserPoolId,
        identifier: &str,
    ) -> Result<ResourceServer> {
        self.store
            .get_resource_server(pool_id, identifier)
            .await
            .or_not_found(|| not_found(identifier))
    }

    /// Every resource server of the pool (there are at most `MAX_SERVERS`).
    pub async fn resource_servers(&self, pool_id: &UserPoolId) -> Result<Vec<ResourceServer>> {
        let page = self
            .store
            .list_resource_servers(pool_id, None, MAX_SERVERS + 1)
            .await
            .map_err(internal)?;
        Ok(page.items)
    }

    /// Refuses a new server past AWS's quota of resource servers per pool.
    pub async fn check_resource_server_quota(&self, pool_id: &UserPoolId) -> Result<()> {
        if self.resource_servers(pool_id).await?.len() >= MAX_SERVERS {
            return Err(ErrorCode::LimitExceededException.msg(format!(
                "A user pool can have at most {MAX_SERVERS} resource servers."
            )));
        }
        Ok(())
    }
}
