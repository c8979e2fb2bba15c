use cognate_awsjson::RequestContext;
use cognate_domain::auth_event::AuthEventFeedback;
use cognate_model::idp::{
    AdminUpdateAuthEventFeedbackRequest, AdminUpdateAuthEventFeedbackResponse,
};

use crate::Idp;
use crate::auth_events::{add_on_not_enabled, event_not_found, events_enabled};
use crate::errors::{OrNotFound, Result};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminUpdateAuthEventFeedbackRequest,
) -> Result<AdminUpdateAuthEventFeedbackResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    if !events_enabled(&pool) {
        return Err(add_on_not_enabled());
    }
    let user = idp.require_user(&pool, input.username.expose()).await?;
    let feedback = AuthEventFeedback {
        value: input.feedback_value.to_string(),
        provider: "Admin".into(),
        at: idp.clock.now(),
    };
    idp.store
        .set_auth_event_feedback(&pool.id, &user.username_key, &input.event_id, &feedback)
        .await
        .or_not_found(event_not_found)?;
    Ok(AdminUpdateAuthEventFeedbackResponse {})
}
