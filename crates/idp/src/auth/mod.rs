//! Sign-in: the auth flows of InitiateAuth / AdminInitiateAuth, the challenges answered with
//! RespondToAuthChallenge, token refresh and revocation. One module per flow; what they share
//! (parameters, flow gating, outcomes, Cognito's sign-in errors) is here.
//!

pub mod client_secret;
pub mod custom;
pub mod device;
pub mod hosted;
pub mod mfa;
pub mod mfa_setup;
pub mod new_password;
pub mod otp;
pub mod refresh;
pub mod revoke;
pub mod session;
pub mod srp;
mod srp_time;
pub mod user_auth;
pub mod user_password;

use std::collections::BTreeMap;

use cognate_awsjson::ApiError;
use cognate_domain::client::AppClient;
use cognate_domain::pool::UserPool;
use cognate_domain::user::User;
use cognate_model::Sensitive;
use cognate_model::idp::{AuthFlowType, AuthenticationResultType, ChallengeNameType, ErrorCode};

use crate::Idp;
use crate::errors::{Result, invalid_parameter};
use crate::tokens::{Refresh, SignIn, not_authorized};
pub use crate::users::lifecycle::user_disabled;

/// Which API a flow came through: some flows belong to one of them only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// InitiateAuth / RespondToAuthChallenge: public, client-side.
    Client,
    /// AdminInitiateAuth / AdminRespondToAuthChallenge: server-side, IAM-authorised.
    Admin,
}

/// What a sign-in step ends with: tokens, the authenticated user, or the next challenge.
#[derive(Debug)]
pub enum Outcome {
    Tokens(AuthenticationResultType),
    /// Every challenge is passed. The user-pool API turns this into tokens as its last step
    /// (`initiate` and `respond` do); the hosted pages keep it in their session instead and
    /// issue tokens once, at the token endpoint, so token triggers fire once per sign-in.
    Authenticated(Box<Authenticated>),
    Challenge {
        name: ChallengeNameType,
        session: String,
        parameters: BTreeMap<String, String>,
    },
    /// A choice-based sign-in's challenge with the first factors the user may pick from
    /// (InitiateAuth's `AvailableChallenges`).
    Offer {
        next: Box<Outcome>,
        available: Vec<ChallengeNameType>,
    },
}

/// Who signed in and how: what tokens for the sign-in are issued from.
#[derive(Debug)]
pub struct Authenticated {
    pub user: User,
    pub sign_in: SignIn,
}

impl Outcome {
    pub(crate) fn authenticated(user: User, sign_in: SignIn) -> Self {
        Self::Authenticated(Box::new(Authenticated { user, sign_in }))
    }
}

/// The response members every auth operation shares, in the order of their wire shape.
pub struct Reply {
    pub challenge_name: Option<ChallengeNameType>,
    pub session: Option<Sensitive>,
    pub challenge_parameters: Option<BTreeMap<String, String>>,
    pub authentication_result: Option<AuthenticationResultType>,
    pub available_challenges: Option<Vec<ChallengeNameType>>,
}

impl TryFrom<Outcome> for Reply {
    type Error = ApiError;

    /// `initiate` and `respond` never end in `Authenticated`: reaching it here is a bug.
    fn try_from(outcome: Outcome) -> Result<Self> {
        Ok(match outcome {
            Outcome::Authenticated(_) => {
                tracing::error!("a sign-in ended without its tokens being issued");
                return Err(ApiError::internal());
            }
            // AWS sends an empty ChallengeParameters map beside the tokens.
            Outcome::Tokens(result) => Self {
                challenge_name: None,
                session: None,
                challenge_parameters: Some(BTreeMap::new()),
                authentication_result: Some(result),
                available_challenges: None,
            },
            Outcome::Challenge {
                name,
                session,
                parameters,
            } => Self {
                challenge_name: Some(name),
                // PASSWORD_VERIFIER has none: its SECRET_BLOCK is the session, as on AWS.
                session: (!session.is_empty()).then(|| session.into()),
                challenge_parameters: Some(parameters),
                authentication_result: None,
                available_challenges: None,
            },
            Outcome::Offer { next, available } => Self {
                available_challenges: Some(available),
                ..Self::try_from(*next)?
            },
        })
    }
}

/// The parameters of a challenge that names a known user, as AWS sends them: `USER_ID_FOR_SRP`
/// (the username, not the alias signed in with) beside the challenge's own. Clients rely on it:
/// Amplify files a remembered device's key under this name.
pub fn naming_user(username: &str, own: &[(&str, String)]) -> BTreeMap<String, String> {
    own.iter()
        .map(|(name, value)| (name.to_string(), value.clone()))
        .chain([("USER_ID_FOR_SRP".to_string(), username.to_string())])
        .collect()
}

