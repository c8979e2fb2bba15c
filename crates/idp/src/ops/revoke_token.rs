//! RevokeToken: revokes a refresh token and the access tokens of its sign-in.

use cognate_awsjson::RequestContext;
use cognate_domain::StoreError;
use cognate_domain::ids::ClientId;
use cognate_model::idp::{RevokeTokenRequest, RevokeTokenResponse};

use crate::Idp;
use crate::auth::revoke::unauthorized_client;
use crate::errors::{Result, internal};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: RevokeTokenRequest,
) -> Result<RevokeTokenResponse> {
    // RevokeToken answers an unknown client as a failed client authentication.
    let client = match idp
        .store
        .get_client(&ClientId::new(input.client_id.expose()))
        .await
    {
        Ok(client) => client,
        Err(StoreError::NotFound) => return Err(unauthorized_client()),
        Err(other) => return Err(internal(other)),
    };
    idp.revoke_refresh_token(
        &client,
        input.client_secret.as_deref(),
        input.token.expose(),
    )
    .await?;
    Ok(RevokeTokenResponse {})
}
