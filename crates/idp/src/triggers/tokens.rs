//! Pre token generation (V1_0, V2_0, V3_0) on every token-issuing path, and post
//! authentication after a full sign-in.

use cognate_domain::client::AppClient;
use cognate_domain::pool::UserPool;
use cognate_domain::user::User;
use cognate_lambda::TriggerCall;
use cognate_lambda::events::Trigger;
use cognate_lambda::events::post_authentication::{self, PostAuthentication};
use cognate_lambda::events::pre_token_generation::{
    self as pre_token, GroupConfiguration, PreTokenGeneration, TokenGeneration,
};
use cognate_model::idp::ErrorCode;
use serde_json::{Map, Value, json};

use super::{function, user_attributes};
use crate::Idp;
use crate::errors::Result;
use crate::tokens::TokenGroups;

/// Which path issues the tokens: the `TokenGeneration_*` source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TokenSource {
    #[default]
    Authentication,
    NewPasswordChallenge,
    AuthenticateDevice,
    RefreshTokens,
    /// A sign-in on the hosted pages (the authorization code and implicit grants).
    HostedAuth,
}

impl TokenSource {
    fn trigger_source(self) -> &'static str {
        match self {
            Self::Authentication => "TokenGeneration_Authentication",
            Self::NewPasswordChallenge => "TokenGeneration_NewPasswordChallenge",
            Self::AuthenticateDevice => "TokenGeneration_AuthenticateDevice",
            Self::RefreshTokens => "TokenGeneration_RefreshTokens",
            Self::HostedAuth => "TokenGeneration_HostedAuth",
        }
    }
}

/// Claims a function may neither add, override nor suppress (Cognito Developer Guide, pre
/// token generation): a response touching one is refused.
const PROTECTED_CLAIMS: &[&str] = &[
    "acr",
    "amr",
    "aud",
    "at_hash",
    "auth_time",
    "azp",
    "c_hash",
    "client_id",
    "cognito:username",
    "device_key",
    "event_id",
    "exp",
    "iat",
    "identities",
    "iss",
    "jti",
    "nbf",
    "nonce",
    "origin_jti",
    "scope",
    "sub",
    "token_use",
    "username",
    "version",
    "cognito:groups",
    "cognito:roles",
    "cognito:preferred_role",
];

/// What a pre token generation function asked for, to apply to the claim sets.
#[derive(Debug, Default)]
pub struct TokenShape {
    id: Option<TokenGeneration>,
    access: Option<TokenGeneration>,
}

impl Idp {
    /// Invokes the pool's pre token generation function, if any: group overrides change
    /// `groups`; the claim and scope changes come back as a `TokenShape`.
    pub(crate) async fn pre_token_generation(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        source: TokenSource,
        groups: &mut TokenGroups,
    ) -> Result<TokenShape> {
        let Some((arn, version)) = pre_token_function(pool) else {
            return Ok(TokenShape::default());
        };
        let call = TriggerCall {
            function: &arn,
            source: source.trigger_source(),
            version,
            pool_id: pool.id.as_str(),
            user_name: &user.username,
            client_id: Some(client.client_id.as_str()),
        };
        let request = pre_token::Request {
            user_attributes: user_attributes(user),
            group_configuration: GroupConfiguration {
                groups_to_override: Some(groups.groups.clone()),
                iam_roles_to_override: Some(groups.roles.clone()),
                preferred_role: groups.preferred_role.clone(),
            },
            scopes: (version != "1").then(|| vec![crate::tokens::ADMIN_SCOPE.to_string()]),
            client_metadata: None,
        };
        let response = self
            .invoke_trigger::<PreTokenGeneration>(call, &request)
            .await?;
        let (shape, group_override) = if version == "1" {
            let details = response.claims_override_details.unwrap_or_default();
            let id = TokenGeneration {
                claims_to_add_or_override: details.claims_to_add_or_override,
                claims_to_suppress: details.claims_to_suppress,
                ..TokenGeneration::default()
            };
            check_v1_values(&id)?;
            let shape = TokenShape {
                id: Some(id),
                access: None,
            };
            (shape, details.group_override_details)
        } else {
            let details = response
                .claims_and_scope_override_details
                .unwrap_or_default();
            let shape = TokenShape {
                id: details.id_token_generation,
                access: details.access_token_generation,
            };
            (shape, details.group_override_details)
        };
        for generation in shape.id.iter().chain(shape.access.iter()) {
            check_protected(generation)?;
        }
        if let Some(groups_override) = group_override {
            apply_groups(groups, groups_override);
        }
        Ok(shape)
    }

