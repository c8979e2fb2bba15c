//! Sign-in through a remembered device: DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER.
//!
//! After the password (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH or the PASSWORD_VERIFIER
//! answer) a client that names a `DEVICE_KEY` the user confirmed and remembers gets the
//! DEVICE_SRP_AUTH challenge instead of MFA. It answers with `USERNAME`, `DEVICE_KEY` and its
//! `SRP_A`; the server answers DEVICE_PASSWORD_VERIFIER (`SRP_B`, `SALT`, `SECRET_BLOCK`) from
//! the device's verifier; the client's proof is the PASSWORD_VERIFIER signature with the
//! device group key in place of the pool name and the device key as the user id. A right proof
//! signs in without MFA; a wrong one counts toward lockout.
//!
//! Both steps are single-use sessions in the user's state: the first is only handed out after
//! the password, so the device secret alone signs no one in (clients that send no `Session`,
//! like pycognito, answer the latest one opened for their device); the second is named by the
//! sealed secret block, which carries A, B and the secret b (never stored in clear). A device
//! that is forgotten or set to `not_remembered` gets no shortcut: the password step goes on to
//! MFA.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cognate_awsjson::ApiError;
use cognate_crypto::secrets::constant_time_eq;
use cognate_crypto::srp::{self as math, ProofInput};
use cognate_domain::Timestamp;
use cognate_domain::client::AppClient;
use cognate_domain::pool::UserPool;
use cognate_domain::user::User;
use cognate_model::idp::ChallengeNameType;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::srp::{MAX_SKEW_SECS, TIMESTAMP_FORMAT, blocking};
use super::user_password::check_account;
use super::{Outcome, Params, attempts_exceeded, incorrect_credentials, session, srp_time};
use crate::Idp;
use crate::devices::{Device, DeviceSettings, device_not_found, remembered_device};
use crate::errors::{Result, invalid_parameter};
use crate::tokens::SignIn;
use crate::users::state::{PendingSession, UserState, lockout};

pub const SRP_AUTH_CHALLENGE: &str = "DEVICE_SRP_AUTH";
pub const PASSWORD_VERIFIER_CHALLENGE: &str = "DEVICE_PASSWORD_VERIFIER";

/// What the sealed SECRET_BLOCK of DEVICE_PASSWORD_VERIFIER holds.
#[derive(Serialize, Deserialize)]
struct SecretBlock {
    #[serde(rename = "u")]
    user: String,
    #[serde(rename = "d")]
    device_key: String,
    /// The DEVICE_PASSWORD_VERIFIER session in the user's state.
    #[serde(rename = "t")]
    token: String,
    #[serde(rename = "A")]
    client_public: String,
    #[serde(rename = "B")]
    server_public: String,
    #[serde(rename = "b")]
    server_secret: String,
}

impl Idp {
    /// The step after a correct password: DEVICE_SRP_AUTH for a remembered device of the
    /// user (in a pool where remembered devices stand in for MFA), otherwise MFA or tokens
    /// (`after_first_factor`).
    pub(crate) async fn after_password(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        device_key: Option<&str>,
        now: Timestamp,
    ) -> Result<Outcome> {
        let shortcut = DeviceSettings::of(pool).is_some_and(|s| s.remembered_devices_skip_mfa);
        let remembered = device_key
            .filter(|_| shortcut)
            .and_then(|key| remembered_device(user, key));
        let Some(device) = remembered else {
            return self
                .after_first_factor(pool, client, user, device_key, now)
                .await;
        };
        let mut data = Map::new();
        data.insert("device_key".into(), Value::String(device.key));
        let token = self
            .open_session(
                (pool, client, user),
                SRP_AUTH_CHALLENGE,
                data,
                now,
                session::invalid_session,
            )
            .await?;
        Ok(Outcome::Challenge {
            name: ChallengeNameType::DeviceSrpAuth,
            session: token,
            parameters: BTreeMap::new(),
        })
    }

