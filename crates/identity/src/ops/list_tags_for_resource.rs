use cognate_awsjson::RequestContext;
use cognate_model::identity::{ListTagsForResourceInput, ListTagsForResourceResponse};

use crate::Identity;
use crate::errors::Result;
use crate::ops::tags;

pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: ListTagsForResourceInput,
) -> Result<ListTagsForResourceResponse> {
    let pool = tags::pool_by_arn(&identity, &input.resource_arn).await?;
    Ok(ListTagsForResourceResponse {
        tags: Some(pool.tags),
    })
}
