//! Delivery beyond the outbox: every message recorded in the outbox is also handed to the
//! server's `MessageSender` (SMTP for email, a webhook for SMS, when configured), which delivers
//! it in the background. The outbox record is written first and stays whatever happens next.

use crate::tokens::OutboxMessage;

/// AWS's sender when a pool's `EmailConfiguration` names none (`COGNITO_DEFAULT`).
pub const DEFAULT_FROM: &str = "no-reply@verificationemail.com";

/// A message to deliver, as recorded in the outbox (its `id` set), with the envelope the pool's
/// `EmailConfiguration` gives an email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub message: OutboxMessage,
    /// `From`: the pool's `From`, else the address of its SES `SourceArn`, else [`DEFAULT_FROM`].
    pub from: String,
    /// `Reply-To`: the pool's `ReplyToEmailAddress`.
    pub reply_to: Option<String>,
}

/// Takes messages for delivery. `dispatch` returns at once: delivery, its retries and its
/// failures happen after the API has answered and never change the answer.
pub trait MessageSender: Send + Sync {
    fn dispatch(&self, outgoing: Outgoing);
}

/// The outbox alone (no SMTP server, no SMS webhook configured).
pub struct OutboxOnly;

impl MessageSender for OutboxOnly {
    fn dispatch(&self, _outgoing: Outgoing) {}
}
