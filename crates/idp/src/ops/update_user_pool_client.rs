use cognate_awsjson::RequestContext;
use cognate_model::idp::{UpdateUserPoolClientRequest, UpdateUserPoolClientResponse};

use crate::Idp;
use crate::clients::{self, ClientSettings};
use crate::errors::{OrNotFound, Result, client_not_found};
use crate::hosted::oauth_settings::OAuthSettings;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: UpdateUserPoolClientRequest,
) -> Result<UpdateUserPoolClientResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let mut client = idp
        .pool_client(&input.user_pool_id, &input.client_id)
        .await?;
    clients::apply(
        &mut client,
        &ClientSettings::from_update(&input),
        idp.clock.now(),
    )?;
    idp.check_oauth_settings(&pool.id, &OAuthSettings::of(&client), client.has_secret())
        .await?;
    idp.store
        .update_client(&client)
        .await
        .or_not_found(|| client_not_found(&input.client_id))?;
    Ok(UpdateUserPoolClientResponse {
        user_pool_client: Some(clients::wire_client(&idp, &client)?),
    })
}
