//! GetIdentityProviderByIdentifier: the provider one of whose IdpIdentifiers is given.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{
    ErrorCode, GetIdentityProviderByIdentifierRequest, GetIdentityProviderByIdentifierResponse,
};

use crate::Idp;
use crate::errors::{OrNotFound, Result};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: GetIdentityProviderByIdentifierRequest,
) -> Result<GetIdentityProviderByIdentifierResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let provider = idp
        .store
        .identity_provider_by_identifier(&pool.id, &input.idp_identifier)
        .await
        .or_not_found(|| {
            ErrorCode::ResourceNotFoundException.msg(format!(
                "Identity provider with identifier {} does not exist.",
                input.idp_identifier
            ))
        })?;
    Ok(GetIdentityProviderByIdentifierResponse {
        identity_provider: idp.wire_provider(&provider)?,
    })
}
