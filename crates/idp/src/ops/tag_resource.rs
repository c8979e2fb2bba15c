use cognate_awsjson::RequestContext;
use cognate_model::idp::{TagResourceRequest, TagResourceResponse};

use crate::Idp;
use crate::errors::{OrNotFound, Result, invalid_parameter, pool_not_found};
use crate::tags::MAX_TAGS;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: TagResourceRequest,
) -> Result<TagResourceResponse> {
    let mut pool = idp.pool_by_arn(&input.resource_arn).await?;
    pool.tags.extend(input.tags.clone());
    if pool.tags.len() > MAX_TAGS {
        return Err(invalid_parameter(format!(
            "A resource can have at most {MAX_TAGS} tags."
        )));
    }
    let id = pool.id.to_string();
    idp.store
        .update_pool(&pool)
        .await
        .or_not_found(|| pool_not_found(&id))?;
    Ok(TagResourceResponse {})
}
