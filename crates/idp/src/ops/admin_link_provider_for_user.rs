//! AdminLinkProviderForUser: an external provider's user (SourceUser) signs in as an existing
//! user of the pool (DestinationUser) from then on.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{AdminLinkProviderForUserRequest, AdminLinkProviderForUserResponse};

use crate::Idp;
use crate::errors::Result;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminLinkProviderForUserRequest,
) -> Result<AdminLinkProviderForUserResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    idp.link_provider_user(&pool, &input.destination_user, &input.source_user)
        .await?;
    Ok(AdminLinkProviderForUserResponse {})
}