/// AuthParameters or ChallengeResponses as given, with the request's ClientMetadata.
pub struct Params<'a>(
    pub Option<&'a BTreeMap<String, Sensitive>>,
    pub Option<&'a BTreeMap<String, String>>,
);

impl<'a> Params<'a> {
    /// The request's ClientMetadata (InitiateAuth's reaches pre authentication and user
    /// migration as `validationData`; RespondToAuthChallenge's the custom auth triggers).
    pub fn client_metadata(&self) -> Option<&'a BTreeMap<String, String>> {
        self.1
    }

    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.0.and_then(|map| map.get(name)).map(Sensitive::expose)
    }

    /// A parameter the flow cannot do without.
    pub fn required(&self, name: &str) -> Result<&'a str> {
        self.get(name)
            .filter(|value| !value.is_empty())
            .ok_or_else(|| invalid_parameter(format!("Missing required parameter {name}")))
    }

    /// The `userAttributes.<name>` answers of a NEW_PASSWORD_REQUIRED response, as (name, value).
    pub fn user_attributes(&self) -> Vec<(String, String)> {
        self.0
            .into_iter()
            .flatten()
            .filter_map(|(key, value)| {
                key.strip_prefix("userAttributes.")
                    .map(|name| (name.to_string(), value.expose().to_string()))
            })
            .collect()
    }
}

impl Idp {
    /// Runs `flow` for `client` of `pool`: the dispatch behind InitiateAuth and
    /// AdminInitiateAuth (which differ only in the flows they accept).
    pub async fn initiate(
        &self,
        api: Api,
        pool: &UserPool,
        client: &AppClient,
        flow: &AuthFlowType,
        params: Params<'_>,
    ) -> Result<Outcome> {
        check_flow(api, client, flow)?;
        let outcome = match flow {
            AuthFlowType::UserPasswordAuth
            | AuthFlowType::AdminUserPasswordAuth
            | AuthFlowType::AdminNoSrpAuth => self.password_sign_in(pool, client, &params).await,
            AuthFlowType::RefreshTokenAuth | AuthFlowType::RefreshToken => {
                if client
                    .refresh_token_rotation
                    .as_ref()
                    .is_some_and(|r| r.enabled)
                {
                    return Err(invalid_parameter(
                        "Refresh token rotation is enabled for this client: use GetTokensFromRefreshToken",
                    ));
                }
                let proof = refresh::Proof::SecretHash(params.get("SECRET_HASH"));
                let token = params.required("REFRESH_TOKEN")?;
                let via = refresh::Via::InitiateAuth;
                let device_key = params.get("DEVICE_KEY");
                let result = self
                    .refresh(pool, client, token, device_key, proof, via)
                    .await?;
                Ok(Outcome::Tokens(result))
            }
            AuthFlowType::UserSrpAuth => self.srp_sign_in(pool, client, &params).await,
            AuthFlowType::UserAuth => self.user_auth_sign_in(pool, client, &params).await,
            AuthFlowType::CustomAuth => self.custom_sign_in(pool, client, &params).await,
        }?;
        self.issue_if_authenticated(pool, client, outcome).await
    }

    /// Tokens for a sign-in that ended authenticated; any other outcome as it is.
    async fn issue_if_authenticated(
        &self,
        pool: &UserPool,
        client: &AppClient,
        outcome: Outcome,
    ) -> Result<Outcome> {
        let Outcome::Authenticated(done) = outcome else {
            return Ok(outcome);
        };
        let result = self
            .issue_tokens(pool, client, &done.user, &done.sign_in, Refresh::New)
            .await?;
        Ok(Outcome::Tokens(result))
    }
}

impl Idp {
    /// Answers `challenge` with its session: the dispatch behind RespondToAuthChallenge and
    /// AdminRespondToAuthChallenge.
    pub async fn respond(
        &self,
        pool: &UserPool,
        client: &AppClient,
        challenge: &ChallengeNameType,
        session: Option<&str>,
        responses: Params<'_>,
    ) -> Result<Outcome> {
        let outcome = self
            .answer(pool, client, challenge, session, responses)
            .await?;
        self.issue_if_authenticated(pool, client, outcome).await
    }

