use cognate_awsjson::RequestContext;
use cognate_model::idp::{DescribeResourceServerRequest, DescribeResourceServerResponse};

use crate::Idp;
use crate::errors::Result;
use crate::hosted::resource_servers::wire_server;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: DescribeResourceServerRequest,
) -> Result<DescribeResourceServerResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let server = idp.resource_server(&pool.id, &input.identifier).await?;
    Ok(DescribeResourceServerResponse {
        resource_server: wire_server(&server),
    })
}
