//! The `[email]`, `[sms]` and `[delivery]` sections of the configuration.

use serde::{Deserialize, Serialize};

/// Email by SMTP, besides the outbox.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct EmailSection {
    /// `smtp://host:port` (plaintext), `smtp://host?tls=required` (STARTTLS, port 587 by
    /// default), `smtps://host` (TLS, port 465); `user:password@` for AUTH. Empty: no email
    /// leaves the outbox.
    pub smtp_url: String,
    /// Seconds one SMTP exchange may take.
    pub timeout_secs: u64,
}

impl Default for EmailSection {
    fn default() -> Self {
        Self {
            smtp_url: String::new(),
            timeout_secs: 10,
        }
    }
}

/// The URL may carry a password: never printed.
impl std::fmt::Debug for EmailSection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = match self.smtp_url.is_empty() {
            true => "",
            false => "<set>",
        };
        f.debug_struct("EmailSection")
            .field("smtp_url", &url)
            .field("timeout_secs", &self.timeout_secs)
            .finish()
    }
}

/// SMS to a webhook, besides the outbox.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct SmsSection {
    /// Each SMS is POSTed there as JSON. Empty: no SMS leaves the outbox.
    pub webhook_url: String,
    /// Seconds one POST may take.
    pub timeout_secs: u64,
}

impl Default for SmsSection {
    fn default() -> Self {
        Self {
            webhook_url: String::new(),
            timeout_secs: 10,
        }
    }
}

/// Retries of failed deliveries (email and SMS).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct DeliverySection {
    /// Attempts per message, the first included.
    pub attempts: u32,
    /// Milliseconds before the second attempt; each later wait doubles, up to `max_backoff_ms`.
    pub backoff_ms: u64,
    pub max_backoff_ms: u64,
}

impl Default for DeliverySection {
    fn default() -> Self {
        Self {
            attempts: 8,
            backoff_ms: 1000,
            max_backoff_ms: 60_000,
        }
    }
}
