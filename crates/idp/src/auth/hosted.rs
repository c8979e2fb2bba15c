//! The hosted sign-in pages' way into the sign-in code: the same password check (lockout,
//! account state, NEW_PASSWORD_REQUIRED, MFA) and the same challenge answers as InitiateAuth and
//! RespondToAuthChallenge, never a copy. The hosted UI proves the client by its registered
//! redirect URI, not by SECRET_HASH, so the hash is computed here from the client's secret.

use std::collections::BTreeMap;

use cognate_crypto::jwt;
use cognate_domain::client::AppClient;
use cognate_domain::pool::UserPool;
use cognate_model::Sensitive;
use cognate_model::idp::ChallengeNameType;
use serde_json::Value;

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
            .password_sign_in(pool, client, &Params(Some(&params), None))
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
            .respond(
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
        if let Some(secret) = client.secrets.first() {
            let plain = clients::open_secret(self, client, secret)?;
            let hash =
                cognate_crypto::secrets::secret_hash(username, client.client_id.as_str(), &plain);
            params.insert("SECRET_HASH".to_string(), Sensitive::from(hash));
        }
        Ok(params)
    }
}

/// The sign-in code ends in tokens for the user-pool API; the page needs only who signed in
/// and when (its own tokens are issued at the token endpoint, with the OAuth scopes).
fn hosted_outcome(outcome: Outcome) -> Result<HostedOutcome> {
    match outcome {
        Outcome::Tokens(result) => {
            let token = result
                .access_token
                .as_ref()
                .map(|t| t.expose().to_string())
                .unwrap_or_default();
            let (_, claims) = jwt::decode_unverified(&token).map_err(|_| {
                tracing::error!("a just-issued access token could not be read");
                cognate_awsjson::ApiError::internal()
            })?;
            Ok(HostedOutcome::SignedIn {
                username: claims
                    .get("username")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                auth_time: claims
                    .get("auth_time")
                    .and_then(Value::as_i64)
                    .unwrap_or_default(),
            })
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
