//! CUSTOM_AUTH: a sign-in whose steps the pool's functions decide.
//!
//! InitiateAuth / AdminInitiateAuth CUSTOM_AUTH runs pre authentication, then asks the define
//! auth challenge function what comes next, given the history of the sign-in
//! (`session`: `challengeName`, `challengeResult`, `challengeMetadata` of each step):
//! - `failAuthentication` → `NotAuthorizedException`;
//! - `issueTokens` → tokens;
//! - `challengeName` CUSTOM_CHALLENGE → the create auth challenge function makes it: its
//!   `publicChallengeParameters` go to the client as ChallengeParameters (with `USERNAME`), its
//!   `privateChallengeParameters` and `challengeMetadata` stay in the challenge session, which
//!   is stored hashed with the user and never sent. RespondToAuthChallenge CUSTOM_CHALLENGE
//!   (`ANSWER`) uses the session up, the verify auth challenge response function judges the
//!   answer, and the define function is asked again with the result appended.
//!
//! The SRP_A-first variant: `CHALLENGE_NAME=SRP_A` with `SRP_A` in the parameters starts the
//! history with SRP_A (passed); a define function answering PASSWORD_VERIFIER gets the usual
//! SRP challenge, and a right proof appends PASSWORD_VERIFIER (passed) and asks again.
//!
//! RespondToAuthChallenge's ClientMetadata reaches the three functions (InitiateAuth's only
//! pre authentication, as on AWS). A sign-in of more than `MAX_ROUNDS` answered challenges
//! fails. With PreventUserExistenceErrors a name that is no user runs the functions with
//! `userNotFound` true; its challenge can be answered by nothing.

use std::collections::BTreeMap;

use cognate_crypto::secrets::random_token;
use cognate_domain::client::AppClient;
use cognate_domain::pool::UserPool;
use cognate_domain::user::User;
use cognate_lambda::TriggerCall;
use cognate_lambda::events::custom_auth::{
    ChallengeResult, CreateAuthChallenge, CreateRequest, DefineAuthChallenge, DefineRequest,
    VerifyAuthChallengeResponse, VerifyRequest,
};
use cognate_lambda::events::{Attributes, Metadata, Trigger};
use cognate_model::idp::{ChallengeNameType, ErrorCode};
use serde::{Deserialize, Serialize};

use super::user_password::check_account;
use super::{Outcome, Params, attempts_exceeded, incorrect_credentials, session};
use crate::Idp;
use crate::errors::{Result, invalid_parameter};
use crate::triggers::{function, user_attributes};
use crate::users::state::{UserState, lockout};
use crate::users::user_not_found;

pub const CHALLENGE: &str = "CUSTOM_CHALLENGE";
const SRP_A: &str = "SRP_A";
const PASSWORD_VERIFIER: &str = "PASSWORD_VERIFIER";
/// Where a CUSTOM_CHALLENGE session keeps the sign-in's progress.
const PROGRESS_KEY: &str = "custom";
/// Answered challenges one sign-in may take before it fails.
pub const MAX_ROUNDS: usize = 10;

/// What a custom sign-in carries from one challenge to the next (server-side only).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Progress {
    history: Vec<ChallengeResult>,
    private: BTreeMap<String, String>,
    metadata: Option<String>,
}

/// Who is signing in: a user, or (PreventUserExistenceErrors) a name that is none.
#[derive(Clone, Copy)]
enum Subject<'a> {
    User(&'a User),
    Unknown(&'a str),
}

impl Subject<'_> {
    fn name(&self) -> &str {
        match self {
            Self::User(user) => &user.username,
            Self::Unknown(name) => name,
        }
    }

    fn attributes(&self) -> Attributes {
        match self {
            Self::User(user) => user_attributes(user),
            Self::Unknown(_) => Attributes::new(),
        }
    }

    fn not_found(&self) -> bool {
        matches!(self, Self::Unknown(_))
    }
}

fn not_configured() -> cognate_awsjson::ApiError {
    invalid_parameter("Custom auth lambda trigger is not configured for the user pool.")
}

fn invalid_response(detail: &str) -> cognate_awsjson::ApiError {
    ErrorCode::InvalidLambdaResponseException.msg(format!("Invalid lambda response: {detail}"))
}

