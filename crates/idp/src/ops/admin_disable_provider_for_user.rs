//! AdminDisableProviderForUser: a link removed, or a provider's user (or a native user's
//! password) kept from signing in.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{AdminDisableProviderForUserRequest, AdminDisableProviderForUserResponse};

use crate::Idp;
use crate::errors::Result;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminDisableProviderForUserRequest,
) -> Result<AdminDisableProviderForUserResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    idp.disable_provider_user(&pool, &input.user).await?;
    Ok(AdminDisableProviderForUserResponse {})
}
