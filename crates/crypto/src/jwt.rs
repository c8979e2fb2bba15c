//! Compact JWS with RS256 only: what Cognito issues and what its verifiers expect.
//!
//! Verification is deliberately narrow: one algorithm (no `none`, no HMAC confusion), a
//! mandatory known `kid`, strict unpadded base64url, and a size cap checked before any
//! decoding or crypto so an attacker cannot make us work on huge inputs.
//! Time-based and audience checks live in [`check_standard_claims`], which takes the time
//! as a parameter (no wall clock in this crate).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{CryptoError, Result};
use crate::keys::{PublicKey, RS256, SigningKey};

/// Tokens longer than this are rejected before any work (Cognito's are ~1–2 KiB).
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// A decoded JOSE header. Only the members we act on are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    pub alg: String,
    /// Critical extensions (RFC 7515 §4.1.11): we understand none, so any makes a token invalid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crit: Option<Value>,
}

/// The header we sign with, in AWS's member order: `kid` then `alg`.
#[derive(Serialize)]
struct SignedHeader<'a> {
    kid: &'a str,
    alg: &'static str,
}

/// The three segments of a compact JWS, still encoded.
struct Segments<'a> {
    header: &'a str,
    payload: &'a str,
    signature: &'a str,
    /// `header.payload`, the bytes the signature covers.
    signing_input: &'a str,
}

/// Signs `claims` (which must serialise to a JSON object) as an RS256 compact JWS.
pub fn sign<C: Serialize + ?Sized>(key: &SigningKey, claims: &C) -> Result<String> {
    let header = serde_json::to_vec(&SignedHeader {
        kid: key.kid(),
        alg: RS256,
    })?;
    let payload = serde_json::to_vec(claims)?;
    if payload.first() != Some(&b'{') {
        return Err(CryptoError::InvalidClaim("claims must be a JSON object"));
    }
    let mut token = String::with_capacity((header.len() + payload.len() + 256) * 4 / 3 + 4);
    URL_SAFE_NO_PAD.encode_string(&header, &mut token);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(&payload, &mut token);
    let signature = key.sign(token.as_bytes())?;
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(&signature, &mut token);
    Ok(token)
}

/// Decodes header and claims without checking anything cryptographic.
///
/// For routing (which pool, which kid) and diagnostics only; never trust the result.
pub fn decode_unverified(token: &str) -> Result<(Header, Value)> {
    let segments = split(token)?;
    let header = decode_json(segments.header, "header")?;
    let claims = decode_claims(segments.payload)?;
    Ok((header, claims))
}

/// Verifies an RS256 token and returns its claims.
///
/// `key_lookup` maps the header's `kid` to a verifier; an unknown or missing kid fails.
/// Expiry, issuer and audience are not checked here: see [`check_standard_claims`].
pub fn verify<F>(token: &str, key_lookup: F) -> Result<Value>
where
    F: Fn(&str) -> Option<PublicKey>,
{
    let segments = split(token)?;
    let header: Header = decode_json(segments.header, "header")?;
    check_header(&header)?;
    let kid = header.kid.as_deref().ok_or(CryptoError::UnknownKeyId)?;
    let key = key_lookup(kid).ok_or(CryptoError::UnknownKeyId)?;
    let signature = URL_SAFE_NO_PAD
        .decode(segments.signature)
        .map_err(|_| CryptoError::MalformedToken("signature is not base64url"))?;
    key.verify(segments.signing_input.as_bytes(), &signature)?;
    decode_claims(segments.payload)
}

/// Splits a compact JWS into exactly three non-empty segments, after the size check.
fn split(token: &str) -> Result<Segments<'_>> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(CryptoError::TokenTooLarge);
    }
    let malformed = || CryptoError::MalformedToken("expected three dot-separated segments");
    let (header, rest) = token.split_once('.').ok_or_else(malformed)?;
    let (payload, signature) = rest.split_once('.').ok_or_else(malformed)?;
    if header.is_empty() || payload.is_empty() || signature.is_empty() || signature.contains('.') {
        return Err(malformed());
    }
    Ok(Segments {
        header,
        payload,
        signature,
        signing_input: &token[..header.len() + 1 + payload.len()],
    })
}