    /// RespondToAuthChallenge DEVICE_SRP_AUTH: the DEVICE_PASSWORD_VERIFIER challenge.
    pub(crate) async fn answer_device_srp_auth(
        &self,
        pool: &UserPool,
        client: &AppClient,
        session_token: Option<&str>,
        responses: &Params<'_>,
    ) -> Result<Outcome> {
        let username = responses.required("USERNAME")?;
        let device_key = responses.required("DEVICE_KEY")?;
        let client_public = responses.required("SRP_A")?.to_string();
        self.check_secret_hash(client, username, responses.get("SECRET_HASH"))?;
        let token = session_token.filter(|s| !s.is_empty());
        math::check_client_public(&client_public)
            .map_err(|_| invalid_parameter("SRP_A is not a valid SRP value"))?;
        let user = self
            .find_user(pool, username)
            .await?
            .ok_or_else(session::invalid_session)?;
        let now = self.clock.now();
        pending_device_srp(&UserState::of(&user), token, client, device_key, now)?;
        let device = remembered_device(&user, device_key).ok_or_else(device_not_found)?;
        let verifier = device.verifier_hex.clone();
        let challenge = blocking(move || math::server_challenge(&verifier)).await?;
        let challenge = challenge.map_err(|_| ApiError::internal())?;
        let next = self
            .next_device_session(pool, client, &user, (token, device_key), now)
            .await?;
        let block = SecretBlock {
            user: user.username_key.clone(),
            device_key: device.key.clone(),
            token: next.clone(),
            client_public,
            server_public: challenge.public_b_hex,
            server_secret: challenge.secret_b_hex,
        };
        let plain = serde_json::to_vec(&block).map_err(|_| ApiError::internal())?;
        let sealed = STANDARD.encode(self.seal.seal(&plain, &block_aad(pool, client)));
        let parameters = [
            ("SRP_B", block.server_public.clone()),
            ("SALT", device.salt_hex.clone()),
            ("SECRET_BLOCK", sealed),
            ("USERNAME", user.username.clone()),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect();
        Ok(Outcome::Challenge {
            name: ChallengeNameType::DevicePasswordVerifier,
            session: next,
            parameters,
        })
    }

    /// RespondToAuthChallenge DEVICE_PASSWORD_VERIFIER: checks the device's proof, then signs
    /// in without MFA.
    pub(crate) async fn answer_device_password_verifier(
        &self,
        pool: &UserPool,
        client: &AppClient,
        session_token: Option<&str>,
        responses: &Params<'_>,
    ) -> Result<Outcome> {
        let username = responses.required("USERNAME")?;
        let device_key = responses.required("DEVICE_KEY")?;
        let sealed_block = responses.required("PASSWORD_CLAIM_SECRET_BLOCK")?;
        let signature = responses.required("PASSWORD_CLAIM_SIGNATURE")?;
        let timestamp = responses.required("TIMESTAMP")?;
        self.check_secret_hash(client, username, responses.get("SECRET_HASH"))?;
        let signed_at =
            srp_time::parse(timestamp).ok_or_else(|| invalid_parameter(TIMESTAMP_FORMAT))?;
        let (block, block_bytes) = self
            .open_device_block(pool, client, sealed_block)
            .ok_or_else(incorrect_credentials)?;
        let user = self
            .find_user(pool, username)
            .await?
            .ok_or_else(incorrect_credentials)?;
        let named_other_session = session_token.is_some_and(|s| !s.is_empty() && s != block.token);
        if user.username_key != block.user || block.device_key != device_key || named_other_session
        {
            return Err(session::invalid_session());
        }
        let now = self.clock.now();
        let state = UserState::of(&user);
        session::find(
            &state,
            &block.token,
            client,
            PASSWORD_VERIFIER_CHALLENGE,
            now,
        )?;
        if lockout::is_locked(&state, now) {
            return Err(attempts_exceeded());
        }
        let device = remembered_device(&user, device_key).ok_or_else(device_not_found)?;
        let proven = (signed_at - now.secs()).abs() <= MAX_SKEW_SECS
            && proof_matches(&device, &block, block_bytes, signed_at, signature).await?;
        let user = self
            .finish_device_proof(pool, client, &user, (&block, proven), now)
            .await?;
        if !proven {
            return Err(incorrect_credentials());
        }
        let sign_in = SignIn {
            device_key: Some(device.key),
            source: crate::triggers::TokenSource::AuthenticateDevice,
            ..SignIn::new(self)
        };
        Ok(Outcome::authenticated(user, sign_in))
    }

    fn open_device_block(
        &self,
        pool: &UserPool,
        client: &AppClient,
        sealed: &str,
    ) -> Option<(SecretBlock, Vec<u8>)> {
        let bytes = STANDARD.decode(sealed.trim()).ok()?;
        let plain = self.seal.open(&bytes, &block_aad(pool, client)).ok()?;
        Some((serde_json::from_slice(&plain).ok()?, bytes))
    }

    /// Uses up the DEVICE_SRP_AUTH session and opens the DEVICE_PASSWORD_VERIFIER one, in one
    /// write: a parallel answer with the same session loses here.
    async fn next_device_session(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        (token, device_key): (Option<&str>, &str),
        now: Timestamp,
    ) -> Result<String> {
        let sub = user.sub.clone();
        let (_, next) = self
            .modify_user(pool, &user.username_key, |stored| {
                if stored.sub != sub {
                    return Err(session::invalid_session());
                }
                let mut state = UserState::of(stored);
                let index = pending_device_srp(&state, token, client, device_key, now)?;
                state.sessions.remove(index);
                if lockout::is_locked(&state, now) {
                    return Err(attempts_exceeded());
                }
                let next = session::open(
                    &mut state,
                    client,
                    PASSWORD_VERIFIER_CHALLENGE,
                    Map::new(),
                    now,
                );
                state.save_into(stored);
                Ok(next)
            })
            .await?;
        Ok(next)
    }

    /// Uses up the DEVICE_PASSWORD_VERIFIER session and records the outcome in one write: a
    /// failure toward lockout, a success (of an account that may sign in) as the device's last
    /// authentication.
    async fn finish_device_proof(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        (block, proven): (&SecretBlock, bool),
        now: Timestamp,
    ) -> Result<User> {
        let sub = user.sub.clone();
        let (user, ()) = self
            .modify_user(pool, &user.username_key, |stored| {
                if stored.sub != sub {
                    return Err(incorrect_credentials());
                }
                let mut state = UserState::of(stored);
                session::consume(
                    &mut state,
                    &block.token,
                    client,
                    PASSWORD_VERIFIER_CHALLENGE,
                    now,
                )?;
                state.prune(now);
                if !proven {
                    lockout::record_failure(&mut state, now);
                    state.save_into(stored);
                    return Ok(());
                }
                if lockout::is_locked(&state, now) {
                    return Err(attempts_exceeded());
                }
                // Checked only after a right proof (as after a right password), and before
                // anything is written: a refused account keeps its state as it was.
                check_account(self, pool, stored, now)?;
                lockout::record_success(&mut state);
                let mut devices = crate::devices::Devices::of(&state);
                if let Some(device) = devices.find_mut(&block.device_key) {
                    device.last_authenticated_at = now.millis();
                }
                devices.save_into(&mut state);
                state.save_into(stored);
                Ok(())
            })
            .await?;
        Ok(user)
    }
}

/// Where the DEVICE_SRP_AUTH session for `device_key` is in the user's sessions: the one the
/// `Session` names, or, for clients that send none (pycognito), the latest one this client
/// was given for that device. Either way it was handed out after a correct password.
fn pending_device_srp(
    state: &UserState,
    token: Option<&str>,
    client: &AppClient,
    device_key: &str,
    now: Timestamp,
) -> Result<usize> {
    let for_device =
        |s: &PendingSession| s.data.get("device_key").and_then(Value::as_str) == Some(device_key);
    let index = match token {
        Some(token) => {
            let found = session::find(state, token, client, SRP_AUTH_CHALLENGE, now)?;
            state
                .sessions
                .iter()
                .position(|s| s.session_hash == found.session_hash)
                .filter(|_| for_device(found))
        }
        None => state.sessions.iter().rposition(|s| {
            s.challenge == SRP_AUTH_CHALLENGE
                && s.client_id == client.client_id.as_str()
                && s.expires_at > now.millis()
                && for_device(s)
        }),
    };
    index.ok_or_else(session::invalid_session)
}

/// Whether the signature proves the device secret, over Cognito's rendering of the timestamp.
async fn proof_matches(
    device: &Device,
    block: &SecretBlock,
    secret_block: Vec<u8>,
    signed_at: i64,
    signature: &str,
) -> Result<bool> {
    let Ok(given) = STANDARD.decode(signature.trim()) else {
        return Ok(false);
    };
    let group_key = device.group_key.clone();
    let device_key = device.key.clone();
    let verifier = device.verifier_hex.clone();
    let client_public = block.client_public.clone();
    let server_secret = block.server_secret.clone();
    let server_public = block.server_public.clone();
    let timestamp = srp_time::canonical(signed_at);
    let expected = blocking(move || {
        math::expected_signature(&ProofInput {
            pool_name: &group_key,
            user_id: &device_key,
            verifier_hex: &verifier,
            client_public_hex: &client_public,
            secret_b_hex: &server_secret,
            public_b_hex: &server_public,
            secret_block: &secret_block,
            timestamp: &timestamp,
        })
        .ok()
    })
    .await?;
    Ok(expected.is_some_and(|expected| constant_time_eq(&expected, &given)))
}

fn block_aad(pool: &UserPool, client: &AppClient) -> Vec<u8> {
    format!(
        "device-srp-block/{}/{}",
        pool.id.as_str(),
        client.client_id.as_str()
    )
    .into_bytes()
}

/// The device confirmed by ConfirmDevice for `key` of `group_key`.
pub fn confirmed_device(
    key: &str,
    group_key: &str,
    name: Option<String>,
    (salt_hex, verifier_hex): (String, String),
    remembered: bool,
    now: Timestamp,
) -> Device {
    Device {
        key: key.to_string(),
        group_key: group_key.to_string(),
        name,
        salt_hex,
        verifier_hex,
        remembered,
        created_at: now.millis(),
        modified_at: now.millis(),
        last_authenticated_at: now.millis(),
    }
}
