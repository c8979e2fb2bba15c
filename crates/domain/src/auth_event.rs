//! Auth events (sign-in, sign-up, password change...) of a user, with the feedback given on
//! them, and their storage trait.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::ids::UserPoolId;
use crate::store::{Page, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthEvent {
    pub pool_id: UserPoolId,
    pub username_key: String,
    /// Unique per user; what feedback names.
    pub event_id: String,
    /// The wire `EventType` (`SignIn`, `SignUp`, `PasswordChange`, `ForgotPassword`...).
    pub event_type: String,
    /// The wire `EventResponseType` (`Pass`, `Fail`, `InProgress`).
    pub response: String,
    pub created_at: Timestamp,
    pub feedback: Option<AuthEventFeedback>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthEventFeedback {
    /// `Valid` or `Invalid`.
    pub value: String,
    /// `Admin` (AdminUpdateAuthEventFeedback) or `User` (UpdateAuthEventFeedback).
    pub provider: String,
    pub at: Timestamp,
}

#[async_trait]
pub trait AuthEventStore: Send + Sync {
    /// `NotFound` when the user does not exist.
    async fn add_auth_event(&self, event: &AuthEvent) -> Result<(), StoreError>;
    /// The user's events, newest first, starting after the page key `after`.
    async fn list_auth_events(
        &self,
        pool_id: &UserPoolId,
        username_key: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<AuthEvent>, StoreError>;
    /// Sets the feedback of one event. `NotFound` when the user has no such event.
    async fn set_auth_event_feedback(
        &self,
        pool_id: &UserPoolId,
        username_key: &str,
        event_id: &str,
        feedback: &AuthEventFeedback,
    ) -> Result<(), StoreError>;
}
