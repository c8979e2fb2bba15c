use cognate_awsjson::RequestContext;
use cognate_model::idp::{DeleteIdentityProviderRequest, Empty};

use crate::Idp;
use crate::errors::{OrNotFound, Result};
use crate::federation::provider_not_found;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: DeleteIdentityProviderRequest,
) -> Result<Empty> {
    let pool = idp.pool(&input.user_pool_id).await?;
    idp.store
        .delete_identity_provider(&pool.id, &input.provider_name)
        .await
        .or_not_found(|| provider_not_found(&input.provider_name))?;
    Ok(Empty {})
}
