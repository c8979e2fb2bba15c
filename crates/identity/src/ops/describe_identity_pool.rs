use cognate_awsjson::RequestContext;
use cognate_model::identity::{DescribeIdentityPoolInput, IdentityPool};

use crate::errors::Result;
use crate::{Identity, pools};

pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: DescribeIdentityPoolInput,
) -> Result<IdentityPool> {
    let pool = identity.identity_pool(&input.identity_pool_id).await?;
    Ok(pools::wire_pool(&pool))
}
