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
    let mut user_pool = pools::wire_pool(&pool, &idp.config.account_id, users)?;
    // The pool's domains live in their own table (names are unique across pools).
    for domain in idp.store.pool_domains(&pool.id).await.map_err(internal)? {
        if domain.is_custom() {
            user_pool.custom_domain = Some(domain.domain);
        } else {
            user_pool.domain = Some(domain.domain);
        }
    }
    Ok(DescribeUserPoolResponse {
        user_pool: Some(user_pool),
    })
}
