use cognate_awsjson::RequestContext;
use cognate_model::Empty;
use cognate_model::identity::DeleteIdentityPoolInput;

use crate::Identity;
use crate::errors::{OrNotFound, Result, pool_not_found};

pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: DeleteIdentityPoolInput,
) -> Result<Empty> {
    let id = &input.identity_pool_id;
    identity
        .store
        .delete_identity_pool(id)
        .await
        .or_not_found(|| pool_not_found(id))?;
    Ok(Empty {})
}
