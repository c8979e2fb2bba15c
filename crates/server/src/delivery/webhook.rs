//! SMS to a webhook: each message POSTed as JSON, `{"outbox_id", "pool_id", "username", "kind",
//! "phone_number", "message"}`. A 2xx answer is delivered; 408, 429 and 5xx are retried; any
//! other status is final.

use std::time::Duration;

use anyhow::Context;
use cognate_domain::delivery::Outgoing;
use serde_json::json;

use super::{Failure, SmsSection};

pub struct SmsWebhook {
    url: reqwest::Url,
    http: reqwest::Client,
}

impl SmsWebhook {
    pub fn new(section: &SmsSection) -> anyhow::Result<Self> {
        let url = reqwest::Url::parse(&section.webhook_url).context("sms.webhook_url")?;
        // reqwest's rustls takes the process-wide crypto provider; install aws-lc-rs unless
        // something else already did.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(section.timeout_secs))
            .build()
            .context("building the SMS webhook client")?;
        Ok(Self { url, http })
    }

    pub async fn send(&self, outgoing: &Outgoing) -> Result<(), Failure> {
        let message = &outgoing.message;
        let body = json!({
            "outbox_id": message.id,
            "pool_id": message.pool_id.as_str(),
            "username": message.username,
            "kind": message.kind,
            "phone_number": message.destination,
            "message": message.body,
        });
        let response = self
            .http
            .post(self.url.clone())
            .json(&body)
            .send()
            .await
            .map_err(|error| Failure::Transient(error.without_url().to_string()))?;
        let status = response.status();
        match status.as_u16() {
            200..=299 => Ok(()),
            408 | 429 | 500..=599 => Err(Failure::Transient(format!("HTTP {status}"))),
            _ => Err(Failure::Permanent(format!("HTTP {status}"))),
        }
    }
}
