//! Sending codes and temporary passwords: where they go (email or SMS, masked as AWS shows it),
//! into the outbox (tests and developers read codes there), then to the server's message sender
//! (SMTP, an SMS webhook) with the pool's email envelope. Nothing secret is logged.

use cognate_domain::delivery::{DEFAULT_FROM, Outgoing};
use cognate_domain::pool::UserPool;
use cognate_domain::tokens::OutboxMessage;
use cognate_domain::user::User;
use cognate_model::idp::{CodeDeliveryDetailsType, DeliveryMediumType};

use crate::Idp;
use crate::errors::{Result, internal};

/// Where a message for `user` goes: email when it has one (and `prefer_sms` is false), else SMS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub medium: DeliveryMediumType,
    pub attribute: &'static str,
    pub address: String,
}

impl Destination {
    pub fn email(user: &User) -> Option<Self> {
        user.attributes.get("email").map(|address| Self {
            medium: DeliveryMediumType::Email,
            attribute: "email",
            address: address.clone(),
        })
    }

    pub fn sms(user: &User) -> Option<Self> {
        user.attributes.get("phone_number").map(|address| Self {
            medium: DeliveryMediumType::Sms,
            attribute: "phone_number",
            address: address.clone(),
        })
    }

    /// Email first, then phone: the order Cognito uses for codes when both exist.
    pub fn preferred(user: &User) -> Option<Self> {
        Self::email(user).or_else(|| Self::sms(user))
    }

    pub fn details(&self) -> CodeDeliveryDetailsType {
        CodeDeliveryDetailsType {
            destination: Some(mask(&self.address, self.medium)),
            delivery_medium: Some(self.medium),
            attribute_name: Some(self.attribute.to_string()),
        }
    }
}

/// AWS's masking: `a***@e***` for email, `+*******1234` for phone numbers.
pub fn mask(address: &str, medium: DeliveryMediumType) -> String {
    match medium {
        DeliveryMediumType::Email => {
            let (local, domain) = address.split_once('@').unwrap_or((address, ""));
            let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
            format!("{}***@{}***", first(local), first(domain))
        }
        _ => {
            let digits: Vec<char> = address.chars().collect();
            let keep = digits.len().saturating_sub(4);
            let tail: String = digits[keep..].iter().collect();
            format!("+{}{}", "*".repeat(keep.saturating_sub(1)), tail)
        }
    }
}

/// One message to send.
pub struct Message<'a> {
    pub kind: &'a str,
    pub subject: Option<String>,
    pub body: String,
    pub code: Option<String>,
}

impl Idp {
    /// Delivers `message` to `destination`: into the outbox, a log line without its secret, then
    /// to the message sender, which delivers it in the background (its failures never reach the
    /// caller: the message is in the outbox).
    pub async fn send(
        &self,
        pool: &UserPool,
        user: &User,
        destination: &Destination,
        message: Message<'_>,
    ) -> Result<()> {
        let outbox = OutboxMessage {
            id: 0,
            pool_id: pool.id.clone(),
            username: user.username.clone(),
            kind: message.kind.to_string(),
            medium: destination.medium.as_str().to_string(),
            destination: destination.address.clone(),
            subject: message.subject,
            body: message.body,
            code: message.code,
            created_at: self.clock.now(),
        };
        let id = self.store.add_message(&outbox).await.map_err(internal)?;
        let (from, reply_to) = email_envelope(pool);
        self.sender.dispatch(Outgoing {
            message: OutboxMessage { id, ..outbox },
            from,
            reply_to,
        });
        tracing::info!(
            pool = %pool.id,
            kind = message.kind,
            medium = destination.medium.as_str(),
            destination = %mask(&destination.address, destination.medium),
            outbox_id = id,
            "message sent to the outbox"
        );
        Ok(())
    }
}

