//! USER_AUTH: choice-based sign-in. The user gives a name and either asks for a first factor
//! (`PREFERRED_CHALLENGE`) or is offered the ones they have: SELECT_CHALLENGE with
//! `AvailableChallenges`, answered through RespondToAuthChallenge with `ANSWER` and that
//! factor's parameters.
//!
//! The factors: PASSWORD and PASSWORD_SRP for a user with a password, run by the code of
//! USER_PASSWORD_AUTH and USER_SRP_AUTH (same checks, lockout, MFA and ending); EMAIL_OTP and
//! SMS_OTP for a verified email or phone when the pool's SignInPolicy allows them, sent and
//! answered by `otp.rs` (no MFA after a passwordless factor, as on AWS). WEB_AUTHN is never
//! offered: Cognate holds no passkeys. A preferred factor the user cannot use falls back to the
//! choice; PASSWORD or PASSWORD_SRP asked for without the password or `SRP_A` opens that
//! challenge, answered with them.
//!
//! `DEVICE_KEY` is taken as in the password flows: a confirmed device of the user named in
//! InitiateAuth rides in the sessions that follow (choice, PASSWORD / PASSWORD_SRP, a code),
//! so a remembered device gets DEVICE_SRP_AUTH after the password and the tokens are that
//! device's. A passwordless code sign-in has no MFA for a device to stand in for, but is
//! tracked like any sign-in (AWS gives a device key to every sign-in without device
//! information).
//!
//! Sessions are single use and bound to the user (`session.rs`); a choice remembers what it
//! offered, so its answer can pick nothing else. With PreventUserExistenceErrors an unknown name
//! is offered what a real user could hold (`unknown_user_factors`: the password factors and a
//! stable, server-keyed pick of the code factors the pool allows, as AWS answers unknown names
//! with challenges picked from the pool's), under a session that is a server-keyed MAC (nothing
//! is stored for a name that is no user), and fails where a real user fails on a wrong secret.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognate_awsjson::ApiError;
use cognate_crypto::secrets::{constant_time_eq, random_token};
use cognate_domain::Timestamp;
use cognate_domain::client::AppClient;
use cognate_domain::pool::UserPool;
use cognate_domain::user::User;
use cognate_model::Sensitive;
use cognate_model::idp::{AuthFactorType, ChallengeNameType, DeliveryMediumType, SignInPolicyType};
use serde_json::{Map, Value};

use super::user_password::check_account;
use super::{Outcome, Params, attempts_exceeded, incorrect_credentials, session};
use crate::Idp;
use crate::devices::{answering_device, confirmed_key};
use crate::errors::{Result, invalid_parameter};
use crate::users::delivery::mask;
use crate::users::state::{UserState, lockout};
use crate::users::{user_not_found, username_key};

/// The first factors Cognate runs, in the order recorded AWS responses list them in
/// `AvailableChallenges` (PASSWORD_SRP, PASSWORD, then the codes).
const FACTORS: [ChallengeNameType; 4] = [
    ChallengeNameType::PasswordSrp,
    ChallengeNameType::Password,
    ChallengeNameType::EmailOtp,
    ChallengeNameType::SmsOtp,
];

/// Where a choice's session keeps the factors it offered.
const OFFERED: &str = "offered";

/// Sessions last the client's AuthSessionValidity, never less than this (as `session.rs`).
const MIN_VALIDITY_MINUTES: u32 = 3;

/// Length of a session token before its expiry stamp (`session.rs`: 64 random bytes, base64).
const TOKEN_BODY_LEN: usize = 86;
const NONCE_LEN: usize = 43;

/// The pool's SignInPolicy `AllowedFirstAuthFactors` (AWS's default: PASSWORD only).
pub fn allowed_first_factors(pool: &UserPool) -> Vec<AuthFactorType> {
    pool.settings
        .get("SignInPolicy")
        .and_then(|value| serde_json::from_value::<SignInPolicyType>(value.clone()).ok())
        .and_then(|policy| policy.allowed_first_auth_factors)
        .unwrap_or_else(|| vec![AuthFactorType::Password])
}

/// Whether the pool lets `factor` start a sign-in. A password always may.
fn pool_allows(allowed: &[AuthFactorType], factor: ChallengeNameType) -> bool {
    match factor {
        ChallengeNameType::Password | ChallengeNameType::PasswordSrp => true,
        ChallengeNameType::EmailOtp => allowed.contains(&AuthFactorType::EmailOtp),
        ChallengeNameType::SmsOtp => allowed.contains(&AuthFactorType::SmsOtp),
        _ => false,
    }
}