    /// The answer to a challenge, ending `Authenticated` rather than in tokens.
    pub(crate) async fn answer(
        &self,
        pool: &UserPool,
        client: &AppClient,
        challenge: &ChallengeNameType,
        session: Option<&str>,
        responses: Params<'_>,
    ) -> Result<Outcome> {
        match challenge {
            ChallengeNameType::NewPasswordRequired => {
                self.answer_new_password(pool, client, session, &responses)
                    .await
            }
            ChallengeNameType::SoftwareTokenMfa => {
                self.answer_software_token(pool, client, session, &responses)
                    .await
            }
            ChallengeNameType::MfaSetup => {
                self.answer_mfa_setup(pool, client, session, &responses)
                    .await
            }
            ChallengeNameType::SelectMfaType => {
                self.answer_select_mfa_type(pool, client, session, &responses)
                    .await
            }
            ChallengeNameType::SmsMfa | ChallengeNameType::EmailOtp | ChallengeNameType::SmsOtp => {
                self.answer_otp(pool, client, challenge, session, &responses)
                    .await
            }
            ChallengeNameType::DeviceSrpAuth => {
                self.answer_device_srp_auth(pool, client, session, &responses)
                    .await
            }
            ChallengeNameType::DevicePasswordVerifier => {
                self.answer_device_password_verifier(pool, client, session, &responses)
                    .await
            }
            ChallengeNameType::SelectChallenge
            | ChallengeNameType::Password
            | ChallengeNameType::PasswordSrp => {
                self.answer_user_auth(pool, client, challenge, session, &responses)
                    .await
            }
            ChallengeNameType::CustomChallenge => {
                self.answer_custom_challenge(pool, client, session, &responses)
                    .await
            }
            ChallengeNameType::PasswordVerifier => {
                self.answer_password_verifier(pool, client, &responses)
                    .await
            }
            other => Err(ErrorCode::UnsupportedOperationException.msg(format!(
                "The {other} challenge is not supported by Cognate yet"
            ))),
        }
    }
}

/// Refuses flows of the other API and flows the client does not enable, with AWS's messages.
pub(crate) fn check_flow(api: Api, client: &AppClient, flow: &AuthFlowType) -> Result<()> {
    let wrong_api = matches!(
        (api, flow),
        (
            Api::Client,
            AuthFlowType::AdminUserPasswordAuth | AuthFlowType::AdminNoSrpAuth
        ) | (Api::Admin, AuthFlowType::UserPasswordAuth)
    );
    if wrong_api {
        return Err(invalid_parameter("Initiate Auth method not supported."));
    }
    if flow_enabled(client, flow) {
        return Ok(());
    }
    Err(invalid_parameter(match flow {
        AuthFlowType::UserPasswordAuth => "USER_PASSWORD_AUTH flow not enabled for this client",
        AuthFlowType::AdminUserPasswordAuth | AuthFlowType::AdminNoSrpAuth => {
            "Auth flow not enabled for this client"
        }
        AuthFlowType::RefreshTokenAuth | AuthFlowType::RefreshToken => {
            "Refresh Token flow not enabled for this client"
        }
        AuthFlowType::UserSrpAuth => "USER_SRP_AUTH is not enabled for the client.",
        AuthFlowType::CustomAuth => "Custom auth flow not enabled for this client",
        AuthFlowType::UserAuth => "USER_AUTH flow not enabled for this client",
    }))
}

/// Whether the client's ExplicitAuthFlows allow `flow`. Legacy lists (no `ALLOW_` values)
/// always allowed SRP and refresh; `CUSTOM_AUTH_FLOW_ONLY` allows custom auth only.
pub fn flow_enabled(client: &AppClient, flow: &AuthFlowType) -> bool {
    let legacy = !client
        .explicit_auth_flows
        .iter()
        .any(|f| f.starts_with("ALLOW_"));
    let has = |name: &str| client.allows_flow(name);
    if legacy {
        let custom_only = has("CUSTOM_AUTH_FLOW_ONLY");
        return match flow {
            AuthFlowType::UserPasswordAuth => has("USER_PASSWORD_AUTH") && !custom_only,
            AuthFlowType::AdminUserPasswordAuth | AuthFlowType::AdminNoSrpAuth => {
                has("ADMIN_NO_SRP_AUTH") && !custom_only
            }
            AuthFlowType::UserSrpAuth => !custom_only,
            AuthFlowType::RefreshTokenAuth | AuthFlowType::RefreshToken => true,
            AuthFlowType::CustomAuth => true,
            AuthFlowType::UserAuth => false,
        };
    }
    match flow {
        AuthFlowType::UserPasswordAuth => has("ALLOW_USER_PASSWORD_AUTH"),
        AuthFlowType::AdminUserPasswordAuth | AuthFlowType::AdminNoSrpAuth => {
            has("ALLOW_ADMIN_USER_PASSWORD_AUTH")
        }
        AuthFlowType::UserSrpAuth => has("ALLOW_USER_SRP_AUTH"),
        AuthFlowType::RefreshTokenAuth | AuthFlowType::RefreshToken => {
            has("ALLOW_REFRESH_TOKEN_AUTH")
        }
        AuthFlowType::CustomAuth => has("ALLOW_CUSTOM_AUTH"),
        AuthFlowType::UserAuth => has("ALLOW_USER_AUTH"),
    }
}

/// The answer to a wrong password, and (PreventUserExistenceErrors) to an unknown user.
pub fn incorrect_credentials() -> ApiError {
    not_authorized("Incorrect username or password.")
}

pub fn attempts_exceeded() -> ApiError {
    not_authorized("Password attempts exceeded")
}