/// `From` and `Reply-To` of the pool's email, per its `EmailConfiguration`: `From` as given,
/// else the address its SES `SourceArn` names (`arn:aws:ses:…:identity/sender@example.com`; a
/// domain identity names no address), else AWS's own sender.
pub fn email_envelope(pool: &UserPool) -> (String, Option<String>) {
    let config = pool.settings.get("EmailConfiguration");
    let field = |name: &str| {
        config
            .and_then(|c| c.get(name))
            .and_then(|v| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let from = field("From")
        .or_else(|| {
            field("SourceArn")
                .and_then(|arn| arn.rsplit_once(":identity/"))
                .map(|(_, identity)| identity)
                .filter(|identity| identity.contains('@'))
        })
        .unwrap_or(DEFAULT_FROM);
    (
        from.to_string(),
        field("ReplyToEmailAddress").map(str::to_string),
    )
}

/// A message before its code goes in: the pool's text, or what a custom message function made
/// of it, with the placeholders `{####}` (and `{username}` in invitations) still in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub subject: Option<String>,
    pub body: String,
}

impl Draft {
    /// The text to send: `code` in place of `{####}`, `username` in place of `{username}`.
    pub fn fill(&self, code: &str, username: Option<&str>) -> (Option<String>, String) {
        let mut body = self.body.clone();
        if let Some(username) = username {
            body = body.replace("{username}", username);
        }
        (self.subject.clone(), body.replace("{####}", code))
    }
}

/// The pool's verification message for `medium`, placeholders unfilled.
pub fn verification_draft(pool: &UserPool, medium: DeliveryMediumType) -> Draft {
    let template = pool.settings.get("VerificationMessageTemplate");
    let field = |name: &str| {
        template
            .and_then(|t| t.get(name))
            .or_else(|| pool.settings.get(name))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let (subject, body) = match medium {
        DeliveryMediumType::Email => (
            field("EmailSubject")
                .or_else(|| field("EmailVerificationSubject"))
                .unwrap_or_else(|| "Your verification code".into()),
            field("EmailMessage")
                .or_else(|| field("EmailVerificationMessage"))
                .unwrap_or_else(|| "Your verification code is {####}. ".into()),
        ),
        _ => (
            String::new(),
            field("SmsMessage")
                .or_else(|| field("SmsVerificationMessage"))
                .unwrap_or_else(|| "Your verification code is {####}. ".into()),
        ),
    };
    let subject = (!subject.is_empty()).then_some(subject);
    Draft { subject, body }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool_with(email_configuration: serde_json::Value) -> UserPool {
        let mut settings = serde_json::Map::new();
        settings.insert("EmailConfiguration".into(), email_configuration);
        UserPool {
            id: cognate_domain::ids::UserPoolId::new("us-east-1_Test12345"),
            name: "p".into(),
            created_at: cognate_domain::Timestamp::from_secs(0),
            last_modified_at: cognate_domain::Timestamp::from_secs(0),
            deletion_protection: false,
            password_policy: Default::default(),
            schema: Vec::new(),
            username_attributes: Vec::new(),
            alias_attributes: Vec::new(),
            auto_verified_attributes: Vec::new(),
            username_case_sensitive: false,
            mfa_configuration: Default::default(),
            tags: Default::default(),
            settings,
        }
    }

    #[test]
    fn email_envelope_follows_the_email_configuration() {
        let default = pool_with(serde_json::json!({"EmailSendingAccount": "COGNITO_DEFAULT"}));
        assert_eq!(email_envelope(&default), (DEFAULT_FROM.to_string(), None));
        let ses = pool_with(serde_json::json!({
            "EmailSendingAccount": "DEVELOPER",
            "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/sender@example.com",
            "ReplyToEmailAddress": "help@example.com",
        }));
        assert_eq!(
            email_envelope(&ses),
            (
                "sender@example.com".to_string(),
                Some("help@example.com".to_string())
            )
        );
        let named = pool_with(serde_json::json!({
            "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com",
            "From": "Example <no-reply@example.com>",
        }));
        assert_eq!(email_envelope(&named).0, "Example <no-reply@example.com>");
        let domain_only = pool_with(serde_json::json!({
            "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com",
        }));
        assert_eq!(email_envelope(&domain_only).0, DEFAULT_FROM);
    }

    #[test]
    fn masks_like_aws() {
        assert_eq!(
            mask("test@example.com", DeliveryMediumType::Email),
            "t***@e***"
        );
        assert_eq!(
            mask("+15555550123", DeliveryMediumType::Sms),
            "+*******0123"
        );
    }
}
