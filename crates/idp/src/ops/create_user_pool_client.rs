use cognate_awsjson::RequestContext;
use cognate_crypto::secrets::{random_client_id, random_client_secret};
use cognate_domain::ids::ClientId;
use cognate_model::idp::{CreateUserPoolClientRequest, CreateUserPoolClientResponse};

use crate::Idp;
use crate::clients::{self, ClientSettings};
use crate::errors::{OrNotFound, Result, invalid_parameter, pool_not_found};
use crate::hosted::oauth_settings::OAuthSettings;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: CreateUserPoolClientRequest,
) -> Result<CreateUserPoolClientResponse> {
    create(&idp, ClientId::new(random_client_id()), &input).await
}

/// CreateUserPoolClient under a given client id (a seed file's fixed one).
pub(crate) async fn create(
    idp: &Idp,
    client_id: ClientId,
    input: &CreateUserPoolClientRequest,
) -> Result<CreateUserPoolClientResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let now = idp.clock.now();
    let mut client = clients::new_client(
        pool.id.clone(),
        client_id.clone(),
        &ClientSettings::from_create(input),
        now,
    )?;
    idp.check_oauth_settings(
        &pool.id,
        &OAuthSettings::of(&client),
        input.generate_secret == Some(true),
    )
    .await?;
    let given_secret = input.client_secret.as_ref().map(|s| s.expose().to_string());
    if given_secret.is_some() && input.generate_secret != Some(true) {
        return Err(invalid_parameter(
            "ClientSecret can only be set when GenerateSecret is true.",
        ));
    }
    if input.generate_secret == Some(true) {
        let plain = given_secret.unwrap_or_else(random_client_secret);
        client.secrets.push(clients::seal_secret(
            idp,
            &client_id,
            clients::new_secret_id(),
            &plain,
            now,
        ));
    }
    idp.store
        .create_client(&client)
        .await
        .or_not_found(|| pool_not_found(&input.user_pool_id))?;
    Ok(CreateUserPoolClientResponse {
        user_pool_client: Some(clients::wire_client(idp, &client)?),
    })
}
