//! The hosted sign-in pages' way into the sign-in code: the same password check (lockout,
//! account state, NEW_PASSWORD_REQUIRED, MFA) and the same challenge answers as InitiateAuth and
//! RespondToAuthChallenge, never a copy. The hosted UI proves the client by its registered
//! redirect URI, not by SECRET_HASH, so the hash is computed here from the client's secret.

use std::collections::BTreeMap;

use cognate_domain::client::AppClient;
use cognate_domain::pool::UserPool;
use cognate_model::Sensitive;
use cognate_model::idp::ChallengeNameType;

use super::{Outcome, Params};
use crate::Idp;
use crate::clients;
use crate::errors::Result;

/// Where a hosted sign-in step ends.
#[derive(Debug)]
pub enum HostedOutcome {
    /// The user is signed in (the page's session and authorization code carry this).
    SignedIn { username: String, auth_time: i64 },
    Challenge {
        name: ChallengeNameType,
        session: String,
        parameters: BTreeMap<String, String>,
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
            .password_sign_in(pool, client, &Params(Some(&params)))
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
                Params(Some(&params)),
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
        if let Some(secret) = client.secrets.first() {
            let plain = clients::open_secret(self, client, secret)?;
            let hash =
                cognate_crypto::secrets::secret_hash(username, client.client_id.as_str(), &plain);
            params.insert("SECRET_HASH".to_string(), Sensitive::from(hash));
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
        }),
        Outcome::Offer { next, .. } => hosted_outcome(*next),
    }
}
