//! UpdateResourceServer: as on AWS, the name and scopes are replaced (omitted scopes: none).

use cognate_awsjson::RequestContext;
use cognate_model::idp::{UpdateResourceServerRequest, UpdateResourceServerResponse};

use crate::Idp;
use crate::errors::{OrNotFound, Result};
use crate::hosted::resource_servers::{not_found, scopes, wire_server};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: UpdateResourceServerRequest,
) -> Result<UpdateResourceServerResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let mut server = idp.resource_server(&pool.id, &input.identifier).await?;
    server.name = input.name;
    server.scopes = scopes(input.scopes.as_deref())?;
    idp.store
        .update_resource_server(&server)
        .await
        .or_not_found(|| not_found(&input.identifier))?;
    Ok(UpdateResourceServerResponse {
        resource_server: wire_server(&server),
    })
}
