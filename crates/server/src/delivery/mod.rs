//! Delivery of sent messages beyond the outbox: email by SMTP (`email.smtp_url`), SMS to a
//! webhook (`sms.webhook_url`). Each message is delivered on a task of its own after the API
//! has answered; failures are logged (recipient domain, pool, outbox id: never the body, which
//! carries the code) and retried with exponential back-off a bounded number of times. The
//! outbox record was written before and stays, whatever happens here.

mod settings;
mod smtp;
mod webhook;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cognate_domain::delivery::{MessageSender, Outgoing};

pub use settings::{DeliverySection, EmailSection, SmsSection};

use crate::metrics::Metrics;

/// Deliveries waiting or retrying at once; past it a message is left in the outbox alone (a
/// dead mail server under a sign-up storm must not grow memory without bound).
const MAX_IN_FLIGHT: usize = 10_000;

/// How one delivery attempt ended.
#[derive(Debug)]
pub enum Failure {
    /// Worth another attempt (connection refused, time-out, 4xx SMTP reply, 5xx HTTP).
    Transient(String),
    /// Will fail the same way again (an address that does not parse, 5xx SMTP reply, 4xx HTTP).
    Permanent(String),
}

/// Where a medium's messages go.
#[derive(Clone)]
enum Channel {
    Email(Arc<smtp::Mailer>),
    Sms(Arc<webhook::SmsWebhook>),
}

impl Channel {
    fn name(&self) -> &'static str {
        match self {
            Self::Email(_) => "smtp",
            Self::Sms(_) => "sms_webhook",
        }
    }

    async fn send(&self, outgoing: &Outgoing) -> Result<(), Failure> {
        match self {
            Self::Email(mailer) => mailer.send(outgoing).await,
            Self::Sms(webhook) => webhook.send(outgoing).await,
        }
    }
}

/// The server's `MessageSender`.
pub struct Delivery {
    email: Option<Arc<smtp::Mailer>>,
    sms: Option<Arc<webhook::SmsWebhook>>,
    retry: Retry,
    in_flight: Arc<AtomicUsize>,
    metrics: Arc<Metrics>,
}

impl Delivery {
    /// Fails on a URL that cannot work (an unknown scheme, no host), so a typo stops the start.
    pub fn new(
        email: &EmailSection,
        sms: &SmsSection,
        retry: &DeliverySection,
        metrics: Arc<Metrics>,
    ) -> anyhow::Result<Self> {
        let email = match email.smtp_url.is_empty() {
            true => None,
            false => Some(Arc::new(smtp::Mailer::new(email)?)),
        };
        let sms = match sms.webhook_url.is_empty() {
            true => None,
            false => Some(Arc::new(webhook::SmsWebhook::new(sms)?)),
        };
        Ok(Self {
            email,
            sms,
            retry: Retry::of(retry),
            in_flight: Arc::default(),
            metrics,
        })
    }

    fn channel(&self, medium: &str) -> Option<Channel> {
        match medium {
            "EMAIL" => self.email.clone().map(Channel::Email),
            "SMS" => self.sms.clone().map(Channel::Sms),
            _ => None,
        }
    }
}

impl MessageSender for Delivery {
    fn dispatch(&self, outgoing: Outgoing) {
        let Some(channel) = self.channel(&outgoing.message.medium) else {
            return;
        };
        if self.in_flight.fetch_add(1, Ordering::Relaxed) >= MAX_IN_FLIGHT {
            self.in_flight.fetch_sub(1, Ordering::Relaxed);
            tracing::warn!(
                outbox_id = outgoing.message.id,
                pool = %outgoing.message.pool_id,
                "too many deliveries pending: the message is in the outbox only"
            );
            self.metrics.delivery(channel.name(), "dropped");
            return;
        }
        let in_flight = self.in_flight.clone();
        let retry = self.retry;
        let metrics = self.metrics.clone();
        tokio::spawn(async move {
            let outcome = deliver(&channel, &outgoing, retry).await;
            metrics.delivery(channel.name(), outcome);
            in_flight.fetch_sub(1, Ordering::Relaxed);
        });
    }
}

/// Bounded attempts with doubling delays between them.
#[derive(Debug, Clone, Copy)]
struct Retry {
    attempts: u32,
    first_delay: Duration,
    max_delay: Duration,
}

impl Retry {
    fn of(section: &DeliverySection) -> Self {
        Self {
            attempts: section.attempts.max(1),
            first_delay: Duration::from_millis(section.backoff_ms),
            max_delay: Duration::from_millis(section.max_backoff_ms.max(section.backoff_ms)),
        }
    }

    /// The wait after failed attempt `attempt` (1-based).
    fn delay_after(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.first_delay.saturating_mul(factor).min(self.max_delay)
    }
}

/// Attempts until one succeeds, a failure is permanent or the attempts are spent; the outcome
/// label for the metrics.
async fn deliver(channel: &Channel, outgoing: &Outgoing, retry: Retry) -> &'static str {
    let message = &outgoing.message;
    let recipient = recipient_for_log(&message.medium, &message.destination);
    for attempt in 1..=retry.attempts {
        let error = match channel.send(outgoing).await {
            Ok(()) => {
                tracing::debug!(
                    outbox_id = message.id,
                    channel = channel.name(),
                    attempt,
                    "message delivered"
                );
                return "delivered";
            }
            Err(Failure::Permanent(error)) => {
                tracing::warn!(
                    outbox_id = message.id, pool = %message.pool_id, kind = %message.kind,
                    recipient, channel = channel.name(), attempt, %error,
                    "message delivery failed for good"
                );
                return "failed";
            }
            Err(Failure::Transient(error)) => error,
        };
        if attempt == retry.attempts {
            tracing::warn!(
                outbox_id = message.id, pool = %message.pool_id, kind = %message.kind,
                recipient, channel = channel.name(), attempt, %error,
                "message delivery failed; attempts spent, the message stays in the outbox"
            );
            break;
        }
        let delay = retry.delay_after(attempt);
        tracing::warn!(
            outbox_id = message.id, pool = %message.pool_id, kind = %message.kind,
            recipient, channel = channel.name(), attempt, retry_in_ms = delay.as_millis() as u64,
            %error, "message delivery failed; retrying"
        );
        tokio::time::sleep(delay).await;
    }
    "failed"
}

/// What the log may say of a recipient: an email's domain, a phone number's last two digits.
fn recipient_for_log(medium: &str, destination: &str) -> String {
    match medium {
        "EMAIL" => destination
            .rsplit_once('@')
            .map_or_else(String::new, |(_, domain)| format!("*@{domain}")),
        _ => {
            let digits: Vec<char> = destination.chars().collect();
            let tail: String = digits[digits.len().saturating_sub(2)..].iter().collect();
            format!("*{tail}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_up_to_its_cap() {
        let retry = Retry {
            attempts: 8,
            first_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(500),
        };
        let delays: Vec<u128> = (1..=5).map(|a| retry.delay_after(a).as_millis()).collect();
        assert_eq!(delays, [100, 200, 400, 500, 500]);
    }

    #[test]
    fn logs_name_no_full_recipient() {
        assert_eq!(
            recipient_for_log("EMAIL", "alice@example.com"),
            "*@example.com"
        );
        assert_eq!(recipient_for_log("SMS", "+15555550123"), "*23");
    }
}
