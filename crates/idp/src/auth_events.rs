//! Auth events: recorded, as on AWS, only in pools with threat protection (UserPoolAddOns
//! AdvancedSecurityMode AUDIT or ENFORCED); their wire form; feedback tokens.

use cognate_awsjson::ApiError;
use cognate_domain::auth_event::AuthEvent;
use cognate_domain::ids::UserPoolId;
use cognate_domain::pool::UserPool;
use cognate_model::idp::{
    AuthEventType, ErrorCode, EventFeedbackType, EventResponseType, EventRiskType, EventType,
};
use serde_json::Value;

use crate::Idp;
use crate::auth::Outcome;
use crate::errors::Result;
use crate::paging;

/// Whether the pool's add-ons record auth events.
pub fn events_enabled(pool: &UserPool) -> bool {
    let mode = pool
        .settings
        .get("UserPoolAddOns")
        .and_then(|addons| addons.get("AdvancedSecurityMode"))
        .and_then(Value::as_str);
    matches!(mode, Some("AUDIT" | "ENFORCED"))
}

/// AWS's refusal of the auth-event operations in pools without threat protection.
pub fn add_on_not_enabled() -> ApiError {
    ErrorCode::UserPoolAddOnNotEnabledException
        .msg("Advanced security features are not enabled for this user pool.")
}

/// The feedback token of an event: sealed with the server key, bound to the pool and user.
pub fn feedback_token(idp: &Idp, event: &AuthEvent) -> String {
    let scope = feedback_scope(&event.pool_id, &event.username_key);
    paging::seal(&idp.seal, &scope, &event.event_id)
}

fn feedback_scope(pool_id: &UserPoolId, username_key: &str) -> String {
    format!("feedback/{pool_id}/{username_key}")
}

/// Whether `token` is the feedback token of the user's event `event_id`.
pub fn feedback_token_matches(
    idp: &Idp,
    pool_id: &UserPoolId,
    username_key: &str,
    event_id: &str,
    token: &str,
) -> bool {
    paging::open(&idp.seal, &feedback_scope(pool_id, username_key), token)
        .is_ok_and(|id| id == event_id)
}

pub fn event_not_found() -> ApiError {
    ErrorCode::ResourceNotFoundException.msg("Auth event not found.")
}

pub fn auth_event_type(event: &AuthEvent) -> AuthEventType {
    AuthEventType {
        event_id: Some(event.event_id.clone()),
        event_type: event.event_type.parse().ok(),
        creation_date: Some(event.created_at.epoch_seconds()),
        event_response: event.response.parse().ok(),
        // No risk engine: every event is scored as AWS scores it in AUDIT mode without risk.
        event_risk: Some(EventRiskType {
            risk_decision: Some(cognate_model::idp::RiskDecisionType::NoRisk),
            risk_level: None,
            compromised_credentials_detected: Some(false),
        }),
        challenge_responses: Some(Vec::new()),
        event_context_data: None,
        event_feedback: event.feedback.as_ref().map(|f| EventFeedbackType {
            feedback_value: f.value.parse().unwrap_or_default(),
            provider: f.provider.clone(),
            feedback_date: Some(f.at.epoch_seconds()),
        }),
    }
}

impl Idp {
    /// Records an event for the user named `username_key`, if the pool records events. A failed
    /// write is logged, never the caller's failure.
    pub async fn record_auth_event(
        &self,
        pool: &UserPool,
        username_key: &str,
        event_type: EventType,
        response: EventResponseType,
    ) {
        if !events_enabled(pool) {
            return;
        }
        let event = AuthEvent {
            pool_id: pool.id.clone(),
            username_key: username_key.to_string(),
            event_id: uuid::Uuid::new_v4().to_string(),
            event_type: event_type.to_string(),
            response: response.to_string(),
            created_at: self.clock.now(),
            feedback: None,
        };
        if let Err(error) = self.store.add_auth_event(&event).await {
            tracing::warn!(%error, pool = %pool.id, "auth event not recorded");
        }
    }

    /// Records the SignIn event of a sign-in step for `username`: Pass when it gave tokens,
    /// Fail when the credentials were refused; nothing for challenges or other errors.
    pub async fn note_sign_in(
        &self,
        pool: &UserPool,
        username: Option<&str>,
        result: &Result<Outcome>,
    ) {
        let response = match result {
            Ok(Outcome::Tokens(_)) => EventResponseType::Pass,
            Err(error) if error.code == "NotAuthorizedException" => EventResponseType::Fail,
            _ => return,
        };
        let Some(username) = username.filter(|_| events_enabled(pool)) else {
            return;
        };
        if let Ok(Some(user)) = self.find_user(pool, username).await {
            self.record_auth_event(pool, &user.username_key, EventType::SignIn, response)
                .await;
        }
    }
}

/// Flows whose outcome is a sign-in (refreshing tokens is not one).
pub fn is_sign_in_flow(flow: &cognate_model::idp::AuthFlowType) -> bool {
    use cognate_model::idp::AuthFlowType;
    !matches!(
        flow,
        AuthFlowType::RefreshTokenAuth | AuthFlowType::RefreshToken
    )
}
