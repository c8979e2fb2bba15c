//! MFA_SETUP: a pool with MFA ON signs in a user without a factor (and without a phone number
//! or email the pool's SMS or email MFA could use) only after it registers a software token
//! inside the sign-in: AssociateSoftwareToken and VerifySoftwareToken with the challenge's
//! `Session`, then RespondToAuthChallenge MFA_SETUP with the same session.
//!
//! Those two operations carry neither pool nor client, so this session is the usual
//! single-use challenge session wrapped, sealed with the server key, together with the pool,
//! client and user it belongs to.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognate_domain::Timestamp;
use cognate_domain::client::AppClient;
use cognate_domain::pool::UserPool;
use cognate_domain::user::User;
use cognate_model::idp::ChallengeNameType;
use serde::{Deserialize, Serialize};

use super::{Outcome, Params, attempts_exceeded, session};
use crate::Idp;
use crate::devices::answering_device;
use crate::errors::{Result, invalid_parameter};
use crate::mfa::{EMAIL, PoolFactors, SMS, SOFTWARE_TOKEN, UserMfa};
use crate::users::state::{UserState, lockout};

pub const CHALLENGE: &str = "MFA_SETUP";
const AAD: &[u8] = b"mfa-setup-session";

#[derive(Serialize, Deserialize)]
struct Wrapped {
    #[serde(rename = "p")]
    pool_id: String,
    #[serde(rename = "c")]
    client_id: String,
    #[serde(rename = "u")]
    username_key: String,
    #[serde(rename = "t")]
    token: String,
}

/// The user an MFA_SETUP session names, with its pool and client, the session checked.
pub struct SetupSession {
    pub pool: UserPool,
    pub client: AppClient,
    pub user: User,
    pub session: String,
    token: String,
}

impl Idp {
    /// Opens an MFA_SETUP session, carrying the sign-in's (confirmed) device key to the answer.
    pub(crate) async fn mfa_setup_challenge(
        &self,
        pool: &UserPool,
        client: &AppClient,
        (user, device_key): (&User, Option<&str>),
        now: Timestamp,
    ) -> Result<Outcome> {
        let token = self
            .open_session(
                (pool, client, user),
                CHALLENGE,
                session::with_device(Default::default(), device_key),
                now,
                session::invalid_session,
            )
            .await?;
        let wrapped = Wrapped {
            pool_id: pool.id.as_str().to_string(),
            client_id: client.client_id.as_str().to_string(),
            username_key: user.username_key.clone(),
            token,
        };
        let plain = serde_json::to_vec(&wrapped).unwrap_or_default();
        let session = URL_SAFE_NO_PAD.encode(self.seal.seal(&plain, AAD));
        let can_setup = serde_json::to_string(&can_set_up(pool)).unwrap_or_default();
        Ok(Outcome::Challenge {
            name: ChallengeNameType::MfaSetup,
            session,
            parameters: super::naming_user(&user.username, &[("MFAS_CAN_SETUP", can_setup)]),
        })
    }

    /// Opens an MFA_SETUP session: pool, client and user, the inner session still valid.
    pub async fn setup_session(&self, session: &str) -> Result<SetupSession> {
        let wrapped: Wrapped = URL_SAFE_NO_PAD
            .decode(session.trim())
            .ok()
            .and_then(|sealed| self.seal.open(&sealed, AAD).ok())
            .and_then(|plain| serde_json::from_slice(&plain).ok())
            .ok_or_else(session::invalid_session)?;
        let pool = self.pool(&wrapped.pool_id).await?;
        let client = self
            .pool_client(&wrapped.pool_id, &wrapped.client_id)
            .await?;
        let user = match self.store.get_user(&pool.id, &wrapped.username_key).await {
            Ok(user) => user,
            Err(_) => return Err(session::invalid_session()),
        };
        let now = self.clock.now();
        session::find(
            &UserState::of(&user),
            &wrapped.token,
            &client,
            CHALLENGE,
            now,
        )?;
        Ok(SetupSession {
            pool,
            client,
            user,
            session: session.to_string(),
            token: wrapped.token,
        })
    }

    /// Answers MFA_SETUP once the token is verified: consumes the session, signs in.
    pub(crate) async fn answer_mfa_setup(
        &self,
        pool: &UserPool,
        client: &AppClient,
        session_token: Option<&str>,
        responses: &Params<'_>,
    ) -> Result<Outcome> {
        let username = responses.required("USERNAME")?;
        self.check_secret_hash(client, username, responses.get("SECRET_HASH"))?;
        let session_token = session::required(session_token)?;
        let setup = self.setup_session(session_token).await?;
        if setup.pool.id != pool.id || setup.client.client_id != client.client_id {
            return Err(session::invalid_session());
        }
        let named = self.find_user(pool, username).await?;
        if named.is_none_or(|u| u.sub != setup.user.sub) {
            return Err(session::invalid_session());
        }
        let now = self.clock.now();
        let sub = setup.user.sub.clone();
        let (user, carried) = self
            .modify_user(pool, &setup.user.username_key, |stored| {
                if stored.sub != sub {
                    return Err(session::invalid_session());
                }
                let mut state = UserState::of(stored);
                if !UserMfa::of(&state).totp_enabled {
                    return Err(invalid_parameter(
                        "The software token has not been verified for this session",
                    ));
                }
                if lockout::is_locked(&state, now) {
                    return Err(attempts_exceeded());
                }
                let pending = session::consume(&mut state, &setup.token, client, CHALLENGE, now)?;
                state.prune(now);
                state.save_into(stored);
                Ok(session::carried_device(&pending).map(str::to_string))
            })
            .await?;
        let device = answering_device(&user, responses.get("DEVICE_KEY"), carried.as_deref());
        let sign_in = self.sign_in_from(&user, device.as_deref());
        Ok(Outcome::authenticated(user, sign_in))
    }
}

/// The factors the pool offers, as MFAS_CAN_SETUP lists them. Only the software token is set
/// up inside the challenge; for SMS or email the client adds a phone number or an email to the
/// user and signs in again (the factor then counts as set up).
fn can_set_up(pool: &UserPool) -> Vec<&'static str> {
    let offered = PoolFactors::of(pool);
    [
        (offered.sms_enabled(), SMS),
        (offered.software_token_enabled(), SOFTWARE_TOKEN),
        (offered.email_enabled(), EMAIL),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect()
}

/// After VerifySoftwareToken inside MFA_SETUP the token is the user's factor, enabled and
/// preferred unless another is.
pub fn enable_verified_token(user: &mut User) {
    let mut state = UserState::of(user);
    let mut mfa = UserMfa::of(&state);
    mfa.totp_enabled = true;
    if mfa.preferred.is_none() {
        mfa.preferred = Some(SOFTWARE_TOKEN.to_string());
    }
    mfa.save_into(&mut state);
    state.save_into(user);
}
