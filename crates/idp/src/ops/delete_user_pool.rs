use cognate_awsjson::RequestContext;
use cognate_model::idp::DeleteUserPoolRequest;

use crate::errors::{OrNotFound, Result, invalid_parameter, pool_not_found};
use cognate_model::Empty;

use crate::Idp;

pub async fn handle(idp: Idp, _ctx: RequestContext, input: DeleteUserPoolRequest) -> Result<Empty> {
    let pool = idp.pool(&input.user_pool_id).await?;
    if pool.deletion_protection {
        return Err(invalid_parameter(
            "The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.",
        ));
    }
    idp.store
        .delete_pool(&pool.id)
        .await
        .or_not_found(|| pool_not_found(&input.user_pool_id))?;
    Ok(Empty {})
}
