use cognate_awsjson::RequestContext;
use cognate_model::idp::{DescribeIdentityProviderRequest, DescribeIdentityProviderResponse};

use crate::Idp;
use crate::errors::Result;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: DescribeIdentityProviderRequest,
) -> Result<DescribeIdentityProviderResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let provider = idp
        .identity_provider(&pool.id, &input.provider_name)
        .await?;
    Ok(DescribeIdentityProviderResponse {
        identity_provider: idp.wire_provider(&provider)?,
    })
}
