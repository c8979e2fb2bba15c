//! AdminRespondToAuthChallenge: answers a challenge from AdminInitiateAuth in a named pool.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{AdminRespondToAuthChallengeRequest, AdminRespondToAuthChallengeResponse};

use crate::Idp;
use crate::auth::{Params, Reply};
use crate::errors::Result;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminRespondToAuthChallengeRequest,
) -> Result<AdminRespondToAuthChallengeResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let client = idp
        .pool_client(&input.user_pool_id, input.client_id.expose())
        .await?;
    let result = idp
        .respond(
            &pool,
            &client,
            &input.challenge_name,
            input.session.as_deref(),
            Params(
                input.challenge_responses.as_ref(),
                input.client_metadata.as_ref(),
            ),
        )
        .await;
    let username = Params(input.challenge_responses.as_ref(), None).get("USERNAME");
    idp.note_sign_in(&pool, username, &result).await;
    let outcome = result?;
    let reply = Reply::try_from(outcome)?;
    Ok(AdminRespondToAuthChallengeResponse {
        challenge_name: reply.challenge_name,
        session: reply.session,
        challenge_parameters: reply.challenge_parameters,
        authentication_result: reply.authentication_result,
    })
}