/// Whether `user` holds what `factor` needs: a password, a verified email or phone.
fn user_has(user: &User, factor: ChallengeNameType) -> bool {
    match factor {
        ChallengeNameType::Password | ChallengeNameType::PasswordSrp => user.password.is_some(),
        ChallengeNameType::EmailOtp => verified(user, "email"),
        ChallengeNameType::SmsOtp => verified(user, "phone_number"),
        _ => false,
    }
}

fn verified(user: &User, attribute: &str) -> bool {
    user.attributes.contains_key(attribute)
        && user
            .attributes
            .get(&format!("{attribute}_verified"))
            .is_some_and(|value| value == "true")
}

/// The factors a sign-in of `user` may use.
pub fn available_factors(pool: &UserPool, user: &User) -> Vec<ChallengeNameType> {
    pool_factors(pool)
        .into_iter()
        .filter(|factor| user_has(user, *factor))
        .collect()
}

/// Every first factor the pool allows.
fn pool_factors(pool: &UserPool) -> Vec<ChallengeNameType> {
    let allowed = allowed_first_factors(pool);
    FACTORS
        .into_iter()
        .filter(|factor| pool_allows(&allowed, *factor))
        .collect()
}

/// The factors `user` could sign in with through USER_AUTH, as GetUserAuthFactors lists them.
pub fn configured_factors(pool: &UserPool, user: &User) -> Vec<AuthFactorType> {
    let available = available_factors(pool, user);
    [
        (ChallengeNameType::Password, AuthFactorType::Password),
        (ChallengeNameType::EmailOtp, AuthFactorType::EmailOtp),
        (ChallengeNameType::SmsOtp, AuthFactorType::SmsOtp),
    ]
    .into_iter()
    .filter(|(challenge, _)| available.contains(challenge))
    .map(|(_, factor)| factor)
    .collect()
}

/// A factor named in `PREFERRED_CHALLENGE` or `ANSWER`.
fn factor_named(name: &str, member: &str) -> Result<ChallengeNameType> {
    match name {
        "PASSWORD" => Ok(ChallengeNameType::Password),
        "PASSWORD_SRP" => Ok(ChallengeNameType::PasswordSrp),
        "EMAIL_OTP" => Ok(ChallengeNameType::EmailOtp),
        "SMS_OTP" => Ok(ChallengeNameType::SmsOtp),
        "WEB_AUTHN" => Ok(ChallengeNameType::WebAuthn),
        _ => Err(invalid_parameter(format!(
            "Invalid {member}: {name} is not a first authentication factor"
        ))),
    }
}

fn not_available(factor: ChallengeNameType) -> ApiError {
    invalid_parameter(format!(
        "The {factor} challenge is not available for the user"
    ))
}

fn offer(next: Outcome, available: Vec<ChallengeNameType>) -> Outcome {
    Outcome::Offer {
        next: Box::new(next),
        available,
    }
}

fn challenge(name: ChallengeNameType, session: String) -> Outcome {
    Outcome::Challenge {
        name,
        session,
        parameters: BTreeMap::new(),
    }
}

/// A parameter given and not empty.
fn given<'a>(params: &Params<'a>, name: &str) -> Option<&'a str> {
    params.get(name).filter(|value| !value.is_empty())
}

impl Idp {
    /// InitiateAuth / AdminInitiateAuth USER_AUTH.
    pub(crate) async fn user_auth_sign_in(
        &self,
        pool: &UserPool,
        client: &AppClient,
        params: &Params<'_>,
    ) -> Result<Outcome> {
        let username = params.required("USERNAME")?;
        self.check_secret_hash(client, username, params.get("SECRET_HASH"))?;
        let preferred = given(params, "PREFERRED_CHALLENGE")
            .map(|name| factor_named(name, "PREFERRED_CHALLENGE"))
            .transpose()?;
        // With its secret in the request a password factor is the ordinary flow, unknown
        // users, lockout and all.
        match preferred {
            Some(ChallengeNameType::Password) if given(params, "PASSWORD").is_some() => {
                return self.password_sign_in(pool, client, params).await;
            }
            Some(ChallengeNameType::PasswordSrp) if given(params, "SRP_A").is_some() => {
                return self.srp_sign_in(pool, client, params).await;
            }
            _ => {}
        }
        let now = self.clock.now();
        let Some(user) = self.find_user(pool, username).await? else {
            return self.unknown_user_start(pool, client, username, preferred, now);
        };
        let offered = available_factors(pool, &user);
        // The steps that follow keep the device in their sessions, for an answer without it.
        let device = confirmed_key(&user, params.get("DEVICE_KEY"));
        let device_key = device.as_deref();
        let next = match preferred.filter(|factor| offered.contains(factor)) {
            Some(factor) => {
                self.start_factor(pool, client, &user, (factor, device_key), now)
                    .await?
            }
            None => {
                self.choice_challenge(pool, client, &user, (&offered, device_key), now)
                    .await?
            }
        };
        Ok(offer(next, offered))
    }

