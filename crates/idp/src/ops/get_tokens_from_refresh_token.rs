//! GetTokensFromRefreshToken: new ID and access tokens from a refresh token, and a new refresh
//! token when the client rotates them (the only way to refresh with rotation on).

use cognate_awsjson::RequestContext;
use cognate_model::idp::{GetTokensFromRefreshTokenRequest, GetTokensFromRefreshTokenResponse};

use crate::Idp;
use crate::auth::refresh::{Proof, Via};
use crate::errors::Result;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: GetTokensFromRefreshTokenRequest,
) -> Result<GetTokensFromRefreshTokenResponse> {
    let client = idp.client(input.client_id.expose()).await?;
    let pool = idp.pool(client.pool_id.as_str()).await?;
    let proof = Proof::ClientSecret(input.client_secret.as_deref());
    let result = idp
        .refresh(
            &pool,
            &client,
            input.refresh_token.expose(),
            input.device_key.as_deref(),
            proof,
            Via::GetTokens,
        )
        .await?;
    Ok(GetTokensFromRefreshTokenResponse {
        authentication_result: Some(result),
    })
}