impl Idp {
    /// InitiateAuth / AdminInitiateAuth CUSTOM_AUTH.
    pub(crate) async fn custom_sign_in(
        &self,
        pool: &UserPool,
        client: &AppClient,
        params: &Params<'_>,
    ) -> Result<Outcome> {
        let username = params.required("USERNAME")?;
        self.check_secret_hash(client, username, params.get("SECRET_HASH"))?;
        if function(pool, DefineAuthChallenge::NAME).is_none() {
            return Err(not_configured());
        }
        let srp_first = params.get("CHALLENGE_NAME") == Some(SRP_A);
        if srp_first {
            params.required(SRP_A)?;
        }
        let Some(user) = self.find_user(pool, username).await? else {
            if !client.prevent_user_existence_errors {
                return Err(user_not_found());
            }
            let subject = Subject::Unknown(username);
            return self
                .custom_step(pool, client, subject, Vec::new(), None, None)
                .await;
        };
        self.pre_authentication(pool, client, &user, params.client_metadata())
            .await?;
        let now = self.clock.now();
        if lockout::is_locked(&UserState::of(&user), now) {
            return Err(attempts_exceeded());
        }
        check_account(self, pool, &user, now)?;
        let history = if srp_first {
            vec![passed(SRP_A)]
        } else {
            Vec::new()
        };
        let srp = srp_first.then_some(params);
        self.custom_step(pool, client, Subject::User(&user), history, None, srp)
            .await
    }

    /// After the right SRP proof of the SRP_A-first variant: the define function again.
    pub(crate) async fn custom_after_password(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        metadata: Option<&Metadata>,
    ) -> Result<Outcome> {
        let history = vec![passed(SRP_A), passed(PASSWORD_VERIFIER)];
        self.custom_step(pool, client, Subject::User(user), history, metadata, None)
            .await
    }

    /// RespondToAuthChallenge CUSTOM_CHALLENGE: the session used up, the answer judged by the
    /// verify function, then the define function decides.
    pub(crate) async fn answer_custom_challenge(
        &self,
        pool: &UserPool,
        client: &AppClient,
        session_token: Option<&str>,
        responses: &Params<'_>,
    ) -> Result<Outcome> {
        let username = responses.required("USERNAME")?;
        let answer = responses.required("ANSWER")?;
        self.check_secret_hash(client, username, responses.get("SECRET_HASH"))?;
        let token = session::required(session_token)?;
        let Some(user) = self.find_user(pool, username).await? else {
            // A name that is no user (PreventUserExistenceErrors) holds a session nothing
            // answers.
            return Err(if client.prevent_user_existence_errors {
                incorrect_credentials()
            } else {
                session::invalid_session()
            });
        };
        let now = self.clock.now();
        let sub = user.sub.clone();
        let (user, pending) = self
            .modify_user(pool, &user.username_key, |stored| {
                if stored.sub != sub {
                    return Err(session::invalid_session());
                }
                let mut state = UserState::of(stored);
                let pending = session::consume(&mut state, token, client, CHALLENGE, now)?;
                state.prune(now);
                state.save_into(stored);
                Ok(pending)
            })
            .await?;
        let mut progress: Progress = pending
            .data
            .get(PROGRESS_KEY)
            .and_then(|value| serde_json::from_value(value.clone()).ok())
            .unwrap_or_default();
        let metadata = responses.client_metadata();
        let call = self.custom_call(pool, client, &user.username, VERIFY_SOURCE)?;
        let request = VerifyRequest {
            user_attributes: user_attributes(&user),
            private_challenge_parameters: std::mem::take(&mut progress.private),
            challenge_answer: answer.to_string(),
            client_metadata: metadata.cloned(),
            user_not_found: false,
        };
        let verdict = self
            .invoke_trigger::<VerifyAuthChallengeResponse>(call.call(), &request)
            .await?;
        progress.history.push(ChallengeResult {
            challenge_name: CHALLENGE.to_string(),
            challenge_result: verdict.answer_correct == Some(true),
            challenge_metadata: progress.metadata.take(),
        });
        let subject = Subject::User(&user);
        self.custom_step(pool, client, subject, progress.history, metadata, None)
            .await
    }

