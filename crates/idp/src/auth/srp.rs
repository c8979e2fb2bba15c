//! USER_SRP_AUTH: Cognito's SRP-6a sign-in, in two round trips.
//!
//! 1. InitiateAuth / AdminInitiateAuth with `USERNAME` and `SRP_A` → the PASSWORD_VERIFIER
//!    challenge: `SALT`, `SRP_B`, `SECRET_BLOCK`, `USER_ID_FOR_SRP` and `USERNAME` (both the
//!    stored username, the UUID one in email/phone-username pools). No `Session`, as AWS: the
//!    secret block is the session.
//! 2. RespondToAuthChallenge PASSWORD_VERIFIER with `PASSWORD_CLAIM_SIGNATURE`,
//!    `PASSWORD_CLAIM_SECRET_BLOCK` and `TIMESTAMP` → tokens, or NEW_PASSWORD_REQUIRED for a
//!    user holding a temporary password.
//!
//! The secret block is sealed with the server key (bound to the pool and client) and carries
//! A, B, the secret b and the token of a single-use challenge session kept (hashed) in the
//! user's state, so b never reaches the client or the database in clear, and a block answers
//! once. `SRP_A` is checked (well-formed, bounded, not 0 mod N) before any exponentiation. An
//! answer is claimed as a failure toward lockout before its proof is checked (a right proof
//! takes the count back), as a password is: parallel answers cannot outrun the lockout. Unknown users (with PreventUserExistenceErrors) and users
//! without a verifier (set before SRP existed) get a challenge derived from a server-keyed hash
//! of their name, stable across attempts, and fail at the answer like a wrong password.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cognate_awsjson::ApiError;
use cognate_crypto::secrets::constant_time_eq;
use cognate_crypto::srp::{self as math, ProofInput};
use cognate_domain::Timestamp;
use cognate_domain::client::AppClient;
use cognate_domain::pool::UserPool;
use cognate_domain::user::{User, UserStatus};
use cognate_model::idp::ChallengeNameType;
use serde::{Deserialize, Serialize};

use super::user_password::{check_account, password_reset_required};
use super::{Outcome, Params, attempts_exceeded, incorrect_credentials, session, srp_time};
use crate::Idp;
use crate::devices::answering_device;
use crate::errors::{Result, invalid_parameter};
use crate::users::state::{UserState, lockout};
use crate::users::{user_not_found, username_key};

pub const CHALLENGE: &str = "PASSWORD_VERIFIER";

/// How far the client's TIMESTAMP may be from the server's clock, either way.
pub(super) const MAX_SKEW_SECS: i64 = 300;

pub(super) const TIMESTAMP_FORMAT: &str =
    "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.";

/// What the sealed SECRET_BLOCK holds.
#[derive(Serialize, Deserialize)]
struct SecretBlock {
    /// The user's username key (for an unknown user, the key of the name given).
    #[serde(rename = "u")]
    user: String,
    /// The challenge session in the user's state; empty for an unknown user.
    #[serde(rename = "t")]
    token: String,
    #[serde(rename = "A")]
    client_public: String,
    #[serde(rename = "B")]
    server_public: String,
    #[serde(rename = "b")]
    server_secret: String,
    /// Set when the challenge was derived (no such user, or no verifier): it cannot succeed.
    #[serde(rename = "f", default)]
    derived: bool,
    /// The DEVICE_KEY of InitiateAuth, for an answer that does not repeat it.
    #[serde(rename = "d", default, skip_serializing_if = "Option::is_none")]
    device_key: Option<String>,
    /// Issued inside CUSTOM_AUTH (its SRP_A-first variant): a right proof goes back to the
    /// define auth challenge function instead of signing in.
    #[serde(rename = "c", default, skip_serializing_if = "std::ops::Not::not")]
    custom: bool,
}

/// The part of the pool id after the region: what Cognito's SRP calls the pool name.
pub fn pool_name(pool: &UserPool) -> &str {
    let id = pool.id.as_str();
    id.split_once('_').map_or(id, |(_, name)| name)
}

/// Runs big-number work off the async threads: each exponentiation takes milliseconds.
pub(super) async fn blocking<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(job)
        .await
        .map_err(|_| ApiError::internal())
}

impl Idp {
    /// InitiateAuth USER_SRP_AUTH: the PASSWORD_VERIFIER challenge.
    pub(crate) async fn srp_sign_in(
        &self,
        pool: &UserPool,
        client: &AppClient,
        params: &Params<'_>,
    ) -> Result<Outcome> {
        self.srp_challenge(pool, client, params, false).await
    }

