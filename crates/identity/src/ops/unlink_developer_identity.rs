use cognate_awsjson::RequestContext;
use cognate_model::Empty;
use cognate_model::identity::UnlinkDeveloperIdentityInput;

use crate::Identity;
use crate::developer::{developer_login, developer_provider};
use crate::errors::{OrNotFound, Result, identity_not_found};

pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: UnlinkDeveloperIdentityInput,
) -> Result<Empty> {
    let pool = identity.identity_pool(&input.identity_pool_id).await?;
    let provider = developer_provider(&pool, Some(&input.developer_provider_name))?;
    let login = developer_login(&pool, &provider, &input.developer_user_identifier)?;
    identity
        .store
        .remove_login(&input.identity_id, &login)
        .await
        .or_not_found(|| identity_not_found(&input.identity_id))?;
    Ok(Empty {})
}
