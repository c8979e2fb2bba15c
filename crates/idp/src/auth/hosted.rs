//! The hosted sign-in pages' way into the sign-in code: the same password check (lockout,
//! account state, NEW_PASSWORD_REQUIRED, MFA) and the same challenge answers as InitiateAuth and
//! RespondToAuthChallenge, never a copy. The hosted UI proves the client by its registered
//! redirect URI, not by SECRET_HASH, so the hash is computed here from the client's secret.

use std::collections::BTreeMap;

use cognate_awsjson::RequestContext;
use cognate_domain::client::AppClient;
use cognate_domain::pool::UserPool;
use cognate_model::Sensitive;
use cognate_model::idp::{AuthFlowType, ChallengeNameType};

use super::user_password::check_account;
use super::{Outcome, Params};
use crate::Idp;
use crate::clients;
use crate::errors::Result;
use crate::users::state::{UserState, lockout};

/// Where a hosted sign-in step ends.
#[derive(Debug)]
pub enum HostedOutcome {
    /// The user is signed in (the page's session and authorization code carry this).
    SignedIn { username: String, auth_time: i64 },
    Challenge {
        name: ChallengeNameType,
        session: String,
        parameters: BTreeMap<String, String>,
        /// A choice-based sign-in's first factors the user may pick from (InitiateAuth's
        /// `AvailableChallenges`); empty for any other step.
        available: Vec<ChallengeNameType>,
    },
}

impl Idp {
    /// The password step, as USER_PASSWORD_AUTH (whatever the client's ExplicitAuthFlows: the
    /// hosted UI signs in with the password form).
    pub async fn hosted_password_sign_in(
        &self,
        pool: &UserPool,
        client: &AppClient,
        username: &str,
        password: &str,
    ) -> Result<HostedOutcome> {
        let mut params = self.hosted_params(client, username)?;
        params.insert("PASSWORD".into(), password.into());
        let outcome = self
            .password_sign_in(pool, client, &Params(Some(&params), None))
            .await?;
        hosted_outcome(outcome)
    }

    /// Choice-based sign-in's first step, as InitiateAuth's USER_AUTH runs it (the client must
    /// allow ALLOW_USER_AUTH): the user's name and, when the page knows it, the factor they
    /// prefer. Ends in SELECT_CHALLENGE with the factors the user may pick from, or the
    /// preferred factor's challenge.
    pub async fn hosted_user_auth(
        &self,
        pool: &UserPool,
        client: &AppClient,
        username: &str,
        preferred: Option<ChallengeNameType>,
    ) -> Result<HostedOutcome> {
        super::check_flow(super::Api::Client, client, &AuthFlowType::UserAuth)?;
        let mut params = self.hosted_params(client, username)?;
        if let Some(factor) = preferred {
            params.insert("PREFERRED_CHALLENGE".into(), factor.as_str().into());
        }
        let outcome = self
            .user_auth_sign_in(pool, client, &Params(Some(&params), None))
            .await?;
        hosted_outcome(outcome)
    }

    /// Signs in a user who has just confirmed their sign-up on the hosted pages, in the browser
    /// that signed them up (the caller holds that proof: a sealed ticket from the sign-up page
    /// naming this user's `sub`, and the confirmation code just accepted). The password typed at
    /// sign-up is the first factor, as AWS's hosted UI takes it: what follows a password runs as
    /// after one (pre authentication, lockout and account state, then MFA or done).
    pub async fn hosted_sign_in_after_sign_up(
        &self,
        pool: &UserPool,
        client: &AppClient,
        username: &str,
        sub: &str,
    ) -> Result<HostedOutcome> {
        let user = self
            .find_user(pool, username)
            .await?
            .filter(|user| user.sub.as_str() == sub)
            .ok_or_else(super::incorrect_credentials)?;
        self.pre_authentication(pool, client, &user, None).await?;
        let now = self.clock.now();
        if lockout::is_locked(&UserState::of(&user), now) {
            return Err(super::attempts_exceeded());
        }
        check_account(self, pool, &user, now)?;
        let outcome = self
            .after_first_factor(pool, client, &user, None, now)
            .await?;
        hosted_outcome(outcome)
    }

