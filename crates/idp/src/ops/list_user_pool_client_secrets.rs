use cognate_awsjson::RequestContext;
use cognate_model::idp::{
    ClientSecretDescriptorType, ListUserPoolClientSecretsRequest, ListUserPoolClientSecretsResponse,
};

use crate::Idp;
use crate::errors::Result;

/// At most two secrets exist per client, so the list is a single page. Values are not listed.
pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: ListUserPoolClientSecretsRequest,
) -> Result<ListUserPoolClientSecretsResponse> {
    idp.pool(&input.user_pool_id).await?;
    let client = idp
        .pool_client(&input.user_pool_id, &input.client_id)
        .await?;
    let client_secrets = client
        .secrets
        .iter()
        .map(|secret| ClientSecretDescriptorType {
            client_secret_id: Some(secret.secret_id.clone()),
            client_secret_value: None,
            client_secret_create_date: Some(secret.created_at.epoch_seconds()),
        })
        .collect();
    Ok(ListUserPoolClientSecretsResponse {
        client_secrets: Some(client_secrets),
        next_token: None,
    })
}
