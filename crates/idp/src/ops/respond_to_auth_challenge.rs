//! RespondToAuthChallenge: answers a challenge from InitiateAuth with its `Session`.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{RespondToAuthChallengeRequest, RespondToAuthChallengeResponse};

use crate::Idp;
use crate::auth::{Params, Reply};
use crate::errors::Result;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: RespondToAuthChallengeRequest,
) -> Result<RespondToAuthChallengeResponse> {
    let client = idp.client(input.client_id.expose()).await?;
    let pool = idp.pool(client.pool_id.as_str()).await?;
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
    Ok(RespondToAuthChallengeResponse {
        challenge_name: reply.challenge_name,
        session: reply.session,
        challenge_parameters: reply.challenge_parameters,
        authentication_result: reply.authentication_result,
    })
}
