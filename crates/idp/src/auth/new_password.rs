//! NEW_PASSWORD_REQUIRED: a user holding a temporary password (FORCE_CHANGE_PASSWORD) signs in
//! with it, gets this challenge, and answers with `NEW_PASSWORD` (checked against the pool's
//! policy) and any required attributes still missing (`userAttributes.<name>`). The answer
//! makes the user CONFIRMED and signs it in.

use std::collections::BTreeMap;

use cognate_domain::Timestamp;
use cognate_domain::client::AppClient;
use cognate_domain::pool::UserPool;
use cognate_domain::user::{User, UserStatus};
use cognate_model::idp::ChallengeNameType;
use serde_json::Value;

use super::{Outcome, Params, session, user_disabled};
use crate::Idp;
use crate::devices::{answering_device, confirmed_key};
use crate::errors::Result;
use crate::triggers::TokenSource;
use crate::users::attributes::{self, Writer, readable_by};
use crate::users::state::{UserState, lockout};

pub const CHALLENGE: &str = "NEW_PASSWORD_REQUIRED";

impl Idp {
    /// Opens a NEW_PASSWORD_REQUIRED session for `user` (saved with its failures cleared) and
    /// returns the challenge with AWS's parameters. The session carries the confirmed device
    /// the sign-in named, if any, to the answer.
    pub(crate) async fn new_password_challenge(
        &self,
        pool: &UserPool,
        client: &AppClient,
        (user, device_key): (&User, Option<&str>),
        now: Timestamp,
    ) -> Result<Outcome> {
        let data = session::with_device(
            Default::default(),
            confirmed_key(user, device_key).as_deref(),
        );
        let (user, token) = self
            .modify_user(pool, &user.username_key, |stored| {
                let mut state = UserState::of(stored);
                if lockout::is_locked(&state, now) {
                    return Err(super::attempts_exceeded());
                }
                lockout::record_success(&mut state);
                let token = session::open(&mut state, client, CHALLENGE, data.clone(), now);
                state.save_into(stored);
                Ok(token)
            })
            .await?;
        Ok(Outcome::Challenge {
            name: ChallengeNameType::NewPasswordRequired,
            session: token,
            parameters: challenge_parameters(pool, client, &user),
        })
    }

    /// Answers NEW_PASSWORD_REQUIRED: checks the session (bound to this user and client, not
    /// expired), the new password and the attributes, then saves it all at once, consuming the
    /// session, and issues tokens.
    pub(crate) async fn answer_new_password(
        &self,
        pool: &UserPool,
        client: &AppClient,
        session_token: Option<&str>,
        responses: &Params<'_>,
    ) -> Result<Outcome> {
        let username = responses.required("USERNAME")?;
        let new_password = responses.required("NEW_PASSWORD")?;
        self.check_secret_hash(client, username, responses.get("SECRET_HASH"))?;
        let token = session::required(session_token)?;
        let Some(user) = self.find_user(pool, username).await? else {
            return Err(session::invalid_session());
        };
        let now = self.clock.now();
        let state = UserState::of(&user);
        let pending = session::find(&state, token, client, CHALLENGE, now)?;
        let carried = session::carried_device(pending).map(str::to_string);
        if !user.enabled {
            return Err(user_disabled());
        }
        let answers = responses.user_attributes();
        let answers = attributes::check_writes(pool, Writer::Client(client), &answers, false)?;
        let mut changed = user.clone();
        changed.attributes.extend(answers.iter().cloned());
        attributes::check_required(pool, &changed.attributes)?;
        // Hash outside the read-modify-write: argon2 is slow and the closure may run again.
        self.set_password(pool, &mut changed, new_password, false)
            .await?;
        let sub = user.sub.clone();
        let (user, ()) = self
            .modify_user(pool, &user.username_key, |stored| {
                if stored.sub != sub {
                    return Err(session::invalid_session());
                }
                let mut state = UserState::of(stored);
                session::consume(&mut state, token, client, CHALLENGE, now)?;
                state.prune(now);
                lockout::record_success(&mut state);
                state.save_into(stored);
                stored.attributes.extend(answers.iter().cloned());
                stored.password = changed.password.clone();
                stored.password_history = changed.password_history.clone();
                stored.status = UserStatus::Confirmed;
                stored.last_modified_at = now;
                Ok(())
            })
            .await?;
        let device = answering_device(&user, responses.get("DEVICE_KEY"), carried.as_deref());
        let source = TokenSource::NewPasswordChallenge;
        self.after_factor_from(pool, client, (&user, device.as_deref()), source, now)
            .await
    }
}

/// `USER_ID_FOR_SRP` (the username), `requiredAttributes` (JSON list of the required attributes
/// still missing, as `userAttributes.<name>`) and `userAttributes` (JSON object of the user's
/// attributes the client may read, `sub` excepted).
fn challenge_parameters(
    pool: &UserPool,
    client: &AppClient,
    user: &User,
) -> BTreeMap<String, String> {
    let required: Vec<String> = pool
        .schema
        .iter()
        .filter(|a| a.required && a.name != "sub" && !user.attributes.contains_key(&a.name))
        .map(|a| format!("userAttributes.{}", a.name))
        .collect();
    let current: serde_json::Map<String, Value> = user
        .attributes
        .iter()
        .filter(|(name, _)| name.as_str() != "sub" && readable_by(Some(client), name))
        .map(|(name, value)| (name.clone(), Value::String(value.clone())))
        .collect();
    BTreeMap::from([
        ("USER_ID_FOR_SRP".to_string(), user.username.clone()),
        (
            "requiredAttributes".to_string(),
            Value::from(required).to_string(),
        ),
        (
            "userAttributes".to_string(),
            Value::Object(current).to_string(),
        ),
    ])
}