    /// Answers a challenge shown on a page (`answers`: the challenge's response names, e.g.
    /// `SOFTWARE_TOKEN_MFA_CODE`, `NEW_PASSWORD`).
    pub async fn hosted_respond(
        &self,
        pool: &UserPool,
        client: &AppClient,
        challenge: &ChallengeNameType,
        session: &str,
        username: &str,
        answers: Vec<(String, String)>,
    ) -> Result<HostedOutcome> {
        let mut params = self.hosted_params(client, username)?;
        params.extend(answers.into_iter().map(|(k, v)| (k, Sensitive::from(v))));
        let outcome = self
            .answer(
                pool,
                client,
                challenge,
                Some(session),
                Params(Some(&params), None),
            )
            .await?;
        hosted_outcome(outcome)
    }

    /// USERNAME and, for a client with a secret, its SECRET_HASH.
    fn hosted_params(
        &self,
        client: &AppClient,
        username: &str,
    ) -> Result<BTreeMap<String, Sensitive>> {
        let mut params = BTreeMap::new();
        params.insert("USERNAME".to_string(), Sensitive::from(username));
        if let Some(hash) = self.hosted_secret_hash(client, username)? {
            params.insert("SECRET_HASH".to_string(), hash);
        }
        Ok(params)
    }
}

/// The page needs only who signed in and when: its tokens are issued once, at the token
/// endpoint, with the OAuth scopes (and the token triggers run there, once).
fn hosted_outcome(outcome: Outcome) -> Result<HostedOutcome> {
    match outcome {
        Outcome::Authenticated(done) => Ok(HostedOutcome::SignedIn {
            username: done.user.username,
            auth_time: done.sign_in.auth_time,
        }),
        // Only refresh ends in tokens directly, and the pages never refresh.
        Outcome::Tokens(_) => {
            tracing::error!("a hosted sign-in step issued tokens");
            Err(cognate_awsjson::ApiError::internal())
        }
        Outcome::Challenge {
            name,
            session,
            parameters,
        } => Ok(HostedOutcome::Challenge {
            name,
            session,
            parameters,
            available: Vec::new(),
        }),
        Outcome::Offer { next, available } => match hosted_outcome(*next)? {
            HostedOutcome::Challenge {
                name,
                session,
                parameters,
                ..
            } => Ok(HostedOutcome::Challenge {
                name,
                session,
                parameters,
                available,
            }),
            signed_in => Ok(signed_in),
        },
    }
}

/// What a hosted sign-up ended with.
#[derive(Debug)]
pub struct HostedSignUp {
    pub confirmed: bool,
    /// The new user's `sub`.
    pub sub: String,
    /// Where the confirmation code went (e.g. `a***@e***`), when one was sent.
    pub destination: Option<String>,
}

impl Idp {
    /// The sign-up page: SignUp as the public API runs it (policy, pre sign-up trigger, the
    /// confirmation code through the pool's messaging), with the client's SECRET_HASH.
    pub async fn hosted_sign_up(
        &self,
        client: &AppClient,
        username: &str,
        password: &str,
        attributes: Vec<(String, String)>,
    ) -> Result<HostedSignUp> {
        let request = cognate_model::idp::SignUpRequest {
            client_id: client.client_id.as_str().into(),
            secret_hash: self.hosted_secret_hash(client, username)?,
            username: username.into(),
            password: Some(password.into()),
            user_attributes: Some(
                attributes
                    .into_iter()
                    .map(|(name, value)| cognate_model::idp::AttributeType {
                        name,
                        value: Some(value.into()),
                    })
                    .collect(),
            ),
            ..Default::default()
        };
        let context = RequestContext::internal("SignUp");
        let out = crate::ops::sign_up::handle(self.clone(), context, request).await?;
        Ok(HostedSignUp {
            confirmed: out.user_confirmed,
            sub: out.user_sub,
            destination: out.code_delivery_details.and_then(|d| d.destination),
        })
    }

