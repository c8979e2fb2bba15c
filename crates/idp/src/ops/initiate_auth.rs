//! InitiateAuth: client-side sign-in (USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH / REFRESH_TOKEN;
//! SRP and custom flows come later). The client id alone names the pool.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{InitiateAuthRequest, InitiateAuthResponse};

use crate::Idp;
use crate::auth::{Api, Params, Reply};
use crate::auth_events::is_sign_in_flow;
use crate::errors::Result;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: InitiateAuthRequest,
) -> Result<InitiateAuthResponse> {
    let client = idp.client(input.client_id.expose()).await?;
    let pool = idp.pool(client.pool_id.as_str()).await?;
    let params = Params(
        input.auth_parameters.as_ref(),
        input.client_metadata.as_ref(),
    );
    let result = idp
        .initiate(Api::Client, &pool, &client, &input.auth_flow, params)
        .await;
    if is_sign_in_flow(&input.auth_flow) {
        let username = Params(input.auth_parameters.as_ref(), None).get("USERNAME");
        idp.note_sign_in(&pool, username, &result).await;
    }
    let outcome = result?;
    let reply = Reply::try_from(outcome)?;
    Ok(InitiateAuthResponse {
        challenge_name: reply.challenge_name,
        session: reply.session,
        challenge_parameters: reply.challenge_parameters,
        authentication_result: reply.authentication_result,
        available_challenges: reply.available_challenges,
    })
}
