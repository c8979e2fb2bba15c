use cognate_awsjson::RequestContext;
use cognate_model::idp::{
    DeleteUserPoolClientSecretRequest, DeleteUserPoolClientSecretResponse, ErrorCode,
};

use crate::Idp;
use crate::errors::{OrNotFound, Result, client_not_found, invalid_parameter};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: DeleteUserPoolClientSecretRequest,
) -> Result<DeleteUserPoolClientSecretResponse> {
    idp.pool(&input.user_pool_id).await?;
    let mut client = idp
        .pool_client(&input.user_pool_id, &input.client_id)
        .await?;
    let Some(position) = client
        .secrets
        .iter()
        .position(|s| s.secret_id == input.client_secret_id)
    else {
        return Err(ErrorCode::ResourceNotFoundException.msg(format!(
            "Client secret {} does not exist.",
            input.client_secret_id
        )));
    };
    if client.secrets.len() == 1 {
        return Err(invalid_parameter(
            "The last client secret of an app client cannot be deleted.",
        ));
    }
    client.secrets.remove(position);
    client.last_modified_at = idp.clock.now();
    idp.store
        .update_client(&client)
        .await
        .or_not_found(|| client_not_found(&input.client_id))?;
    Ok(DeleteUserPoolClientSecretResponse {})
}
