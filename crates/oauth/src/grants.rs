//! The grants: an authorization code (or implicit tokens) for a signed-in browser, and the token
//! endpoint's authorization_code and client_credentials grants (refresh_token is
//! `cognate_idp::oauth`'s). Codes are single use, live five minutes, and are bound to the client,
//! the redirect URI and the PKCE challenge.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognate_crypto::secrets::{constant_time_eq, random_token, sha256_hex};
use cognate_domain::StoreError;
use cognate_domain::client::AppClient;
use cognate_domain::hosted::AuthorizationCode;
use cognate_domain::user::{User, UserStatus};
use cognate_idp::Idp;
use cognate_idp::hosted::oauth_settings::OAuthSettings;
use cognate_idp::oauth::{ClientCredentials, Form, OAuthError, from_api};
use cognate_idp::tokens::{OAuthGrant, Refresh, SignIn};
use cognate_idp::triggers::TokenSource;
use cognate_idp::users::username_key;
use serde_json::{Value, json};

use crate::authorize::AuthorizeRequest;
use crate::cookies::HostedSession;
use crate::pages;
use crate::params::with_params;

/// How long an authorization code lives (AWS: five minutes).
const CODE_SECS: i64 = 300;

fn invalid_grant() -> OAuthError {
    OAuthError::new("invalid_grant", "invalid_grant")
}

fn server_error(error: cognate_awsjson::ApiError) -> OAuthError {
    from_api(error, OAuthError::server_error())
}

/// The session's user, if it may still sign in.
async fn session_user(
    idp: &Idp,
    request: &AuthorizeRequest,
    session: &HostedSession,
) -> Option<User> {
    let key = username_key(&request.pool, &session.username);
    let user = idp.store.get_user(&request.pool.id, &key).await.ok()?;
    let may_sign_in = matches!(
        user.status,
        UserStatus::Confirmed | UserStatus::ExternalProvider
    );
    (user.enabled && may_sign_in).then_some(user)
}

/// Ends a signed-in authorization request: a code (or implicit tokens) sent to the callback.
pub async fn complete(
    idp: &Idp,
    request: &AuthorizeRequest,
    session: &HostedSession,
) -> Result<axum::response::Response, OAuthError> {
    let user = session_user(idp, request, session)
        .await
        .ok_or_else(invalid_grant)?;
    let state = request.state.as_deref().unwrap_or_default();
    if request.implicit() {
        let sign_in = sign_in(
            idp,
            session.auth_time,
            &request.scopes,
            request.nonce.clone(),
        );
        let tokens = idp
            .issue_tokens(
                &request.pool,
                &request.client,
                &user,
                &sign_in,
                Refresh::None,
            )
            .await
            .map_err(server_error)?;
        let expires_in = tokens.expires_in.unwrap_or_default().to_string();
        let access = tokens
            .access_token
            .map(|t| t.expose().to_string())
            .unwrap_or_default();
        let id = if request.scopes.iter().any(|s| s == "openid") {
            tokens
                .id_token
                .map(|t| t.expose().to_string())
                .unwrap_or_default()
        } else {
            String::new()
        };
        let pairs = [
            ("access_token", access.as_str()),
            ("id_token", id.as_str()),
            ("token_type", "Bearer"),
            ("expires_in", expires_in.as_str()),
            ("state", state),
        ];
        return Ok(pages::redirect(&with_params(
            &request.redirect_uri,
            &pairs,
            true,
        )));
    }
    let code = uuid::Uuid::new_v4().to_string();
    let record = AuthorizationCode {
        code_hash: sha256_hex(code.as_bytes()),
        pool_id: request.pool.id.clone(),
        client_id: request.client.client_id.clone(),
        username_key: user.username_key.clone(),
        sub: user.sub.clone(),
        redirect_uri: request.redirect_uri.clone(),
        scopes: request.scopes.clone(),
        nonce: request.nonce.clone(),
        code_challenge: request.code_challenge.clone(),
        auth_time: session.auth_time,
        expires_at: idp.clock.now().plus_secs(CODE_SECS),
    };
    idp.store
        .insert_authorization_code(&record)
        .await
        .map_err(|error| server_error(cognate_idp_internal(error)))?;
    let pairs = [("code", code.as_str()), ("state", state)];
    Ok(pages::redirect(&with_params(
        &request.redirect_uri,
        &pairs,
        false,
    )))
}

fn cognate_idp_internal(error: StoreError) -> cognate_awsjson::ApiError {
    tracing::error!(%error, "storage failure");
    cognate_awsjson::ApiError::internal()
}

fn sign_in(idp: &Idp, auth_time: i64, scopes: &[String], nonce: Option<String>) -> SignIn {
    SignIn {
        auth_time,
        oauth: Some(OAuthGrant {
            scopes: scopes.to_vec(),
            nonce,
        }),
        source: TokenSource::HostedAuth,
        ..SignIn::new(idp)
    }
}

