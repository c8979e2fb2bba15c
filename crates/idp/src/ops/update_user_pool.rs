use cognate_awsjson::RequestContext;
use cognate_model::idp::{UpdateUserPoolRequest, UpdateUserPoolResponse};

use crate::errors::{OrNotFound, Result, pool_not_found};
use crate::{Idp, pools};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: UpdateUserPoolRequest,
) -> Result<UpdateUserPoolResponse> {
    let mut pool = idp.pool(&input.user_pool_id).await?;
    pools::apply_update(&mut pool, &input, idp.clock.now())?;
    idp.store
        .update_pool(&pool)
        .await
        .or_not_found(|| pool_not_found(&input.user_pool_id))?;
    Ok(UpdateUserPoolResponse {})
}
