//! An external provider's ID token, verified: RS256 signature against the provider's JWKS,
//! `iss`, `exp`/`nbf` with clock-skew leeway, the audience, a subject, and the `nonce` of the
//! request when there was one.

use cognate_crypto::CryptoError;
use cognate_crypto::jwt::{ClaimChecks, Unverified};
use cognate_domain::Timestamp;
use serde_json::{Map, Value};

use crate::jwks::JwksCache;

/// Which audiences a token may have.
#[derive(Debug, Clone, Copy)]
pub enum Audience<'a> {
    /// Identity pools (IAM's ClientIDList): `azp` when present, else `aud`, must be one of
    /// these; an empty list accepts any audience.
    AnyOf(&'a [String]),
    /// A relying party's own client id (OIDC Core §3.1.3.7): `aud` contains it, and `azp`,
    /// when present, is it.
    Client(&'a str),
}

/// What the token must say.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    pub issuer: &'a str,
    pub audience: Audience<'a>,
    /// The `nonce` sent with the authorization request: the token must carry the same.
    pub nonce: Option<&'a str>,
    /// Clock skew tolerated on `exp` and `nbf`.
    pub leeway_secs: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdTokenError {
    #[error("the token is malformed")]
    Malformed,
    #[error("the token's signature does not verify against the provider's keys")]
    Signature,
    #[error("the token has expired")]
    Expired,
    #[error("the token's issuer is not the provider's")]
    Issuer,
    #[error("the token's audience is not the client")]
    Audience,
    #[error("the token's nonce is not the request's")]
    Nonce,
    #[error("the token has no subject")]
    Subject,
}

/// Verifies `raw` against the keys at `jwks_url` and returns its claims (with a `sub`).
pub async fn verify_id_token(
    keys: &JwksCache,
    jwks_url: &str,
    raw: &str,
    expected: &Expected<'_>,
    now: Timestamp,
) -> Result<Map<String, Value>, IdTokenError> {
    let unverified = Unverified::parse(raw).map_err(|_| IdTokenError::Malformed)?;
    let kid = unverified
        .header()
        .kid
        .clone()
        .ok_or(IdTokenError::Malformed)?;
    let key = keys
        .key(jwks_url, &kid, now)
        .await
        .ok_or(IdTokenError::Signature)?;
    let checks = ClaimChecks {
        issuer: Some(expected.issuer),
        leeway_secs: expected.leeway_secs,
        ..ClaimChecks::default()
    };
    let lookup = |candidate: &str| (candidate == kid).then(|| key.clone());
    let claims: Map<String, Value> = unverified
        .verify(lookup, now.unsigned_secs(), &checks)
        .map_err(|error| match error {
            CryptoError::Expired => IdTokenError::Expired,
            CryptoError::InvalidClaim("iss") => IdTokenError::Issuer,
            CryptoError::MalformedToken(_)
            | CryptoError::TokenTooLarge
            | CryptoError::InvalidClaim(_) => IdTokenError::Malformed,
            _ => IdTokenError::Signature,
        })?;
    if audience(&claims, expected.audience).is_none() {
        return Err(IdTokenError::Audience);
    }
    if let Some(nonce) = expected.nonce
        && claims.get("nonce").and_then(Value::as_str) != Some(nonce)
    {
        return Err(IdTokenError::Nonce);
    }
    let subject = claims.get("sub").and_then(Value::as_str);
    if subject.is_none_or(str::is_empty) {
        return Err(IdTokenError::Subject);
    }
    Ok(claims)
}

/// The token's accepted audience, or None.
pub fn audience(claims: &Map<String, Value>, rule: Audience<'_>) -> Option<String> {
    match rule {
        Audience::AnyOf(client_ids) => any_of(claims, client_ids),
        Audience::Client(client_id) => {
            let azp_ok = claims
                .get("azp")
                .is_none_or(|azp| azp.as_str() == Some(client_id));
            (azp_ok && aud_values(claims).any(|aud| aud == client_id))
                .then(|| client_id.to_string())
        }
    }
}

fn aud_values(claims: &Map<String, Value>) -> impl Iterator<Item = &str> {
    let values: Vec<&str> = match claims.get("aud") {
        Some(Value::String(aud)) => vec![aud.as_str()],
        Some(Value::Array(auds)) => auds.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    values.into_iter()
}

/// `azp` when present (AWS checks it first), else `aud` (a string, or an array of which one
/// must match).
fn any_of(claims: &Map<String, Value>, client_ids: &[String]) -> Option<String> {
    let accepted = |aud: &str| client_ids.is_empty() || client_ids.iter().any(|id| id == aud);
    if let Some(azp) = claims.get("azp") {
        return azp.as_str().filter(|azp| accepted(azp)).map(str::to_string);
    }
    aud_values(claims)
        .find(|aud| accepted(aud))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn any_of_prefers_azp_then_aud() {
        let ids = vec!["app".to_string()];
        let rule = Audience::AnyOf(&ids);
        assert_eq!(
            audience(&claims(json!({"aud": "app"})), rule).as_deref(),
            Some("app")
        );
        assert_eq!(audience(&claims(json!({"aud": "other"})), rule), None);
        assert_eq!(
            audience(&claims(json!({"aud": ["x", "app"]})), rule).as_deref(),
            Some("app")
        );
        assert_eq!(
            audience(&claims(json!({"aud": "app", "azp": "other"})), rule),
            None
        );
        assert_eq!(
            audience(&claims(json!({"aud": "x", "azp": "app"})), rule).as_deref(),
            Some("app")
        );
        let any = Audience::AnyOf(&[]);
        assert_eq!(
            audience(&claims(json!({"aud": "anything"})), any).as_deref(),
            Some("anything")
        );
        assert_eq!(audience(&claims(json!({})), any), None);
    }

    #[test]
    fn a_client_must_be_in_aud_and_azp_when_present() {
        let rule = Audience::Client("app");
        assert!(audience(&claims(json!({"aud": "app"})), rule).is_some());
        assert!(audience(&claims(json!({"aud": ["x", "app"], "azp": "app"})), rule).is_some());
        assert!(audience(&claims(json!({"aud": "x", "azp": "app"})), rule).is_none());
        assert!(audience(&claims(json!({"aud": "app", "azp": "x"})), rule).is_none());
        assert!(audience(&claims(json!({"aud": "someone-else"})), rule).is_none());
    }
}
