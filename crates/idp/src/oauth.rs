//! The parts of the OAuth 2.0 endpoints (`/oauth2/userInfo`, the refresh_token grant,
//! `/oauth2/revoke`) that sit on the user-pool API's own token logic, with the OAuth error type
//! (`{"error": "...", "error_description": "..."}`). The endpoints themselves, and the grants
//! of the hosted sign-in, are `cognate-oauth`'s.

use cognate_awsjson::ApiError;
use cognate_domain::client::AppClient;
use cognate_model::idp::ErrorCode;
use serde_json::{Map, Value, json};

use crate::Idp;
use crate::auth::client_secret::SecretCheck;
use crate::auth::refresh::{Proof, Via};
use crate::users::attributes::readable_by;

/// What userInfo says (in the body and in `WWW-Authenticate`) for any token it refuses.
const INVALID_TOKEN: &str =
    "Access token is expired, disabled, or deleted, or the user has globally signed out.";

/// AWS's answer to a valid access token without the `openid` scope.
pub const NO_OPENID_SCOPE: &str = "Access token does not contain openid scope";

/// An OAuth error response: the `error` code, a description and the HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub error: &'static str,
    pub description: String,
    pub status: u16,
}

impl OAuthError {
    pub fn new(error: &'static str, description: impl Into<String>) -> Self {
        Self {
            error,
            description: description.into(),
            status: 400,
        }
    }

    pub fn with_status(self, status: u16) -> Self {
        Self { status, ..self }
    }

    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new("invalid_request", description)
    }

    pub fn invalid_client() -> Self {
        Self::new("invalid_client", "Client authentication failed.")
    }

    pub fn server_error() -> Self {
        Self::new("server_error", "An internal error occurred.").with_status(500)
    }

    /// The JSON body of the error.
    pub fn body(&self) -> Value {
        json!({ "error": self.error, "error_description": self.description })
    }
}

/// An internal error keeps its 500; any other API error becomes `fallback`.
pub fn from_api(error: ApiError, fallback: OAuthError) -> OAuthError {
    if error.status.is_server_error() {
        OAuthError::server_error()
    } else {
        fallback
    }
}

/// The client credentials of a token or revoke request: from HTTP Basic, or the form's
/// `client_id` and `client_secret`.
#[derive(Debug, Default, Clone)]
pub struct ClientCredentials {
    pub client_id: Option<String>,
    pub secret: Option<String>,
}

/// The parameters of a form request; a repeated parameter is refused (RFC 6749 §3.2).
#[derive(Debug, Default)]
pub struct Form(Vec<(String, String)>);

impl Form {
    pub fn new(pairs: Vec<(String, String)>) -> Result<Self, OAuthError> {
        for (index, (name, _)) in pairs.iter().enumerate() {
            if pairs[..index].iter().any(|(other, _)| other == name) {
                return Err(OAuthError::invalid_request(format!(
                    "Parameter {name} is repeated."
                )));
            }
        }
        Ok(Self(pairs))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .filter(|value| !value.is_empty())
    }

    pub fn required(&self, name: &str) -> Result<&str, OAuthError> {
        self.get(name)
            .ok_or_else(|| OAuthError::invalid_request(format!("Missing parameter {name}.")))
    }
}

impl Idp {
    /// `/oauth2/userInfo`: the user's attributes the token's client may read, as strings
    /// (`email_verified` is `"true"`/`"false"`), plus `username`, for an access token with the
    /// `openid` scope. As on AWS, the user-pool API's tokens (InitiateAuth and the rest) carry
    /// only `aws.cognito.signin.user.admin` and are refused with `NO_OPENID_SCOPE`.
    pub async fn oauth_user_info(
        &self,
        access_token: &str,
    ) -> Result<Map<String, Value>, OAuthError> {
        let refused = |error: ApiError| {
            from_api(
                error,
                OAuthError::new("invalid_token", INVALID_TOKEN).with_status(401),
            )
        };
        let caller = self
            .authenticate_scoped(access_token, None)
            .await
            .map_err(refused)?;
        if !caller.token.scopes.iter().any(|scope| scope == "openid") {
            return Err(OAuthError::new("invalid_token", NO_OPENID_SCOPE).with_status(401));
        }
        let client = self.token_client(&caller.token).await.map_err(refused)?;
        let user = &caller.user;
        let mut info: Map<String, Value> = user
            .attributes
            .iter()
            .filter(|(name, _)| readable_by(Some(&client), name))
            .map(|(name, value)| (name.clone(), Value::String(value.clone())))
            .collect();
        info.insert("sub".into(), json!(user.sub.as_str()));
        info.insert("username".into(), json!(user.username));
        Ok(info)
    }