    /// SELECT_CHALLENGE for `user`, its session remembering what was offered.
    async fn choice_challenge(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        (offered, device_key): (&[ChallengeNameType], Option<&str>),
        now: Timestamp,
    ) -> Result<Outcome> {
        let names = offered.iter().map(|f| Value::from(f.as_str())).collect();
        let data = Map::from_iter([(OFFERED.to_string(), Value::Array(names))]);
        let data = session::with_device(data, device_key);
        let label = ChallengeNameType::SelectChallenge;
        let token = self
            .open_session(
                (pool, client, user),
                label.as_str(),
                data,
                now,
                incorrect_credentials,
            )
            .await?;
        Ok(challenge(label, token))
    }

    /// USER_AUTH for a name that is no user: `UserNotFoundException`, or (preventing
    /// user-existence errors) what a user holding every factor the pool allows would get.
    fn unknown_user_start(
        &self,
        pool: &UserPool,
        client: &AppClient,
        username: &str,
        preferred: Option<ChallengeNameType>,
        now: Timestamp,
    ) -> Result<Outcome> {
        if !client.prevent_user_existence_errors {
            return Err(user_not_found());
        }
        let offered = self.unknown_user_factors(pool, username);
        let factor = preferred
            .filter(|factor| offered.contains(factor))
            .unwrap_or(ChallengeNameType::SelectChallenge);
        let next = self.unknown_user_factor(pool, client, username, factor, now);
        Ok(offer(next, offered))
    }

    /// RespondToAuthChallenge SELECT_CHALLENGE (the factor in `ANSWER`), or PASSWORD /
    /// PASSWORD_SRP after a preference without its secret: the session is used up, then the
    /// factor runs with the responses as its parameters.
    pub(crate) async fn answer_user_auth(
        &self,
        pool: &UserPool,
        client: &AppClient,
        answered: &ChallengeNameType,
        session_token: Option<&str>,
        responses: &Params<'_>,
    ) -> Result<Outcome> {
        let username = responses.required("USERNAME")?;
        self.check_secret_hash(client, username, responses.get("SECRET_HASH"))?;
        let token = session::required(session_token)?;
        let factor = match answered {
            ChallengeNameType::SelectChallenge => {
                factor_named(responses.required("ANSWER")?, "ANSWER")?
            }
            other => *other,
        };
        // What the factor needs, checked before the session is used up.
        match factor {
            ChallengeNameType::Password => {
                responses.required("PASSWORD")?;
            }
            ChallengeNameType::PasswordSrp => {
                responses.required("SRP_A")?;
            }
            _ => {}
        }
        let now = self.clock.now();
        let Some(user) = self.find_user(pool, username).await? else {
            if !client.prevent_user_existence_errors {
                return Err(user_not_found());
            }
            self.check_unknown_session(pool, client, username, *answered, token, now)?;
            if !self.unknown_user_factors(pool, username).contains(&factor) {
                return Err(not_available(factor));
            }
            return self
                .unknown_user_answer(pool, client, username, factor, responses, now)
                .await;
        };
        let label = answered.as_str();
        let state = UserState::of(&user);
        let stored = session::find(&state, token, client, label, now)?;
        if *answered == ChallengeNameType::SelectChallenge && !was_offered(&stored.data, factor) {
            return Err(not_available(factor));
        }
        let carried = session::carried_device(stored);
        let device = answering_device(&user, responses.get("DEVICE_KEY"), carried);
        self.use_session(pool, client, &user, token, label, now)
            .await?;
        // The factor reads the device key from its parameters, as in InitiateAuth.
        let with_device = with_device_key(responses, device.as_deref());
        let params = Params(with_device.as_ref().or(responses.0), responses.1);
        self.run_factor(
            pool,
            client,
            &user,
            (factor, device.as_deref()),
            &params,
            now,
        )
        .await
    }