    /// The PASSWORD_VERIFIER challenge; `custom` inside CUSTOM_AUTH (which ran pre
    /// authentication already).
    pub(crate) async fn srp_challenge(
        &self,
        pool: &UserPool,
        client: &AppClient,
        params: &Params<'_>,
        custom: bool,
    ) -> Result<Outcome> {
        let username = params.required("USERNAME")?;
        let client_public = params.required("SRP_A")?.to_string();
        self.check_secret_hash(client, username, params.get("SECRET_HASH"))?;
        // Before any exponentiation: a degenerate A would fix the shared secret.
        math::check_client_public(&client_public)
            .map_err(|_| invalid_parameter("SRP_A is not a valid SRP value"))?;
        let Some(user) = self.find_user(pool, username).await? else {
            if !client.prevent_user_existence_errors {
                return Err(user_not_found());
            }
            let key = username_key(pool, username);
            let (salt, verifier) = self.derived_verifier(pool, &key);
            let challenge = blocking(move || math::server_challenge(&verifier)).await?;
            let challenge = challenge.map_err(|_| ApiError::internal())?;
            let block = SecretBlock {
                user: key,
                token: String::new(),
                client_public,
                server_public: challenge.public_b_hex,
                server_secret: challenge.secret_b_hex,
                derived: true,
                device_key: None,
                custom,
            };
            return Ok(self.password_verifier(pool, client, username, &salt, &block));
        };
        if !custom {
            self.pre_authentication(pool, client, &user, params.client_metadata())
                .await?;
        }
        let now = self.clock.now();
        if lockout::is_locked(&UserState::of(&user), now) {
            return Err(attempts_exceeded());
        }
        if user.status == UserStatus::ResetRequired {
            return Err(password_reset_required());
        }
        let stored = self.password_material(&user)?.and_then(|m| m.srp);
        let derived = stored.is_none();
        let (salt, verifier) = match stored {
            Some(srp) => (srp.salt_hex, srp.verifier_hex),
            None => self.derived_verifier(pool, &user.username_key),
        };
        let challenge = blocking(move || math::server_challenge(&verifier)).await?;
        let challenge = challenge.map_err(|_| ApiError::internal())?;
        let token = self.open_verifier_session(pool, client, &user, now).await?;
        let block = SecretBlock {
            user: user.username_key.clone(),
            token,
            client_public,
            server_public: challenge.public_b_hex,
            server_secret: challenge.secret_b_hex,
            derived,
            device_key: params.get("DEVICE_KEY").map(str::to_string),
            custom,
        };
        Ok(self.password_verifier(pool, client, &user.username, &salt, &block))
    }

    /// RespondToAuthChallenge PASSWORD_VERIFIER: checks the proof, then signs in.
    pub(crate) async fn answer_password_verifier(
        &self,
        pool: &UserPool,
        client: &AppClient,
        responses: &Params<'_>,
    ) -> Result<Outcome> {
        let username = responses.required("USERNAME")?;
        let sealed_block = responses.required("PASSWORD_CLAIM_SECRET_BLOCK")?;
        let signature = responses.required("PASSWORD_CLAIM_SIGNATURE")?;
        let timestamp = responses.required("TIMESTAMP")?;
        self.check_secret_hash(client, username, responses.get("SECRET_HASH"))?;
        let signed_at =
            srp_time::parse(timestamp).ok_or_else(|| invalid_parameter(TIMESTAMP_FORMAT))?;
        let (block, block_bytes) = self
            .open_block(pool, client, sealed_block)
            .ok_or_else(incorrect_credentials)?;
        let now = self.clock.now();
        let Some(user) = self.find_user(pool, username).await? else {
            self.spend_proof_time(pool, &block).await;
            return Err(if client.prevent_user_existence_errors {
                incorrect_credentials()
            } else {
                user_not_found()
            });
        };
        if block.token.is_empty() || user.username_key != block.user {
            // A block issued for another name (or for no user at all) proves nothing here.
            return Err(incorrect_credentials());
        }
        // The check is claimed before the proof is computed, and the single-use session used
        // up in the same save, so parallel answers queue behind the lockout.
        let user = self
            .claim_password_check(pool, &user, |state| {
                session::consume(state, &block.token, client, CHALLENGE, now).map(drop)
            })
            .await?;
        let proven = if block.derived {
            self.spend_proof_time(pool, &block).await;
            false
        } else {
            (signed_at - now.secs()).abs() <= MAX_SKEW_SECS
                && self
                    .proof_matches(pool, &user, (&block, block_bytes), signed_at, signature)
                    .await?
        };
        if !proven {
            return Err(self.settle_claimed_failure(pool, &user).await);
        }
        let user = self.settle_claimed_success(pool, user).await?;
        check_account(self, pool, &user, now)?;
        if block.custom {
            return self
                .custom_after_password(pool, client, &user, responses.client_metadata())
                .await;
        }
        let carried = block.device_key.as_deref();
        let device_key = answering_device(&user, responses.get("DEVICE_KEY"), carried);
        if user.status == UserStatus::ForceChangePassword {
            let named = (&user, device_key.as_deref());
            return self.new_password_challenge(pool, client, named, now).await;
        }
        self.after_password(pool, client, &user, device_key.as_deref(), now)
            .await
    }

