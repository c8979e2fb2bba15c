use cognate_awsjson::RequestContext;
use cognate_model::identity::{TagResourceInput, TagResourceResponse};

use crate::errors::{OrNotFound, Result, invalid_parameter, pool_not_found};
use crate::ops::tags;
use crate::{Identity, pools::MAX_TAGS};

pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: TagResourceInput,
) -> Result<TagResourceResponse> {
    let mut pool = tags::pool_by_arn(&identity, &input.resource_arn).await?;
    pool.tags.extend(input.tags);
    if pool.tags.len() > MAX_TAGS {
        return Err(invalid_parameter(format!(
            "A resource can have at most {MAX_TAGS} tags."
        )));
    }
    identity
        .store
        .update_identity_pool(&pool)
        .await
        .or_not_found(|| pool_not_found(&pool.id))?;
    Ok(TagResourceResponse {})
}