    /// The chosen factor with its parameters: tokens (or the MFA that follows a password), the
    /// PASSWORD_VERIFIER challenge, or a code sent.
    async fn run_factor(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        (factor, device_key): (ChallengeNameType, Option<&str>),
        params: &Params<'_>,
        now: Timestamp,
    ) -> Result<Outcome> {
        match factor {
            ChallengeNameType::Password => self.password_sign_in(pool, client, params).await,
            ChallengeNameType::PasswordSrp => self.srp_sign_in(pool, client, params).await,
            _ => {
                self.start_factor(pool, client, user, (factor, device_key), now)
                    .await
            }
        }
    }

    /// The challenge that asks for `factor`: PASSWORD or PASSWORD_SRP with a session to answer
    /// with the secret, or the code of EMAIL_OTP / SMS_OTP sent. Its session carries the
    /// sign-in's confirmed device key.
    async fn start_factor(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        (factor, device_key): (ChallengeNameType, Option<&str>),
        now: Timestamp,
    ) -> Result<Outcome> {
        match factor {
            ChallengeNameType::Password | ChallengeNameType::PasswordSrp => {
                let data = session::with_device(Map::new(), device_key);
                let token = self
                    .open_session(
                        (pool, client, user),
                        factor.as_str(),
                        data,
                        now,
                        incorrect_credentials,
                    )
                    .await?;
                Ok(challenge(factor, token))
            }
            ChallengeNameType::EmailOtp | ChallengeNameType::SmsOtp => {
                // No code for an account that could not sign in anyway.
                if lockout::is_locked(&UserState::of(user), now) {
                    return Err(attempts_exceeded());
                }
                check_account(self, pool, user, now)?;
                self.otp_challenge(pool, client, user, (factor, device_key), now)
                    .await
            }
            other => Err(not_available(other)),
        }
    }

    /// Uses the session up (one write): a parallel answer with the same session loses here.
    async fn use_session(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        token: &str,
        label: &str,
        now: Timestamp,
    ) -> Result<()> {
        let sub = user.sub.clone();
        self.modify_user(pool, &user.username_key, |stored| {
            if stored.sub != sub {
                return Err(session::invalid_session());
            }
            let mut state = UserState::of(stored);
            session::consume(&mut state, token, client, label, now)?;
            state.prune(now);
            state.save_into(stored);
            Ok(())
        })
        .await?;
        Ok(())
    }

    /// What a name that is no user gets for `factor`: a session that cannot succeed, or (for
    /// a code) a challenge that looks sent.
    fn unknown_user_factor(
        &self,
        pool: &UserPool,
        client: &AppClient,
        username: &str,
        factor: ChallengeNameType,
        now: Timestamp,
    ) -> Outcome {
        let token = self.unknown_session(pool, client, username, factor, now);
        let medium = match factor {
            ChallengeNameType::EmailOtp => DeliveryMediumType::Email,
            ChallengeNameType::SmsOtp => DeliveryMediumType::Sms,
            _ => return challenge(factor, token),
        };
        Outcome::Challenge {
            name: factor,
            session: token,
            // A name that is no user gets what a user signing in by username would.
            parameters: super::naming_user(
                username,
                &[
                    ("CODE_DELIVERY_DELIVERY_MEDIUM", medium.as_str().to_string()),
                    (
                        "CODE_DELIVERY_DESTINATION",
                        plausible_destination(username, medium),
                    ),
                ],
            ),
        }
    }

    /// The answer of a name that is no user: a wrong password's (after a real-cost hash), the
    /// derived SRP challenge that fails at its proof, or a code challenge no code answers.
    async fn unknown_user_answer(
        &self,
        pool: &UserPool,
        client: &AppClient,
        username: &str,
        factor: ChallengeNameType,
        responses: &Params<'_>,
        now: Timestamp,
    ) -> Result<Outcome> {
        match factor {
            ChallengeNameType::Password => {
                self.dummy_verify(responses.required("PASSWORD")?).await;
                Err(incorrect_credentials())
            }
            ChallengeNameType::PasswordSrp => self.srp_sign_in(pool, client, responses).await,
            _ => Ok(self.unknown_user_factor(pool, client, username, factor, now)),
        }
    }

