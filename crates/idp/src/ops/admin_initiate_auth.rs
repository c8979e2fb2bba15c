//! AdminInitiateAuth: server-side sign-in (ADMIN_USER_PASSWORD_AUTH, the legacy
//! ADMIN_NO_SRP_AUTH, REFRESH_TOKEN_AUTH / REFRESH_TOKEN) in a named pool.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{AdminInitiateAuthRequest, AdminInitiateAuthResponse};

use crate::Idp;
use crate::auth::{Api, Params, Reply};
use crate::auth_events::is_sign_in_flow;
use crate::errors::Result;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminInitiateAuthRequest,
) -> Result<AdminInitiateAuthResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let client = idp
        .pool_client(&input.user_pool_id, input.client_id.expose())
        .await?;
    let params = Params(
        input.auth_parameters.as_ref(),
        input.client_metadata.as_ref(),
    );
    let result = idp
        .initiate(Api::Admin, &pool, &client, &input.auth_flow, params)
        .await;
    if is_sign_in_flow(&input.auth_flow) {
        let username = Params(input.auth_parameters.as_ref(), None).get("USERNAME");
        idp.note_sign_in(&pool, username, &result).await;
    }
    let outcome = result?;
    let reply = Reply::try_from(outcome)?;
    Ok(AdminInitiateAuthResponse {
        challenge_name: reply.challenge_name,
        session: reply.session,
        challenge_parameters: reply.challenge_parameters,
        authentication_result: reply.authentication_result,
        available_challenges: reply.available_challenges,
    })
}
