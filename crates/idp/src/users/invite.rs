//! AdminCreateUser's invitation: a temporary password that satisfies the pool's policy, and the
//! invitation message (the pool's InviteMessageTemplate or AWS's default) sent to each desired
//! medium the user has an address for.

use cognate_domain::password::check as check_password;
use cognate_domain::pool::{PasswordPolicy, UserPool};
use cognate_domain::user::User;
use cognate_model::idp::DeliveryMediumType;
use rand::Rng;
use rand::rngs::OsRng;
use rand::seq::SliceRandom;

use super::delivery::{Destination, Draft, Message};
use crate::Idp;
use crate::errors::Result;
use crate::triggers::{MessageCause, MessageSource};

/// The outbox kind of invitations.
pub const INVITATION_KIND: &str = "TEMPORARY_PASSWORD";

const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
const DIGITS: &[u8] = b"23456789";
/// Symbols Cognito accepts that survive shells and URLs unquoted in most places.
const SYMBOLS: &[u8] = b"!#%+-=?_~.";

/// A random temporary password meeting `policy`: at least 12 characters (or the policy's
/// minimum), with every character class, whatever the policy requires.
pub fn temporary_password(policy: &PasswordPolicy) -> String {
    let length = (policy.minimum_length as usize).clamp(12, 256);
    loop {
        let mut chars: Vec<u8> = [UPPER, LOWER, DIGITS, SYMBOLS]
            .iter()
            .map(|set| pick(set))
            .collect();
        let all: Vec<u8> = [UPPER, LOWER, DIGITS, SYMBOLS].concat();
        while chars.len() < length {
            chars.push(pick(&all));
        }
        chars.shuffle(&mut OsRng);
        let password: String = chars.into_iter().map(char::from).collect();
        // Always true by construction; checked so a policy change here cannot go unnoticed.
        if check_password(policy, &password).is_ok() {
            return password;
        }
    }
}

fn pick(set: &[u8]) -> u8 {
    set[OsRng.gen_range(0..set.len())]
}

/// The invitation's subject and body for `medium`, `{username}` and `{####}` unfilled.
pub fn invitation_draft(pool: &UserPool, medium: DeliveryMediumType) -> Draft {
    let template = pool
        .settings
        .get("AdminCreateUserConfig")
        .and_then(|c| c.get("InviteMessageTemplate"));
    let field = |name: &str| {
        template
            .and_then(|t| t.get(name))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let default_body = "Your username is {username} and temporary password is {####}.";
    let (subject, body) = match medium {
        DeliveryMediumType::Email => (
            Some(field("EmailSubject").unwrap_or_else(|| "Your temporary password".into())),
            field("EmailMessage").unwrap_or_else(|| default_body.into()),
        ),
        _ => (
            None,
            field("SMSMessage").unwrap_or_else(|| default_body.into()),
        ),
    };
    Draft { subject, body }
}

/// Where invitations go: each desired medium (SMS when none is given, as AWS) the user has an
/// address for.
pub fn invitation_destinations(user: &User, desired: &[DeliveryMediumType]) -> Vec<Destination> {
    let desired = if desired.is_empty() {
        &[DeliveryMediumType::Sms][..]
    } else {
        desired
    };
    desired
        .iter()
        .filter_map(|medium| match medium {
            DeliveryMediumType::Email => Destination::email(user),
            DeliveryMediumType::Sms => Destination::sms(user),
        })
        .collect()
}

impl Idp {
    /// The invitations for each destination (`CustomMessage_AdminCreateUser` applied), to send
    /// once the user is saved.
    pub async fn invitation_drafts(
        &self,
        pool: &UserPool,
        user: &User,
        destinations: Vec<Destination>,
        client_metadata: Option<&cognate_lambda::events::Metadata>,
    ) -> Result<Vec<(Destination, Draft)>> {
        let cause = MessageCause::new(MessageSource::AdminCreateUser, None, client_metadata);
        let mut drafts = Vec::with_capacity(destinations.len());
        for destination in destinations {
            let draft = invitation_draft(pool, destination.medium);
            let draft = self
                .custom_message(pool, user, destination.medium, draft, cause)
                .await?;
            drafts.push((destination, draft));
        }
        Ok(drafts)
    }

    /// Sends the invitation carrying `password` in each draft.
    pub async fn send_invitation(
        &self,
        pool: &UserPool,
        user: &User,
        drafts: &[(Destination, Draft)],
        password: &str,
    ) -> Result<()> {
        for (destination, draft) in drafts {
            let (subject, body) = draft.fill(password, Some(&user.username));
            let message = Message {
                kind: INVITATION_KIND,
                subject,
                body,
                code: Some(password.to_string()),
            };
            self.send(pool, user, destination, message).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_passwords_meet_the_strictest_policy() {
        let policy = PasswordPolicy {
            minimum_length: 20,
            ..PasswordPolicy::default()
        };
        for _ in 0..50 {
            let password = temporary_password(&policy);
            assert_eq!(password.len(), 20);
            assert!(check_password(&policy, &password).is_ok(), "{password}");
        }
        assert_eq!(temporary_password(&PasswordPolicy::default()).len(), 12);
    }
}
