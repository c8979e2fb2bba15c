//! HTTP for the OAuth 2.0 endpoints (`/oauth2/userInfo`, `/oauth2/token`, `/oauth2/revoke`):
//! form bodies, HTTP Basic client authentication, Bearer tokens, OAuth error responses. The
//! grants are `grants`' (authorization_code, client_credentials) and `cognate_idp::oauth`'s
//! (refresh_token, revoke, userInfo). Nothing here logs a token or a secret.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use cognate_awsjson::is_form;
use cognate_idp::oauth::{ClientCredentials, Form, OAuthError};

use crate::OAuthState as AppState;
use crate::params::read_oauth_form;

/// GET or POST `/oauth2/userInfo` with `Authorization: Bearer <access token>`.
pub async fn user_info(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = bearer_token(&headers) else {
        let error = OAuthError::invalid_request("Bad OAuth2 request at UserInfo Endpoint");
        return bearer_error(&error);
    };
    match state.idp.oauth_user_info(token).await {
        Ok(info) => json(StatusCode::OK, serde_json::Value::Object(info)),
        Err(error) => bearer_error(&error),
    }
}

/// POST `/oauth2/token`.
pub async fn token(State(state): State<AppState>, request: Request) -> Response {
    let (form, credentials) = match form_request(&state, request).await {
        Ok(parsed) => parsed,
        Err(error) => return oauth_error(&error),
    };
    match crate::grants::token(&state.idp, &form, &credentials).await {
        Ok(body) => json(StatusCode::OK, body),
        Err(error) => oauth_error(&error),
    }
}

/// POST `/oauth2/revoke`: 200 with an empty body.
pub async fn revoke(State(state): State<AppState>, request: Request) -> Response {
    let (form, credentials) = match form_request(&state, request).await {
        Ok(parsed) => parsed,
        Err(error) => return oauth_error(&error),
    };
    match state.idp.oauth_revoke(&form, &credentials).await {
        Ok(()) => StatusCode::OK.into_response(),
        Err(error) => oauth_error(&error),
    }
}

/// The form parameters and client credentials of a token or revoke request.
async fn form_request(
    state: &AppState,
    request: Request<Body>,
) -> Result<(Form, ClientCredentials), OAuthError> {
    let (parts, body) = request.into_parts();
    if !is_form(&parts.headers) {
        return Err(OAuthError::invalid_request(
            "Content-Type must be application/x-www-form-urlencoded.",
        ));
    }
    let pairs = read_oauth_form(&parts.headers, body, state.body_limits).await?;
    let form = Form::new(pairs.0)?;
    let credentials = client_credentials(&parts.headers, &form)?;
    Ok((form, credentials))
}

/// HTTP Basic (`client_id:client_secret`) when present, else the form's `client_id` and
/// `client_secret`. A form `client_id` naming another client than Basic is refused.
fn client_credentials(headers: &HeaderMap, form: &Form) -> Result<ClientCredentials, OAuthError> {
    let form_client = form.get("client_id").map(str::to_string);
    let Some(authorization) = headers.get(header::AUTHORIZATION) else {
        return Ok(ClientCredentials {
            client_id: form_client,
            secret: form.get("client_secret").map(str::to_string),
        });
    };
    let malformed = || OAuthError::invalid_request("Malformed Authorization header.");
    let encoded = authorization
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Basic "))
        .ok_or_else(malformed)?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(malformed)?;
    let (client_id, secret) = decoded.split_once(':').ok_or_else(malformed)?;
    if form_client.as_deref().is_some_and(|id| id != client_id) {
        return Err(OAuthError::invalid_request(
            "client_id does not match the Authorization header.",
        ));
    }
    Ok(ClientCredentials {
        client_id: Some(client_id.to_string()),
        secret: Some(secret.to_string()),
    })
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn status_of(error: &OAuthError) -> StatusCode {
    StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST)
}

pub(crate) fn oauth_error(error: &OAuthError) -> Response {
    json(status_of(error), error.body())
}

/// A userInfo refusal: the OAuth body plus `WWW-Authenticate: Bearer error=..., ...`.
fn bearer_error(error: &OAuthError) -> Response {
    let challenge = format!(
        "Bearer error=\"{}\", error_description=\"{}\"",
        error.error, error.description
    );
    let mut response = oauth_error(error);
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

pub(crate) fn json(status: StatusCode, body: serde_json::Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json;charset=UTF-8")],
        body.to_string(),
    )
        .into_response()
}
