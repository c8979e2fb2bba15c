use cognate_awsjson::RequestContext;
use cognate_model::idp::{DescribeUserPoolClientRequest, DescribeUserPoolClientResponse};

use crate::errors::Result;
use crate::{Idp, clients};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: DescribeUserPoolClientRequest,
) -> Result<DescribeUserPoolClientResponse> {
    idp.pool(&input.user_pool_id).await?;
    let client = idp
        .pool_client(&input.user_pool_id, &input.client_id)
        .await?;
    Ok(DescribeUserPoolClientResponse {
        user_pool_client: Some(clients::wire_client(&idp, &client)?),
    })
}
