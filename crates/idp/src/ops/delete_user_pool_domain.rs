//! DeleteUserPoolDomain: the domain must be the named pool's.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{DeleteUserPoolDomainRequest, DeleteUserPoolDomainResponse};

use crate::Idp;
use crate::errors::{OrNotFound, Result, invalid_parameter};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: DeleteUserPoolDomainRequest,
) -> Result<DeleteUserPoolDomainResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    idp.store
        .delete_domain(&pool.id, &input.domain)
        .await
        .or_not_found(|| invalid_parameter("No such domain or user pool exists."))?;
    Ok(DeleteUserPoolDomainResponse {})
}
