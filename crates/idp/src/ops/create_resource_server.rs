//! CreateResourceServer: an identifier unique in the pool, with its custom scopes.

use cognate_awsjson::RequestContext;
use cognate_domain::hosted::ResourceServer;
use cognate_model::idp::{CreateResourceServerRequest, CreateResourceServerResponse};

use crate::Idp;
use crate::errors::Result;
use crate::hosted::resource_servers::{scopes, wire_server, write_error};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: CreateResourceServerRequest,
) -> Result<CreateResourceServerResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let server = ResourceServer {
        pool_id: pool.id.clone(),
        identifier: input.identifier,
        name: input.name,
        scopes: scopes(input.scopes.as_deref())?,
    };
    idp.check_resource_server_quota(&pool.id).await?;
    idp.store
        .create_resource_server(&server)
        .await
        .map_err(|error| write_error(error, &server))?;
    Ok(CreateResourceServerResponse {
        resource_server: wire_server(&server),
    })
}
