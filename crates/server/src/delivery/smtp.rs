//! Email by SMTP with lettre: the pool's envelope (`From`, `Reply-To`), the outbox record's
//! subject and body (a custom message function's, when the pool has one), sent as HTML as
//! Cognito sends it.

use std::time::Duration;

use anyhow::Context;
use cognate_domain::delivery::Outgoing;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::{EmailSection, Failure};

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl Mailer {
    pub fn new(section: &EmailSection) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&section.smtp_url)
            .context("email.smtp_url is not a usable SMTP URL (smtp://host:port, smtps://host)")?
            .timeout(Some(Duration::from_secs(section.timeout_secs)))
            .build();
        Ok(Self { transport })
    }

    pub async fn send(&self, outgoing: &Outgoing) -> Result<(), Failure> {
        let email = compose(outgoing).map_err(Failure::Permanent)?;
        match self.transport.send(email).await {
            Ok(_) => Ok(()),
            Err(error) if error.is_permanent() => Err(Failure::Permanent(error.to_string())),
            Err(error) => Err(Failure::Transient(error.to_string())),
        }
    }
}

fn mailbox(address: &str, what: &str) -> Result<Mailbox, String> {
    address
        .parse()
        .map_err(|error| format!("the {what} address does not parse: {error}"))
}

fn compose(outgoing: &Outgoing) -> Result<Message, String> {
    let message = &outgoing.message;
    let mut builder = Message::builder()
        .from(mailbox(&outgoing.from, "From")?)
        .to(mailbox(&message.destination, "recipient")?)
        .subject(message.subject.clone().unwrap_or_default())
        .header(ContentType::TEXT_HTML);
    if let Some(reply_to) = &outgoing.reply_to {
        builder = builder.reply_to(mailbox(reply_to, "Reply-To")?);
    }
    builder
        .body(message.body.clone())
        .map_err(|error| format!("the message could not be built: {error}"))
}