    /// A session for a name that is no user: a nonce and a server-keyed MAC over the pool,
    /// client, name, challenge and expiry, shaped like a real one.
    fn unknown_session(
        &self,
        pool: &UserPool,
        client: &AppClient,
        username: &str,
        label: ChallengeNameType,
        now: Timestamp,
    ) -> String {
        let minutes = client
            .auth_session_validity_minutes
            .max(MIN_VALIDITY_MINUTES);
        let expires_at = now.plus_secs(i64::from(minutes) * 60).millis();
        let nonce = random_token(32);
        let key = username_key(pool, username);
        let mac = self.unknown_session_mac(pool, client, &key, label, &nonce, expires_at);
        format!("{nonce}{mac}.{expires_at}")
    }

    fn unknown_session_mac(
        &self,
        pool: &UserPool,
        client: &AppClient,
        key: &str,
        label: ChallengeNameType,
        nonce: &str,
        expires_at: i64,
    ) -> String {
        let data = format!(
            "{}/{}/{key}/{label}/{nonce}/{expires_at}",
            pool.id.as_str(),
            client.client_id.as_str()
        );
        URL_SAFE_NO_PAD.encode(
            self.seal
                .keyed_hash("user-auth-unknown-session", data.as_bytes()),
        )
    }

    /// The factors offered to a name that is no user, shaped like a real user's: the password
    /// factors, and each code factor the pool allows when the name is an address of its medium
    /// or a server-keyed bit of the name says so. The pick is stable for a name, so asking
    /// twice cannot tell a name that is no user (a random pick would change) from a real one
    /// without a verified email or phone (which an "every factor" list would give away).
    fn unknown_user_factors(&self, pool: &UserPool, username: &str) -> Vec<ChallengeNameType> {
        let key = username_key(pool, username);
        let data = format!("{}/{key}", pool.id.as_str());
        let bits = self
            .seal
            .keyed_hash("user-auth-unknown-factors", data.as_bytes())[0];
        pool_factors(pool)
            .into_iter()
            .filter(|factor| match factor {
                ChallengeNameType::EmailOtp => username.contains('@') || bits & 1 == 1,
                ChallengeNameType::SmsOtp => username.starts_with('+') || bits & 2 == 2,
                _ => true,
            })
            .collect()
    }

    /// Checks a session handed to a name that is no user, with the errors of a real one.
    pub(super) fn check_unknown_session(
        &self,
        pool: &UserPool,
        client: &AppClient,
        username: &str,
        label: ChallengeNameType,
        token: &str,
        now: Timestamp,
    ) -> Result<()> {
        let (body, stamp) = token
            .rsplit_once('.')
            .ok_or_else(session::invalid_session)?;
        let expires_at: i64 = stamp.parse().map_err(|_| session::invalid_session())?;
        if body.len() != TOKEN_BODY_LEN || !body.is_char_boundary(NONCE_LEN) {
            return Err(session::invalid_session());
        }
        let (nonce, mac) = body.split_at(NONCE_LEN);
        let key = username_key(pool, username);
        let expected = self.unknown_session_mac(pool, client, &key, label, nonce, expires_at);
        if !constant_time_eq(expected.as_bytes(), mac.as_bytes()) {
            return Err(session::invalid_session());
        }
        if expires_at <= now.millis() {
            return Err(session::expired_session());
        }
        Ok(())
    }
}

/// The answer's parameters with `device_key` as DEVICE_KEY, when it is not already the one
/// they give; `None` when they can be used as they are.
fn with_device_key(
    responses: &Params<'_>,
    device_key: Option<&str>,
) -> Option<BTreeMap<String, Sensitive>> {
    let key = device_key.filter(|key| responses.get("DEVICE_KEY") != Some(*key))?;
    let mut params = responses.0.cloned().unwrap_or_default();
    params.insert("DEVICE_KEY".to_string(), Sensitive::from(key.to_string()));
    Some(params)
}

/// Whether a choice's session offered `factor`.
fn was_offered(data: &Map<String, Value>, factor: ChallengeNameType) -> bool {
    data.get(OFFERED)
        .and_then(Value::as_array)
        .is_some_and(|names| {
            names
                .iter()
                .any(|name| name.as_str() == Some(factor.as_str()))
        })
}

/// A masked destination for a name that is no user: the name itself when it is an address of
/// the medium, else a placeholder of the same shape.
fn plausible_destination(username: &str, medium: DeliveryMediumType) -> String {
    let looks_right = match medium {
        DeliveryMediumType::Email => username.contains('@'),
        _ => username.starts_with('+'),
    };
    let address = match (looks_right, medium) {
        (true, _) => username,
        (false, DeliveryMediumType::Email) => "n@e",
        (false, _) => "+10000000000",
    };
    mask(address, medium)
}