    /// Invokes the pool's post authentication function after a full sign-in.
    pub(crate) async fn post_authentication(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        new_device_used: bool,
    ) -> Result<()> {
        let Some(arn) = function(pool, PostAuthentication::NAME) else {
            return Ok(());
        };
        let call = TriggerCall {
            function: &arn,
            source: "PostAuthentication_Authentication",
            version: "1",
            pool_id: pool.id.as_str(),
            user_name: &user.username,
            client_id: Some(client.client_id.as_str()),
        };
        let request = post_authentication::Request {
            user_attributes: user_attributes(user),
            new_device_used,
            client_metadata: None,
        };
        self.invoke_trigger::<PostAuthentication>(call, &request)
            .await
            .map(|_| ())
    }
}

impl TokenShape {
    /// Applies the function's changes: added or overridden claims, then suppressed ones (a
    /// claim both added and suppressed is suppressed), then the access token's scopes.
    pub fn apply(&self, id: &mut Map<String, Value>, access: &mut Map<String, Value>) {
        if let Some(generation) = &self.id {
            apply_claims(generation, id);
        }
        if let Some(generation) = &self.access {
            apply_claims(generation, access);
            let mut scopes: Vec<String> = access
                .get("scope")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_string)
                .collect();
            for scope in generation.scopes_to_add.iter().flatten() {
                if !scopes.contains(scope) {
                    scopes.push(scope.clone());
                }
            }
            let suppress = generation.scopes_to_suppress.clone().unwrap_or_default();
            scopes.retain(|s| !suppress.contains(s));
            access.insert("scope".into(), json!(scopes.join(" ")));
        }
    }
}

fn apply_claims(generation: &TokenGeneration, claims: &mut Map<String, Value>) {
    for (name, value) in generation.claims_to_add_or_override.iter().flatten() {
        claims.insert(name.clone(), value.clone());
    }
    for name in generation.claims_to_suppress.iter().flatten() {
        claims.remove(name);
    }
}

fn apply_groups(groups: &mut TokenGroups, given: GroupConfiguration) {
    if let Some(names) = given.groups_to_override {
        groups.groups = names;
    }
    if let Some(roles) = given.iam_roles_to_override {
        groups.roles = roles;
    }
    if given.preferred_role.is_some() {
        groups.preferred_role = given.preferred_role;
    }
}

fn check_protected(generation: &TokenGeneration) -> Result<()> {
    let added = generation
        .claims_to_add_or_override
        .iter()
        .flatten()
        .map(|(k, _)| k);
    let suppressed = generation.claims_to_suppress.iter().flatten();
    match added
        .chain(suppressed)
        .find(|name| PROTECTED_CLAIMS.contains(&name.as_str()))
    {
        Some(name) => Err(ErrorCode::InvalidLambdaResponseException.msg(format!(
            "Invalid lambda response: the claim {name} cannot be modified"
        ))),
        None => Ok(()),
    }
}

/// V1_0 claims are strings (`claimsToAddOrOverride` is a string map).
fn check_v1_values(generation: &TokenGeneration) -> Result<()> {
    let all_strings = generation
        .claims_to_add_or_override
        .iter()
        .flatten()
        .all(|(_, value)| value.is_string());
    if all_strings {
        Ok(())
    } else {
        Err(ErrorCode::InvalidLambdaResponseException.msg("Unrecognizable lambda output"))
    }
}

/// The pre token generation function and its event version: `PreTokenGenerationConfig`
/// (V1_0 → "1", V2_0 → "2", V3_0 → "3"), else the legacy `PreTokenGeneration` (V1_0).
fn pre_token_function(pool: &UserPool) -> Option<(String, &'static str)> {
    let config = pool.settings.get("LambdaConfig")?;
    if let Some(versioned) = config.get("PreTokenGenerationConfig") {
        let arn = versioned.get("LambdaArn")?.as_str()?.to_string();
        let version = match versioned.get("LambdaVersion").and_then(Value::as_str) {
            Some("V2_0") => "2",
            Some("V3_0") => "3",
            _ => "1",
        };
        return Some((arn, version));
    }
    function(pool, PreTokenGeneration::NAME).map(|arn| (arn, "1"))
}