    /// `/oauth2/token`'s refresh_token grant (the other grants are `cognate-oauth`'s).
    pub async fn refresh_token_grant(
        &self,
        client: &AppClient,
        form: &Form,
        credentials: &ClientCredentials,
    ) -> Result<Value, OAuthError> {
        let token = form.required("refresh_token")?;
        let pool = self
            .pool(client.pool_id.as_str())
            .await
            .map_err(|error| from_api(error, OAuthError::invalid_client()))?;
        // Via::GetTokens: a client with refresh-token rotation gets a new refresh token here
        // too, as from GetTokensFromRefreshToken.
        let proof = Proof::ClientSecret(credentials.secret.as_deref());
        let tokens = self
            .refresh(&pool, client, token, None, proof, Via::GetTokens)
            .await
            .map_err(|error| {
                from_api(
                    error,
                    OAuthError::new("invalid_grant", "Invalid refresh token."),
                )
            })?;
        let mut body = json!({
            "id_token": tokens.id_token.as_ref().map(|t| t.expose()),
            "access_token": tokens.access_token.as_ref().map(|t| t.expose()),
            "token_type": "Bearer",
            "expires_in": tokens.expires_in,
        });
        if let Some(refresh) = &tokens.refresh_token {
            body["refresh_token"] = json!(refresh.expose());
        }
        Ok(body)
    }

    /// `/oauth2/revoke`: RevokeToken for the refresh token in `token`.
    pub async fn oauth_revoke(
        &self,
        form: &Form,
        credentials: &ClientCredentials,
    ) -> Result<(), OAuthError> {
        let token = form.required("token")?;
        let client = self.oauth_client(credentials).await?;
        self.revoke_refresh_token(&client, credentials.secret.as_deref(), token)
            .await
            .map_err(revoke_error)
    }

    /// The authenticated client: it exists, and its secret (if it has one) was given.
    pub async fn oauth_client(
        &self,
        credentials: &ClientCredentials,
    ) -> Result<AppClient, OAuthError> {
        let client_id = credentials
            .client_id
            .as_deref()
            .ok_or_else(|| OAuthError::invalid_request("Missing parameter client_id."))?;
        let client = self
            .client(client_id)
            .await
            .map_err(|error| from_api(error, OAuthError::invalid_client()))?;
        match self.check_client_secret(&client, credentials.secret.as_deref()) {
            Ok(SecretCheck::Ok) => Ok(client),
            Ok(SecretCheck::Missing | SecretCheck::Wrong) => Err(OAuthError::invalid_client()),
            Err(error) => Err(from_api(error, OAuthError::invalid_client())),
        }
    }
}

fn revoke_error(error: ApiError) -> OAuthError {
    let code = error.code.as_ref();
    if code == ErrorCode::UnsupportedTokenTypeException.as_str() {
        OAuthError::new(
            "unsupported_token_type",
            "Only refresh tokens can be revoked.",
        )
    } else if code == ErrorCode::UnsupportedOperationException.as_str() {
        // AWS: "invalid_request ... if the feature is disabled for the app client".
        OAuthError::invalid_request("Token revocation is not enabled for this app client.")
    } else {
        from_api(error, OAuthError::invalid_client())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_repeated_parameter_is_refused() {
        let error = Form::new(pairs(&[("token", "a"), ("token", "b")])).unwrap_err();
        assert_eq!(error.error, "invalid_request");
    }

    #[test]
    fn empty_parameters_count_as_missing() {
        let form = Form::new(pairs(&[("grant_type", ""), ("code", "x")])).unwrap();
        assert_eq!(form.get("grant_type"), None);
        assert_eq!(
            form.required("grant_type").unwrap_err().error,
            "invalid_request"
        );
        assert_eq!(form.get("code"), Some("x"));
    }
}
