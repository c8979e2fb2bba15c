use cognate_awsjson::RequestContext;
use cognate_model::idp::{DescribeUserPoolRequest, DescribeUserPoolResponse};

use crate::errors::{Result, internal};
use crate::{Idp, pools};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: DescribeUserPoolRequest,
) -> Result<DescribeUserPoolResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let users = idp.store.count_users(&pool.id).await.map_err(internal)?;
    Ok(DescribeUserPoolResponse {
        user_pool: Some(pools::wire_pool(&pool, &idp.config.account_id, users)?),
    })
}