/// `/oauth2/token`: the grant named by `grant_type`.
pub async fn token(
    idp: &Idp,
    form: &Form,
    credentials: &ClientCredentials,
) -> Result<Value, OAuthError> {
    let grant_type = form.required("grant_type")?;
    if !matches!(
        grant_type,
        "refresh_token" | "authorization_code" | "client_credentials"
    ) {
        return Err(OAuthError::new(
            "unsupported_grant_type",
            "unsupported_grant_type",
        ));
    }
    let client = idp.oauth_client(credentials).await?;
    match grant_type {
        "refresh_token" => idp.refresh_token_grant(&client, form, credentials).await,
        "authorization_code" => authorization_code(idp, &client, form).await,
        _ => client_credentials(idp, &client, form).await,
    }
}

async fn authorization_code(
    idp: &Idp,
    client: &AppClient,
    form: &Form,
) -> Result<Value, OAuthError> {
    if !OAuthSettings::of(client).allows_flow("code") {
        return Err(OAuthError::new(
            "unauthorized_client",
            "unauthorized_client",
        ));
    }
    let code = form.required("code")?;
    let redirect_uri = form.required("redirect_uri")?;
    // Taken out first: a code fails once and is gone, whatever was wrong with the request.
    let record = match idp
        .store
        .take_authorization_code(&sha256_hex(code.as_bytes()))
        .await
    {
        Ok(record) => record,
        Err(StoreError::NotFound) => return Err(invalid_grant()),
        Err(error) => return Err(server_error(cognate_idp_internal(error))),
    };
    let expired = record.expires_at <= idp.clock.now();
    if expired || record.client_id != client.client_id || record.redirect_uri != redirect_uri {
        return Err(invalid_grant());
    }
    if let Some(challenge) = &record.code_challenge {
        let verifier = form.get("code_verifier").ok_or_else(invalid_grant)?;
        if !pkce_matches(verifier, challenge) {
            return Err(invalid_grant());
        }
    }
    let pool = idp
        .pool(record.pool_id.as_str())
        .await
        .map_err(|error| from_api(error, invalid_grant()))?;
    let user = match idp.store.get_user(&pool.id, &record.username_key).await {
        Ok(user) if user.sub == record.sub && user.enabled => user,
        Ok(_) | Err(StoreError::NotFound) => return Err(invalid_grant()),
        Err(error) => return Err(server_error(cognate_idp_internal(error))),
    };
    let sign_in = sign_in(idp, record.auth_time, &record.scopes, record.nonce.clone());
    let tokens = idp
        .issue_tokens(&pool, client, &user, &sign_in, Refresh::New)
        .await
        .map_err(server_error)?;
    let mut body = json!({
        "access_token": tokens.access_token.as_ref().map(|t| t.expose()),
        "refresh_token": tokens.refresh_token.as_ref().map(|t| t.expose()),
        "token_type": "Bearer",
        "expires_in": tokens.expires_in,
    });
    // AWS issues an ID token only when the grant has the openid scope.
    if record.scopes.iter().any(|s| s == "openid") {
        body["id_token"] = json!(tokens.id_token.as_ref().map(|t| t.expose()));
    }
    Ok(body)
}

/// PKCE S256: base64url(SHA-256(verifier)) equals the challenge (RFC 7636 §4.6).
fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let Ok(digest) = hex::decode(sha256_hex(verifier.as_bytes())) else {
        return false;
    };
    constant_time_eq(
        URL_SAFE_NO_PAD.encode(digest).as_bytes(),
        challenge.as_bytes(),
    )
}

async fn client_credentials(
    idp: &Idp,
    client: &AppClient,
    form: &Form,
) -> Result<Value, OAuthError> {
    let settings = OAuthSettings::of(client);
    if !client.has_secret() || !settings.allows_flow("client_credentials") {
        return Err(OAuthError::new(
            "unauthorized_client",
            "unauthorized_client",
        ));
    }
    let scopes: Vec<String> = match form.get("scope") {
        None => settings.scopes.clone(),
        Some(asked) => asked.split_whitespace().map(str::to_string).collect(),
    };
    if scopes.is_empty() || scopes.iter().any(|s| !settings.allows_scope(s)) {
        return Err(OAuthError::new("invalid_scope", "invalid_scope"));
    }
    let pool = idp
        .pool(client.pool_id.as_str())
        .await
        .map_err(|error| from_api(error, OAuthError::invalid_client()))?;
    let (token, expires_in) = idp
        .issue_client_token(&pool, client, &scopes)
        .await
        .map_err(server_error)?;
    Ok(json!({ "access_token": token, "expires_in": expires_in, "token_type": "Bearer" }))
}

/// A fresh random value for things that need one (kept here so pages need no RNG of their own).
pub fn random() -> String {
    random_token(16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_matches_rfc7636_example() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert!(pkce_matches(
            verifier,
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
        assert!(!pkce_matches(
            "other",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
    }
}
