//! An app client's OAuth settings (`AllowedOAuthFlows`, `AllowedOAuthScopes`, `CallbackURLs`,
//! `LogoutURLs`, `DefaultRedirectURI`, `SupportedIdentityProviders`,
//! `AllowedOAuthFlowsUserPoolClient`): read from the stored client, and checked as AWS checks
//! them on CreateUserPoolClient and UpdateUserPoolClient.

use cognate_awsjson::ApiError;
use cognate_domain::client::AppClient;
use cognate_domain::ids::UserPoolId;
use cognate_model::idp::ErrorCode;
use serde_json::{Map, Value};

use crate::Idp;
use crate::errors::{Result, invalid_parameter};

/// The scopes every pool has, besides its resource servers' custom scopes.
pub const STANDARD_SCOPES: &[&str] = &[
    "phone",
    "email",
    "openid",
    "profile",
    "aws.cognito.signin.user.admin",
];

/// The built-in identity provider: the pool's own users.
pub const COGNITO_PROVIDER: &str = "COGNITO";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OAuthSettings {
    /// `AllowedOAuthFlowsUserPoolClient`: without it the client has no OAuth at all.
    pub enabled: bool,
    /// `code`, `implicit`, `client_credentials`.
    pub flows: Vec<String>,
    pub scopes: Vec<String>,
    pub callback_urls: Vec<String>,
    pub logout_urls: Vec<String>,
    pub default_redirect_uri: Option<String>,
    pub identity_providers: Vec<String>,
}

fn strings(settings: &Map<String, Value>, name: &str) -> Vec<String> {
    settings
        .get(name)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

impl OAuthSettings {
    /// The settings of a stored client (kept among its echoed settings).
    pub fn of(client: &AppClient) -> Self {
        Self::from_document(&client.settings)
    }

    pub fn from_document(settings: &Map<String, Value>) -> Self {
        Self {
            enabled: settings
                .get("AllowedOAuthFlowsUserPoolClient")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            flows: strings(settings, "AllowedOAuthFlows"),
            scopes: strings(settings, "AllowedOAuthScopes"),
            callback_urls: strings(settings, "CallbackURLs"),
            logout_urls: strings(settings, "LogoutURLs"),
            default_redirect_uri: settings
                .get("DefaultRedirectURI")
                .and_then(Value::as_str)
                .map(str::to_string),
            identity_providers: strings(settings, "SupportedIdentityProviders"),
        }
    }

    pub fn allows_flow(&self, flow: &str) -> bool {
        self.enabled && self.flows.iter().any(|f| f == flow)
    }

    pub fn allows_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

fn invalid_flow(message: &str) -> ApiError {
    ErrorCode::InvalidOAuthFlowException.msg(message)
}

/// AWS's rules for a redirect (callback or sign-out) URL: absolute, no fragment, and HTTPS
/// unless it is http://localhost (app schemes such as `myapp://cb` are allowed).
pub fn check_redirect_url(url: &str) -> Result<()> {
    let invalid = || invalid_parameter(format!("Invalid redirect URI: {url}"));
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(invalid());
    };
    let scheme_ok = !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok || url.contains('#') || url.chars().any(char::is_whitespace) {
        return Err(invalid());
    }
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    let host_name = host.rsplit_once(':').map_or(host, |(name, _)| name);
    match scheme.to_ascii_lowercase().as_str() {
        "https" if !host.is_empty() => Ok(()),
        "http" if host_name == "localhost" => Ok(()),
        "http" | "https" => Err(invalid()),
        _ => Ok(()),
    }
}

impl Idp {
    /// Checks the OAuth settings a client is being created or updated with. `has_secret` says
    /// whether the client will have a secret (client credentials need one).
    pub async fn check_oauth_settings(
        &self,
        pool_id: &UserPoolId,
        settings: &OAuthSettings,
        has_secret: bool,
    ) -> Result<()> {
        let flows = &settings.flows;
        let has = |flow: &str| flows.iter().any(|f| f == flow);
        if has("client_credentials") && (has("code") || has("implicit")) {
            return Err(invalid_flow(
                "client_credentials flow can not be selected along with code flow or implicit flow.",
            ));
        }
        if settings.enabled && (flows.is_empty() || settings.scopes.is_empty()) {
            return Err(invalid_flow(
                "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is \
                 allowed to use OAuth flows.",
            ));
        }
        if settings.enabled && has("client_credentials") && !has_secret {
            return Err(invalid_flow(
                "client_credentials flow can not be selected if client does not have a client secret.",
            ));
        }
        if settings.enabled && (has("code") || has("implicit")) && settings.callback_urls.is_empty()
        {
            return Err(invalid_flow(
                "CallbackURLs can not be empty when code or implicit flow is selected.",
            ));
        }
        for url in settings.callback_urls.iter().chain(&settings.logout_urls) {
            check_redirect_url(url)?;
        }
        if let Some(default) = &settings.default_redirect_uri {
            check_redirect_url(default)?;
            if !settings.callback_urls.contains(default) {
                return Err(invalid_parameter(
                    "DefaultRedirectURI should be one of the CallbackURLs.",
                ));
            }
        }
        self.check_scopes_exist(pool_id, &settings.scopes, has("client_credentials"))
            .await?;
        for provider in &settings.identity_providers {
            if provider == COGNITO_PROVIDER {
                continue;
            }
            match self.store.get_identity_provider(pool_id, provider).await {
                Ok(_) => {}
                Err(cognate_domain::StoreError::NotFound) => {
                    return Err(invalid_parameter(format!(
                        "The provider {provider} does not exist for User Pool {pool_id}"
                    )));
                }
                Err(other) => return Err(crate::errors::internal(other)),
            }
        }
        Ok(())
    }

    /// Each scope is a standard scope or a resource server's; client credentials take custom
    /// scopes only.
    async fn check_scopes_exist(
        &self,
        pool_id: &UserPoolId,
        scopes: &[String],
        client_credentials: bool,
    ) -> Result<()> {
        let custom: Vec<&String> = scopes
            .iter()
            .filter(|s| !STANDARD_SCOPES.contains(&s.as_str()))
            .collect();
        if client_credentials && custom.len() != scopes.len() {
            return Err(invalid_flow(
                "client_credentials flow can only be used with custom scopes.",
            ));
        }
        if custom.is_empty() {
            return Ok(());
        }
        let defined: Vec<String> = self
            .resource_servers(pool_id)
            .await?
            .iter()
            .flat_map(|server| server.full_scopes().collect::<Vec<_>>())
            .collect();
        match custom.iter().find(|scope| !defined.contains(scope)) {
            Some(scope) => Err(ErrorCode::ScopeDoesNotExistException
                .msg(format!("Invalid scope requested: {scope}"))),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_urls_follow_aws_rules() {
        for ok in [
            "https://app.example.com/cb",
            "http://localhost:3000/callback",
            "http://localhost/cb",
            "myapp://signin",
        ] {
            assert!(check_redirect_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://app.example.com/cb",
            "https://app.example.com/cb#frag",
            "/relative",
            "https://",
            "https://a b",
        ] {
            assert!(check_redirect_url(bad).is_err(), "{bad}");
        }
    }
}
