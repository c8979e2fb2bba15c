//! Custom message (`CustomMessage_*`): before a code, a temporary password or an MFA code is
//! sent, the pool's function may rewrite the message. It gets the placeholders
//! (`codeParameter` `{####}`, and `usernameParameter` `{username}` for AdminCreateUser), never
//! the code itself, so the function runs before anything is saved and the code is filled in at
//! delivery.
//!
//! AWS's rules on the reply: a message must keep the code placeholder (and, for AdminCreateUser,
//! the username placeholder) or the user could not read what was sent to them; a message
//! without them is not used, and the pool's own message goes out instead (the behaviour AWS
//! shows for a custom message missing `{username}`: its subject is used, its body is not). A
//! `null` or absent member leaves the pool's text for that member.

use cognate_domain::pool::UserPool;
use cognate_domain::user::User;
use cognate_lambda::TriggerCall;
use cognate_lambda::events::custom_message::{
    self, CODE_PARAMETER, CustomMessage, USERNAME_PARAMETER,
};
use cognate_lambda::events::{Metadata, Trigger};
use cognate_model::idp::DeliveryMediumType;

use super::{function, user_attributes};
use crate::Idp;
use crate::errors::Result;
use crate::users::delivery::Draft;

/// Why a message is sent: its `CustomMessage_*` source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageSource {
    SignUp,
    AdminCreateUser,
    ResendCode,
    ForgotPassword,
    UpdateUserAttribute,
    VerifyUserAttribute,
    Authentication,
}

impl MessageSource {
    fn trigger_source(self) -> &'static str {
        match self {
            Self::SignUp => "CustomMessage_SignUp",
            Self::AdminCreateUser => "CustomMessage_AdminCreateUser",
            Self::ResendCode => "CustomMessage_ResendCode",
            Self::ForgotPassword => "CustomMessage_ForgotPassword",
            Self::UpdateUserAttribute => "CustomMessage_UpdateUserAttribute",
            Self::VerifyUserAttribute => "CustomMessage_VerifyUserAttribute",
            Self::Authentication => "CustomMessage_Authentication",
        }
    }
}

/// The operation a message comes from: what the custom message event says about it.
#[derive(Debug, Clone, Copy)]
pub struct MessageCause<'a> {
    pub source: MessageSource,
    /// The app client; `None` for administrator operations.
    pub client_id: Option<&'a str>,
    pub client_metadata: Option<&'a Metadata>,
}

impl<'a> MessageCause<'a> {
    pub fn new(
        source: MessageSource,
        client_id: Option<&'a str>,
        client_metadata: Option<&'a Metadata>,
    ) -> Self {
        Self {
            source,
            client_id,
            client_metadata,
        }
    }
}

impl Idp {
    /// `draft` (the pool's message for `medium`, placeholders unfilled) as the pool's custom
    /// message function rewrites it; `draft` itself when the pool has none.
    pub async fn custom_message(
        &self,
        pool: &UserPool,
        user: &User,
        medium: DeliveryMediumType,
        draft: Draft,
        cause: MessageCause<'_>,
    ) -> Result<Draft> {
        let Some(arn) = function(pool, CustomMessage::NAME) else {
            return Ok(draft);
        };
        let admin_create = cause.source == MessageSource::AdminCreateUser;
        let call = TriggerCall {
            function: &arn,
            source: cause.source.trigger_source(),
            version: "1",
            pool_id: pool.id.as_str(),
            user_name: &user.username,
            client_id: cause.client_id,
        };
        let request = custom_message::Request {
            user_attributes: user_attributes(user),
            code_parameter: CODE_PARAMETER.to_string(),
            username_parameter: admin_create.then(|| USERNAME_PARAMETER.to_string()),
            client_metadata: cause.client_metadata.cloned(),
        };
        let reply = self.invoke_trigger::<CustomMessage>(call, &request).await?;
        let (body, subject) = match medium {
            DeliveryMediumType::Email => (reply.email_message, reply.email_subject),
            _ => (reply.sms_message, None),
        };
        let usable = |text: &String| {
            text.contains(CODE_PARAMETER) && (!admin_create || text.contains(USERNAME_PARAMETER))
        };
        let body = match body {
            Some(body) if usable(&body) => body,
            Some(_) => {
                tracing::warn!(
                    pool = %pool.id,
                    trigger = cause.source.trigger_source(),
                    "the custom message lacks its placeholders: the pool's message is sent"
                );
                draft.body
            }
            None => draft.body,
        };
        let subject = subject.filter(|s| !s.is_empty()).or(draft.subject);
        Ok(Draft { subject, body })
    }
}