    /// Asks the define function what follows `history`, and does it.
    async fn custom_step(
        &self,
        pool: &UserPool,
        client: &AppClient,
        subject: Subject<'_>,
        history: Vec<ChallengeResult>,
        metadata: Option<&Metadata>,
        srp: Option<&Params<'_>>,
    ) -> Result<Outcome> {
        if history.len() > MAX_ROUNDS {
            return Err(incorrect_credentials());
        }
        let call = self.custom_call(pool, client, subject.name(), DEFINE_SOURCE)?;
        let request = DefineRequest {
            user_attributes: subject.attributes(),
            session: history.clone(),
            client_metadata: metadata.cloned(),
            user_not_found: subject.not_found(),
        };
        let decision = self
            .invoke_trigger::<DefineAuthChallenge>(call.call(), &request)
            .await?;
        if decision.fail_authentication == Some(true) {
            return Err(incorrect_credentials());
        }
        if decision.issue_tokens == Some(true) {
            let Subject::User(user) = subject else {
                return Err(incorrect_credentials());
            };
            let sign_in = self.sign_in_from(user, None);
            return Ok(Outcome::authenticated(user.clone(), sign_in));
        }
        match (decision.challenge_name.as_deref(), srp, subject) {
            (Some(CHALLENGE), _, _) => {
                self.create_challenge(pool, client, subject, history, metadata)
                    .await
            }
            (Some(PASSWORD_VERIFIER), Some(params), Subject::User(_)) => {
                self.srp_challenge(pool, client, params, true).await
            }
            (Some(other), _, _) => Err(invalid_response(&format!(
                "challengeName {other} cannot follow here"
            ))),
            (None, _, _) => Err(invalid_response(
                "neither issueTokens, failAuthentication nor challengeName",
            )),
        }
    }

    /// The create function's challenge, its private part kept in the stored session.
    async fn create_challenge(
        &self,
        pool: &UserPool,
        client: &AppClient,
        subject: Subject<'_>,
        history: Vec<ChallengeResult>,
        metadata: Option<&Metadata>,
    ) -> Result<Outcome> {
        let call = self.custom_call(pool, client, subject.name(), CREATE_SOURCE)?;
        let request = CreateRequest {
            user_attributes: subject.attributes(),
            challenge_name: CHALLENGE.to_string(),
            session: history.clone(),
            client_metadata: metadata.cloned(),
            user_not_found: subject.not_found(),
        };
        let created = self
            .invoke_trigger::<CreateAuthChallenge>(call.call(), &request)
            .await?;
        let mut parameters = created.public_challenge_parameters.unwrap_or_default();
        parameters.insert("USERNAME".into(), subject.name().to_string());
        let progress = Progress {
            history,
            private: created.private_challenge_parameters.unwrap_or_default(),
            metadata: created.challenge_metadata,
        };
        let token = match subject {
            Subject::User(user) => {
                let data = serde_json::Map::from_iter([(
                    PROGRESS_KEY.to_string(),
                    serde_json::to_value(&progress).unwrap_or_default(),
                )]);
                let now = self.clock.now();
                self.open_session(
                    (pool, client, user),
                    CHALLENGE,
                    data,
                    now,
                    incorrect_credentials,
                )
                .await?
            }
            Subject::Unknown(_) => random_token(64),
        };
        Ok(Outcome::Challenge {
            name: ChallengeNameType::CustomChallenge,
            session: token,
            parameters,
        })
    }

    /// The common parameters of a custom auth function's invocation.
    fn custom_call<'a>(
        &self,
        pool: &'a UserPool,
        client: &'a AppClient,
        user_name: &'a str,
        (member, source): (&'static str, &'static str),
    ) -> Result<CustomCall<'a>> {
        let function = function(pool, member).ok_or_else(not_configured)?;
        Ok(CustomCall {
            function,
            source,
            pool,
            client,
            user_name,
        })
    }
}

const DEFINE_SOURCE: (&str, &str) = (
    DefineAuthChallenge::NAME,
    "DefineAuthChallenge_Authentication",
);
const CREATE_SOURCE: (&str, &str) = (
    CreateAuthChallenge::NAME,
    "CreateAuthChallenge_Authentication",
);
const VERIFY_SOURCE: (&str, &str) = (
    VerifyAuthChallengeResponse::NAME,
    "VerifyAuthChallengeResponse_Authentication",
);

/// A function and what its invocation names.
struct CustomCall<'a> {
    function: String,
    source: &'static str,
    pool: &'a UserPool,
    client: &'a AppClient,
    user_name: &'a str,
}

impl CustomCall<'_> {
    fn call(&self) -> TriggerCall<'_> {
        TriggerCall {
            function: &self.function,
            source: self.source,
            version: "1",
            pool_id: self.pool.id.as_str(),
            user_name: self.user_name,
            client_id: Some(self.client.client_id.as_str()),
        }
    }
}

fn passed(challenge: &str) -> ChallengeResult {
    ChallengeResult {
        challenge_name: challenge.to_string(),
        challenge_result: true,
        challenge_metadata: None,
    }
}
