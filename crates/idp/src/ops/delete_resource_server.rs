use cognate_awsjson::RequestContext;
use cognate_model::idp::{DeleteResourceServerRequest, Empty};

use crate::Idp;
use crate::errors::{OrNotFound, Result};
use crate::hosted::resource_servers::not_found;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: DeleteResourceServerRequest,
) -> Result<Empty> {
    let pool = idp.pool(&input.user_pool_id).await?;
    idp.store
        .delete_resource_server(&pool.id, &input.identifier)
        .await
        .or_not_found(|| not_found(&input.identifier))?;
    Ok(Empty {})
}
