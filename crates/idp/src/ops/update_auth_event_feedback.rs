//! UpdateAuthEventFeedback: feedback from the user, proven by the event's feedback token (a
//! value only the server can make, see `auth_events::feedback_token`).

use cognate_awsjson::RequestContext;
use cognate_domain::auth_event::AuthEventFeedback;
use cognate_model::idp::{
    ErrorCode, UpdateAuthEventFeedbackRequest, UpdateAuthEventFeedbackResponse,
};

use crate::Idp;
use crate::auth_events::{
    add_on_not_enabled, event_not_found, events_enabled, feedback_token_matches,
};
use crate::errors::{OrNotFound, Result};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: UpdateAuthEventFeedbackRequest,
) -> Result<UpdateAuthEventFeedbackResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    if !events_enabled(&pool) {
        return Err(add_on_not_enabled());
    }
    let user = idp.require_user(&pool, input.username.expose()).await?;
    if !feedback_token_matches(
        &idp,
        &pool.id,
        &user.username_key,
        &input.event_id,
        input.feedback_token.expose(),
    ) {
        return Err(ErrorCode::NotAuthorizedException.msg("Invalid feedback token."));
    }
    let feedback = AuthEventFeedback {
        value: input.feedback_value.to_string(),
        provider: "User".into(),
        at: idp.clock.now(),
    };
    idp.store
        .set_auth_event_feedback(&pool.id, &user.username_key, &input.event_id, &feedback)
        .await
        .or_not_found(event_not_found)?;
    Ok(UpdateAuthEventFeedbackResponse {})
}