    /// The challenge as AWS words it; the block sealed for this pool and client.
    fn password_verifier(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user_id: &str,
        salt: &str,
        block: &SecretBlock,
    ) -> Outcome {
        let plain = serde_json::to_vec(block).unwrap_or_default();
        let sealed = STANDARD.encode(self.seal.seal(&plain, &block_aad(pool, client)));
        let parameters = [
            ("SALT", salt.to_string()),
            ("SRP_B", block.server_public.clone()),
            ("SECRET_BLOCK", sealed),
            ("USER_ID_FOR_SRP", user_id.to_string()),
            ("USERNAME", user_id.to_string()),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect();
        Outcome::Challenge {
            name: ChallengeNameType::PasswordVerifier,
            session: String::new(),
            parameters,
        }
    }

    /// The block's contents and its bytes as the client signed them (the decoded base64).
    fn open_block(
        &self,
        pool: &UserPool,
        client: &AppClient,
        sealed: &str,
    ) -> Option<(SecretBlock, Vec<u8>)> {
        let bytes = STANDARD.decode(sealed.trim()).ok()?;
        let plain = self.seal.open(&bytes, &block_aad(pool, client)).ok()?;
        Some((serde_json::from_slice(&plain).ok()?, bytes))
    }

    /// A salt and verifier for a name without a real verifier: stable per name, unguessable
    /// without the server key.
    fn derived_verifier(&self, pool: &UserPool, key: &str) -> (String, String) {
        let name = format!("{}/{key}", pool.id.as_str());
        let salt = self.seal.keyed_hash("srp-derived-salt", name.as_bytes());
        let seed = self
            .seal
            .keyed_hash("srp-derived-verifier", name.as_bytes());
        (math::salt_hex(&salt[..16]), math::verifier_like(&seed))
    }

    /// Whether the signature proves the password, over Cognito's rendering of the timestamp.
    async fn proof_matches(
        &self,
        pool: &UserPool,
        user: &User,
        (block, secret_block): (&SecretBlock, Vec<u8>),
        signed_at: i64,
        signature: &str,
    ) -> Result<bool> {
        let Some(srp) = self.password_material(user)?.and_then(|m| m.srp) else {
            return Ok(false);
        };
        let Ok(given) = STANDARD.decode(signature.trim()) else {
            return Ok(false);
        };
        let inputs = ProofOwned {
            pool_name: pool_name(pool).to_string(),
            user_id: user.username.clone(),
            verifier: srp.verifier_hex,
            client_public: block.client_public.clone(),
            server_secret: block.server_secret.clone(),
            server_public: block.server_public.clone(),
            secret_block,
            timestamp: srp_time::canonical(signed_at),
        };
        let expected = blocking(move || inputs.expected()).await?;
        Ok(expected.is_some_and(|expected| constant_time_eq(&expected, &given)))
    }

    /// Spends about the time of a real proof check, for names that are no user.
    async fn spend_proof_time(&self, pool: &UserPool, block: &SecretBlock) {
        let (_, verifier) = self.derived_verifier(pool, &block.user);
        let inputs = ProofOwned {
            pool_name: pool_name(pool).to_string(),
            user_id: block.user.clone(),
            verifier,
            client_public: block.client_public.clone(),
            server_secret: block.server_secret.clone(),
            server_public: block.server_public.clone(),
            secret_block: Vec::new(),
            timestamp: String::new(),
        };
        let _ = blocking(move || inputs.expected()).await;
    }

    /// Opens the single-use challenge session the secret block names (one write).
    async fn open_verifier_session(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        now: Timestamp,
    ) -> Result<String> {
        let sub = user.sub.clone();
        // Starts from the user just read (the save checks its version).
        let read = Some(user.clone());
        let (_, token) = self
            .modify_user_state_from(pool, &user.username_key, read, |stored, state| {
                if stored.sub != sub {
                    return Err(incorrect_credentials());
                }
                if lockout::is_locked(state, now) {
                    return Err(attempts_exceeded());
                }
                Ok(session::open(
                    state,
                    client,
                    CHALLENGE,
                    Default::default(),
                    now,
                ))
            })
            .await?;
        Ok(token)
    }
}

fn block_aad(pool: &UserPool, client: &AppClient) -> Vec<u8> {
    format!(
        "srp-block/{}/{}",
        pool.id.as_str(),
        client.client_id.as_str()
    )
    .into_bytes()
}

/// `ProofInput` with owned values, to move onto the blocking pool.
struct ProofOwned {
    pool_name: String,
    user_id: String,
    verifier: String,
    client_public: String,
    server_secret: String,
    server_public: String,
    secret_block: Vec<u8>,
    timestamp: String,
}

impl ProofOwned {
    fn expected(&self) -> Option<Vec<u8>> {
        math::expected_signature(&ProofInput {
            pool_name: &self.pool_name,
            user_id: &self.user_id,
            verifier_hex: &self.verifier,
            client_public_hex: &self.client_public,
            secret_b_hex: &self.server_secret,
            public_b_hex: &self.server_public,
            secret_block: &self.secret_block,
            timestamp: &self.timestamp,
        })
        .ok()
    }
}
