use cognate_awsjson::RequestContext;
use cognate_model::identity::{UntagResourceInput, UntagResourceResponse};

use crate::Identity;
use crate::errors::{OrNotFound, Result, pool_not_found};
use crate::ops::tags;

pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: UntagResourceInput,
) -> Result<UntagResourceResponse> {
    let mut pool = tags::pool_by_arn(&identity, &input.resource_arn).await?;
    for key in &input.tag_keys {
        pool.tags.remove(key);
    }
    identity
        .store
        .update_identity_pool(&pool)
        .await
        .or_not_found(|| pool_not_found(&pool.id))?;
    Ok(UntagResourceResponse {})
}