    /// The confirmation page: ConfirmSignUp with the code the user received.
    pub async fn hosted_confirm_sign_up(
        &self,
        client: &AppClient,
        username: &str,
        code: &str,
    ) -> Result<()> {
        let request = cognate_model::idp::ConfirmSignUpRequest {
            client_id: client.client_id.as_str().into(),
            secret_hash: self.hosted_secret_hash(client, username)?,
            username: username.into(),
            confirmation_code: code.to_string(),
            ..Default::default()
        };
        let context = RequestContext::internal("ConfirmSignUp");
        crate::ops::confirm_sign_up::handle(self.clone(), context, request).await?;
        Ok(())
    }

    /// The forgot-password page: ForgotPassword, a code to the user's verified contact.
    pub async fn hosted_forgot_password(
        &self,
        client: &AppClient,
        username: &str,
    ) -> Result<Option<String>> {
        let request = cognate_model::idp::ForgotPasswordRequest {
            client_id: client.client_id.as_str().into(),
            secret_hash: self.hosted_secret_hash(client, username)?,
            username: username.into(),
            ..Default::default()
        };
        let context = RequestContext::internal("ForgotPassword");
        let out = crate::ops::forgot_password::handle(self.clone(), context, request).await?;
        Ok(out.code_delivery_details.and_then(|d| d.destination))
    }

    /// The reset page: ConfirmForgotPassword with the code and the new password.
    pub async fn hosted_reset_password(
        &self,
        client: &AppClient,
        username: &str,
        code: &str,
        password: &str,
    ) -> Result<()> {
        let request = cognate_model::idp::ConfirmForgotPasswordRequest {
            client_id: client.client_id.as_str().into(),
            secret_hash: self.hosted_secret_hash(client, username)?,
            username: username.into(),
            confirmation_code: code.to_string(),
            password: password.into(),
            ..Default::default()
        };
        let context = RequestContext::internal("ConfirmForgotPassword");
        crate::ops::confirm_forgot_password::handle(self.clone(), context, request).await?;
        Ok(())
    }

    /// MFA_SETUP's first step on the set-up page: a new authenticator secret for the sign-in's
    /// user (AssociateSoftwareToken with the Session). Returns (secret, next session).
    pub async fn hosted_associate_token(&self, session: &str) -> Result<(String, String)> {
        let request = cognate_model::idp::AssociateSoftwareTokenRequest {
            access_token: None,
            session: Some(session.into()),
        };
        let context = RequestContext::internal("AssociateSoftwareToken");
        let out =
            crate::ops::associate_software_token::handle(self.clone(), context, request).await?;
        let secret = out.secret_code.map(|s| s.expose().to_string());
        let next = out.session.map(|s| s.expose().to_string());
        Ok((secret.unwrap_or_default(), next.unwrap_or_default()))
    }

    /// MFA_SETUP's answer: the authenticator's first code verifies the token
    /// (VerifySoftwareToken with the Session), then the challenge is answered with the session
    /// that gives, as a client of the API does.
    pub async fn hosted_finish_mfa_setup(
        &self,
        pool: &UserPool,
        client: &AppClient,
        session: &str,
        username: &str,
        code: &str,
    ) -> Result<HostedOutcome> {
        let request = cognate_model::idp::VerifySoftwareTokenRequest {
            session: Some(session.into()),
            user_code: code.into(),
            ..Default::default()
        };
        let context = RequestContext::internal("VerifySoftwareToken");
        let out = crate::ops::verify_software_token::handle(self.clone(), context, request).await?;
        let next = out
            .session
            .map(|s| s.expose().to_string())
            .unwrap_or_default();
        let challenge = ChallengeNameType::MfaSetup;
        self.hosted_respond(pool, client, &challenge, &next, username, Vec::new())
            .await
    }

    /// The SECRET_HASH for `username`, for a client with a secret.
    fn hosted_secret_hash(&self, client: &AppClient, username: &str) -> Result<Option<Sensitive>> {
        let Some(secret) = client.secrets.first() else {
            return Ok(None);
        };
        let plain = clients::open_secret(self, client, secret)?;
        let hash =
            cognate_crypto::secrets::secret_hash(username, client.client_id.as_str(), &plain);
        Ok(Some(Sensitive::from(hash)))
    }
}
