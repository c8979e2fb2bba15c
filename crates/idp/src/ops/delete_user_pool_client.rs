use cognate_awsjson::RequestContext;
use cognate_domain::ids::{ClientId, UserPoolId};
use cognate_model::idp::DeleteUserPoolClientRequest;

use crate::errors::{OrNotFound, Result, client_not_found};
use cognate_model::Empty;

use crate::Idp;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: DeleteUserPoolClientRequest,
) -> Result<Empty> {
    idp.pool(&input.user_pool_id).await?;
    idp.store
        .delete_client(
            &UserPoolId::new(&input.user_pool_id),
            &ClientId::new(input.client_id.expose()),
        )
        .await
        .or_not_found(|| client_not_found(&input.client_id))?;
    Ok(Empty {})
}
