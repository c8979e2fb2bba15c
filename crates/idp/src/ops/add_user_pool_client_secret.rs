use cognate_awsjson::RequestContext;
use cognate_crypto::secrets::random_client_secret;
use cognate_model::idp::{
    AddUserPoolClientSecretRequest, AddUserPoolClientSecretResponse, ClientSecretDescriptorType,
};

use crate::Idp;
use crate::clients::{self, MAX_SECRETS};
use crate::errors::{OrNotFound, Result, client_not_found, invalid_parameter};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AddUserPoolClientSecretRequest,
) -> Result<AddUserPoolClientSecretResponse> {
    idp.pool(&input.user_pool_id).await?;
    let mut client = idp
        .pool_client(&input.user_pool_id, &input.client_id)
        .await?;
    if !client.has_secret() {
        return Err(invalid_parameter(
            "The app client was created without a client secret.",
        ));
    }
    if client.secrets.len() >= MAX_SECRETS {
        return Err(invalid_parameter(format!(
            "The app client already has {MAX_SECRETS} client secrets; delete one before adding another."
        )));
    }
    let now = idp.clock.now();
    let plain = input
        .client_secret
        .as_ref()
        .map(|s| s.expose().to_string())
        .unwrap_or_else(random_client_secret);
    let secret = clients::seal_secret(
        &idp,
        &client.client_id,
        clients::new_secret_id(),
        &plain,
        now,
    );
    let descriptor = ClientSecretDescriptorType {
        client_secret_id: Some(secret.secret_id.clone()),
        client_secret_value: Some(plain.into()),
        client_secret_create_date: Some(now.epoch_seconds()),
    };
    client.secrets.push(secret);
    client.last_modified_at = now;
    idp.store
        .update_client(&client)
        .await
        .or_not_found(|| client_not_found(&input.client_id))?;
    Ok(AddUserPoolClientSecretResponse {
        client_secret_descriptor: Some(descriptor),
    })
}
