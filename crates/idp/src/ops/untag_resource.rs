use cognate_awsjson::RequestContext;
use cognate_model::idp::{UntagResourceRequest, UntagResourceResponse};

use crate::Idp;
use crate::errors::{OrNotFound, Result, pool_not_found};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: UntagResourceRequest,
) -> Result<UntagResourceResponse> {
    let mut pool = idp.pool_by_arn(&input.resource_arn).await?;
    for key in &input.tag_keys {
        pool.tags.remove(key);
    }
    let id = pool.id.to_string();
    idp.store
        .update_pool(&pool)
        .await
        .or_not_found(|| pool_not_found(&id))?;
    Ok(UntagResourceResponse {})
}
