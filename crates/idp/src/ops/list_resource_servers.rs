use cognate_awsjson::RequestContext;
use cognate_model::idp::{ListResourceServersRequest, ListResourceServersResponse};

use crate::errors::{Result, internal};
use crate::hosted::resource_servers::wire_server;
use crate::{Idp, paging};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: ListResourceServersRequest,
) -> Result<ListResourceServersResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let scope = format!("resource-servers/{}", pool.id);
    let after = paging::open_after(&idp.seal, &scope, input.next_token.as_deref())?;
    let page = idp
        .store
        .list_resource_servers(
            &pool.id,
            after.as_deref(),
            paging::page_limit(input.max_results),
        )
        .await
        .map_err(internal)?;
    Ok(ListResourceServersResponse {
        resource_servers: page.items.iter().map(wire_server).collect(),
        next_token: paging::seal_next(&idp.seal, &scope, page.next),
    })
}
