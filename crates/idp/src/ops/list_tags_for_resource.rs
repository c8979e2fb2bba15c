use cognate_awsjson::RequestContext;
use cognate_model::idp::{ListTagsForResourceRequest, ListTagsForResourceResponse};

use crate::Idp;
use crate::errors::Result;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: ListTagsForResourceRequest,
) -> Result<ListTagsForResourceResponse> {
    let pool = idp.pool_by_arn(&input.resource_arn).await?;
    Ok(ListTagsForResourceResponse {
        tags: Some(pool.tags),
    })
}