/// Accepts only RS256 headers without critical extensions.
fn check_header(header: &Header) -> Result<()> {
    if header.alg != RS256 {
        return Err(CryptoError::UnsupportedAlgorithm(header.alg.clone()));
    }
    if header.crit.is_some() {
        return Err(CryptoError::MalformedToken(
            "critical header extensions are not supported",
        ));
    }
    Ok(())
}

/// Decodes a base64url segment holding JSON.
fn decode_json<T: DeserializeOwned>(segment: &str, what: &'static str) -> Result<T> {
    let bytes = URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| CryptoError::MalformedToken(what))?;
    serde_json::from_slice(&bytes).map_err(|_| CryptoError::MalformedToken(what))
}

/// Decodes the payload, which must be a JSON object.
fn decode_claims(segment: &str) -> Result<Value> {
    let claims: Map<String, Value> = decode_json(segment, "payload")?;
    Ok(Value::Object(claims))
}

/// What [`check_standard_claims`] should insist on; `None` skips a check.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClaimChecks<'a> {
    /// Expected `iss`.
    pub issuer: Option<&'a str>,
    /// Expected app client: Cognito puts it in `aud` (ID tokens) or `client_id` (access tokens).
    pub client_id: Option<&'a str>,
    /// Expected `token_use` (`"id"` or `"access"`).
    pub token_use: Option<&'a str>,
    /// Clock skew tolerated on `exp` and `nbf`, in seconds.
    pub leeway_secs: u64,
}

/// Checks `exp` (required), `nbf` (if present) and the expectations in `checks` against
/// `now_epoch` (seconds), returning the first failure.
pub fn check_standard_claims(
    claims: &Value,
    now_epoch: u64,
    checks: &ClaimChecks<'_>,
) -> Result<()> {
    let exp = numeric_claim(claims, "exp").ok_or(CryptoError::InvalidClaim("exp"))?;
    if now_epoch >= exp.saturating_add(checks.leeway_secs) {
        return Err(CryptoError::Expired);
    }
    if let Some(nbf_value) = claims.get("nbf") {
        let nbf = numeric_value(nbf_value).ok_or(CryptoError::InvalidClaim("nbf"))?;
        if now_epoch.saturating_add(checks.leeway_secs) < nbf {
            return Err(CryptoError::InvalidClaim("nbf"));
        }
    }
    expect_string_claim(claims, "iss", checks.issuer)?;
    expect_string_claim(claims, "token_use", checks.token_use)?;
    if let Some(client_id) = checks.client_id {
        check_client_id(claims, client_id)?;
    }
    Ok(())
}

/// Fails unless `claims[name]` is the string `expected` (when an expectation is given).
fn expect_string_claim(claims: &Value, name: &'static str, expected: Option<&str>) -> Result<()> {
    match expected {
        Some(expected) if claims.get(name).and_then(Value::as_str) != Some(expected) => {
            Err(CryptoError::InvalidClaim(name))
        }
        _ => Ok(()),
    }
}

/// Matches the app client against `aud` (string or array) when present, else `client_id`.
fn check_client_id(claims: &Value, client_id: &str) -> Result<()> {
    let matches = match claims.get("aud") {
        Some(Value::String(aud)) => aud == client_id,
        Some(Value::Array(auds)) => auds.iter().any(|aud| aud.as_str() == Some(client_id)),
        Some(_) => false,
        None => claims.get("client_id").and_then(Value::as_str) == Some(client_id),
    };
    if matches {
        Ok(())
    } else {
        Err(CryptoError::InvalidClaim("aud"))
    }
}

/// Reads a NumericDate claim as whole seconds.
fn numeric_claim(claims: &Value, name: &str) -> Option<u64> {
    claims.get(name).and_then(numeric_value)
}

/// A NumericDate may be fractional (RFC 7519 §2); whole seconds are enough here.
fn numeric_value(value: &Value) -> Option<u64> {
    value.as_u64().or_else(|| {
        value
            .as_f64()
            .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
            .map(|seconds| seconds as u64)
    })
}

#[cfg(test)]
mod tests;
