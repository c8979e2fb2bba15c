//! Sign in with Apple's differences from OpenID Connect, as Cognito handles them:
//! - the client secret is a JWT Cognate signs (ES256, `kid` = the provider's `key_id`) with
//!   the developer's P-256 key (`private_key`): `iss` the `team_id`, `sub` the `client_id`,
//!   `aud` Apple (its issuer), and a short life (Apple takes up to six months; one request
//!   needs minutes);
//! - when the request asks for scopes (`name`, `email`), Apple answers only by
//!   `response_mode=form_post`: a POST to `/oauth2/idpresponse`;
//! - the user's name is never in the ID token: Apple sends it once, on the first sign-in, in
//!   the form's `user` field (`{"name":{"firstName":…,"lastName":…},"email":…}`). Cognito
//!   offers it as the provider attributes `firstName`, `lastName` and `name`.

use std::collections::BTreeMap;

use cognate_crypto::client_secret::sign_es256;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::relying_party::Failure;

/// How long a client secret is good for.
const SECRET_TTL_SECS: i64 = 300;

#[derive(Serialize)]
struct SecretClaims<'a> {
    iss: &'a str,
    iat: i64,
    exp: i64,
    aud: &'a str,
    sub: &'a str,
}

/// The client secret of a token request at `now` (epoch seconds); `audience` is Apple's
/// issuer (`https://appleid.apple.com` unless the server's settings point elsewhere).
pub fn client_secret(
    details: &BTreeMap<String, String>,
    audience: &str,
    now: i64,
) -> Result<String, Failure> {
    let detail = |key: &str| {
        details
            .get(key)
            .map(String::as_str)
            .filter(|value| !value.is_empty())
            .ok_or_else(|| Failure(format!("The identity provider has no {key}")))
    };
    let claims = SecretClaims {
        iss: detail("team_id")?,
        iat: now,
        exp: now + SECRET_TTL_SECS,
        aud: audience,
        sub: detail("client_id")?,
    };
    sign_es256(detail("key_id")?, detail("private_key")?, &claims).map_err(|error| {
        tracing::warn!(%error, "Sign in with Apple client secret not signed");
        Failure("The identity provider's private_key is not a PKCS#8 P-256 key".into())
    })
}

/// Whether the authorization request must ask for `response_mode=form_post`: Apple refuses
/// other modes once scopes are requested.
pub fn form_post(scope: &str) -> bool {
    !scope.trim().is_empty()
}

/// The claims of Apple's first-sign-in `user` field: `firstName`, `lastName`, and `name` (the
/// two joined). Anything unreadable is ignored: the field is a courtesy, the ID token says who
/// signed in.
pub fn user_claims(user: &str) -> Map<String, Value> {
    let mut claims = Map::new();
    let Ok(parsed) = serde_json::from_str::<Value>(user) else {
        return claims;
    };
    let part = |key: &str| {
        parsed["name"][key]
            .as_str()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let (first, last) = (part("firstName"), part("lastName"));
    let full: Vec<&str> = [&first, &last]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    if !full.is_empty() {
        claims.insert("name".into(), json!(full.join(" ")));
    }
    if let Some(first) = first {
        claims.insert("firstName".into(), json!(first));
    }
    if let Some(last) = last {
        claims.insert("lastName".into(), json!(last));
    }
    claims
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_field_gives_the_name() {
        let claims =
            user_claims(r#"{"name":{"firstName":"Ada","lastName":"Lovelace"},"email":"a@x"}"#);
        assert_eq!(claims["firstName"], "Ada");
        assert_eq!(claims["lastName"], "Lovelace");
        assert_eq!(claims["name"], "Ada Lovelace");
        assert!(!claims.contains_key("email"), "the ID token's email counts");
        assert!(user_claims("not json").is_empty());
        assert_eq!(
            user_claims(r#"{"name":{"firstName":"Ada"}}"#)["name"],
            "Ada"
        );
    }

    #[test]
    fn a_secret_needs_every_detail() {
        let details = BTreeMap::from([("team_id".to_string(), "TEAM".to_string())]);
        let refused = client_secret(&details, "https://appleid.apple.com", 0);
        assert_eq!(
            refused,
            Err(Failure("The identity provider has no client_id".into()))
        );
    }
}
