//! Tokens: compact JWS with RS256 only, what Cognito issues and what its verifiers expect.
//!
//! jsonwebtoken does the JWS work (encoding, base64url, the header, the signature through our
//! RS256-only provider in [`backend`]); this module is Cognate's policy around it:
//! - a size cap checked before any decoding, so an attacker cannot make us work on huge inputs;
//! - RS256 only (here and in the provider), no `crit` extension at all and no `b64: false`;
//! - a `kid` is required and must name a key the caller's lookup knows (the pool's keys); key
//!   material a token carries about itself (`jwk`, `jku`, `x5u`, `x5c`) is never used;
//! - a claims object must be an object with distinct member names (parsers disagree on which
//!   of two equal names wins);
//! - `exp`/`nbf` against the time the caller passes (the injected Clock), never the system
//!   clock, in [`check_lifetime`], the one place token times are compared;
//! - issuer, audience or `client_id`, and `token_use`: [`ClaimChecks`], in
//!   [`check_standard_claims`].
//!
//! A server routes a token before verifying it (its `iss` names the pool whose keys verify
//! it): [`Unverified`] decodes header and claims once for both, and hands the claims out only
//! from `verify`, after jsonwebtoken has checked the signature over the bytes they were read
//! from. `jsonwebtoken::decode` is not used on this path: it decodes the header again and
//! parses the claims twice more (once into the caller's type, once for its `Validation`),
//! which made a verify ≈4 % dearer than the hand-written JWS it replaced, and its
//! `Validation` could only repeat what [`check_standard_claims`] checks for every token.

pub(crate) mod backend;

use std::fmt;

use jsonwebtoken::Algorithm;
use jsonwebtoken::errors::{Error as JwtError, ErrorKind};
use serde::de::{self, DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::map::Entry;
use serde_json::{Map, Value};

use crate::error::{CryptoError, Result};
use crate::keys::{PublicKey, SigningKey};

/// A JOSE header, as jsonwebtoken decodes it.
pub use jsonwebtoken::Header;

/// Tokens longer than this are rejected before any work (Cognito's are ~1–2 KiB).
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// The header Cognate signs with, `{"alg":"RS256","kid":…}`: the members of Cognito's.
pub fn rs256_header(kid: &str) -> Header {
    Header {
        typ: None,
        kid: Some(kid.to_owned()),
        ..Header::new(Algorithm::RS256)
    }
}

/// Signs `claims` (which must serialise to a JSON object) as an RS256 compact JWS under
/// [`rs256_header`].
pub fn sign<C: Serialize + ?Sized>(key: &SigningKey, claims: &C) -> Result<String> {
    sign_with_header(key, &rs256_header(key.kid()), claims)
}

/// [`sign`] under another header: for tests that need tokens Cognate never issues (another
/// kid, `crit`, embedded keys). Only RS256 can be signed.
pub fn sign_with_header<C: Serialize + ?Sized>(
    key: &SigningKey,
    header: &Header,
    claims: &C,
) -> Result<String> {
    let claims = serde_json::to_value(claims)?;
    if !claims.is_object() {
        return Err(CryptoError::InvalidClaim("claims must be a JSON object"));
    }
    backend::ensure_installed()?;
    key.with_encoding_key(|encoding| jsonwebtoken::encode(header, &claims, encoding))
        .map_err(|_| CryptoError::Signing)
}

/// Decodes header and claims without checking anything cryptographic.
///
/// For routing (which pool, which kid) and diagnostics only; never trust the result.
pub fn decode_unverified(token: &str) -> Result<(Header, Value)> {
    let unverified = Unverified::parse(token)?;
    Ok((unverified.header, Value::Object(unverified.claims)))
}

/// Verifies an RS256 token and returns its claims.
///
/// `key_lookup` maps the header's `kid` to a verifier; an unknown or missing kid fails.
/// Expiry, issuer and audience are not checked here: see [`verify_claims`].
pub fn verify<F>(token: &str, key_lookup: F) -> Result<Value>
where
    F: Fn(&str) -> Option<PublicKey>,
{
    let unverified = Unverified::parse(token)?;
    unverified.check_signature(key_lookup)?;
    Ok(Value::Object(unverified.claims))
}

/// Verifies an RS256 token, checks its claims against `checks` at `now_epoch` (seconds, from
/// the injected clock) and returns them as `C` (a typed struct, or a `Map`).
pub fn verify_claims<C, F>(
    token: &str,
    key_lookup: F,
    now_epoch: u64,
    checks: &ClaimChecks<'_>,
) -> Result<C>
where
    C: DeserializeOwned,
    F: Fn(&str) -> Option<PublicKey>,
{
    Unverified::parse(token)?.verify(key_lookup, now_epoch, checks)
}

/// A token decoded but not verified: header and claims read once, to route it (which pool,
/// which kid) and then to [`verify`](Unverified::verify) it, which checks the signature over
/// these very bytes before handing the claims out. Never act on the claims before that.
pub struct Unverified<'t> {
    /// `header.payload`, the bytes the signature covers and the claims were read from.
    signed: &'t str,
    /// The third segment, base64url.
    signature: &'t str,
    header: Header,
    claims: Map<String, Value>,
}

impl<'t> Unverified<'t> {
    /// Decodes `token` (after the size cap); the claims must be an object with distinct names.
    pub fn parse(token: &'t str) -> Result<Self> {
        check_size(token)?;
        let not_compact = || CryptoError::MalformedToken("not a compact JWS");
        // Split as jsonwebtoken does (from the right): a token with more than three segments
        // leaves a '.' in its header segment, which then fails to decode.
        let (signed, signature) = token.rsplit_once('.').ok_or_else(not_compact)?;
        if !signed.contains('.') {
            return Err(not_compact());
        }
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| CryptoError::MalformedToken("header is not a JOSE header"))?;
        let claims = jsonwebtoken::dangerous::insecure_decode_claims::<Members>(token)
            .map_err(from_library)?;
        Ok(Unverified {
            signed,
            signature,
            header,
            claims: claims.0,
        })
    }

    /// The header, as the token states it.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The claims, as the token states them: for routing only.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// Verifies the token (RS256, a known `kid`, the signature over the bytes these claims
    /// were read from), checks the claims against `checks` at `now_epoch` (seconds, from the
    /// injected clock) and returns them as `C` (a typed struct, or a `Map`).
    pub fn verify<C, F>(self, key_lookup: F, now_epoch: u64, checks: &ClaimChecks<'_>) -> Result<C>
    where
        C: DeserializeOwned,
        F: Fn(&str) -> Option<PublicKey>,
    {
        self.check_signature(key_lookup)?;
        let claims = Value::Object(self.claims);
        check_standard_claims(&claims, now_epoch, checks)?;
        serde_json::from_value(claims)
            .map_err(|_| CryptoError::MalformedToken("unexpected claim types"))
    }

    /// The header policy and the key lookup, then jsonwebtoken's check of the signature over
    /// `header.payload` with that key.
    fn check_signature<F>(&self, key_lookup: F) -> Result<()>
    where
        F: Fn(&str) -> Option<PublicKey>,
    {
        backend::ensure_installed()?;
        check_header(&self.header)?;
        let kid = self
            .header
            .kid
            .as_deref()
            .ok_or(CryptoError::UnknownKeyId)?;
        let key = key_lookup(kid).ok_or(CryptoError::UnknownKeyId)?;
        let valid = key
            .with_decoding_key(|decoding| {
                jsonwebtoken::crypto::verify(
                    self.signature,
                    self.signed.as_bytes(),
                    decoding,
                    Algorithm::RS256,
                )
            })
            .map_err(from_library)?;
        if valid {
            Ok(())
        } else {
            Err(CryptoError::InvalidSignature)
        }
    }
}

/// RS256, and no extension: RFC 7515 §4.1.11 makes any `crit` we do not understand (we
/// understand none) invalidate the token, and RFC 7797's `b64: false` (an unencoded payload,
/// which JWTs must not use) would sign other bytes than the ones we decode.
fn check_header(header: &Header) -> Result<()> {
    if header.alg != Algorithm::RS256 {
        return Err(CryptoError::UnsupportedAlgorithm(format!(
            "{:?}",
            header.alg
        )));
    }
    if header.crit.is_some() {
        return Err(CryptoError::MalformedToken(
            "critical header extensions are not supported",
        ));
    }
    if header
        .extras
        .inner()
        .get("b64")
        .is_some_and(|b64| b64 != &Value::Bool(true))
    {
        return Err(CryptoError::MalformedToken(
            "unencoded payloads are not supported",
        ));
    }
    Ok(())
}

fn check_size(token: &str) -> Result<()> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(CryptoError::TokenTooLarge);
    }
    Ok(())
}

/// Our error for one of jsonwebtoken's.
fn from_library(error: JwtError) -> CryptoError {
    match error.kind() {
        ErrorKind::InvalidSignature => CryptoError::InvalidSignature,
        ErrorKind::InvalidAlgorithm
        | ErrorKind::InvalidAlgorithmName
        | ErrorKind::UnsupportedAlgorithm
        | ErrorKind::MissingAlgorithm => CryptoError::UnsupportedAlgorithm("not RS256".into()),
        ErrorKind::ExpiredSignature => CryptoError::Expired,
        ErrorKind::ImmatureSignature => CryptoError::InvalidClaim("nbf"),
        ErrorKind::InvalidIssuer => CryptoError::InvalidClaim("iss"),
        ErrorKind::InvalidAudience => CryptoError::InvalidClaim("aud"),
        ErrorKind::InvalidSubject => CryptoError::InvalidClaim("sub"),
        ErrorKind::MissingRequiredClaim(name) | ErrorKind::InvalidClaimFormat(name) => {
            CryptoError::InvalidClaim(registered_name(name))
        }
        ErrorKind::InvalidRsaKey(reason) => CryptoError::InvalidKey(reason.clone()),
        ErrorKind::Base64(_) => CryptoError::MalformedToken("a segment is not base64url"),
        ErrorKind::Json(_) | ErrorKind::Utf8(_) => {
            CryptoError::MalformedToken("claims are not a JSON object with distinct members")
        }
        _ => CryptoError::MalformedToken("not a compact JWS"),
    }
}

/// The registered claim jsonwebtoken names, as a static name.
fn registered_name(name: &str) -> &'static str {
    ["exp", "nbf", "iss", "aud", "sub"]
        .into_iter()
        .find(|registered| *registered == name)
        .unwrap_or("claim")
}

/// A claims object whose member names are distinct. JSON leaves repeated names undefined and
/// parsers differ on which one wins, so a token with one is refused rather than read.
struct Members(Map<String, Value>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MembersVisitor)
    }
}

struct MembersVisitor;

impl<'de> Visitor<'de> for MembersVisitor {
    type Value = Members;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON object with distinct member names")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Members, A::Error> {
        let mut members = Map::new();
        while let Some((name, value)) = access.next_entry::<String, Value>()? {
            match members.entry(name) {
                Entry::Vacant(vacant) => vacant.insert(value),
                Entry::Occupied(_) => return Err(de::Error::custom("repeated member name")),
            };
        }
        Ok(Members(members))
    }
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
///
/// A checked claim of the wrong JSON type fails its check; it never counts as absent (that
/// confusion was jsonwebtoken's CVE-2026-25537).
pub fn check_standard_claims(
    claims: &Value,
    now_epoch: u64,
    checks: &ClaimChecks<'_>,
) -> Result<()> {
    let object = claims.as_object().ok_or(CryptoError::InvalidClaim("exp"))?;
    let (exp, nbf) = lifetime(object)?;
    check_lifetime(exp, nbf, now_epoch, checks.leeway_secs)?;
    expect_string_claim(claims, "iss", checks.issuer)?;
    expect_string_claim(claims, "token_use", checks.token_use)?;
    if let Some(client_id) = checks.client_id {
        check_client_id(claims, client_id)?;
    }
    Ok(())
}

/// The one comparison of token times with the clock: valid while `now < exp` and, when the
/// token has one, `nbf <= now`, each with `leeway_secs` of skew.
pub fn check_lifetime(exp: u64, nbf: Option<u64>, now_epoch: u64, leeway_secs: u64) -> Result<()> {
    if now_epoch >= exp.saturating_add(leeway_secs) {
        return Err(CryptoError::Expired);
    }
    match nbf {
        Some(nbf) if now_epoch.saturating_add(leeway_secs) < nbf => {
            Err(CryptoError::InvalidClaim("nbf"))
        }
        _ => Ok(()),
    }
}

/// The `exp` and `nbf` of claims already checked, for checking their lifetime again later with
/// [`check_lifetime`] (a verified token kept for reuse).
pub fn lifetime(claims: &Map<String, Value>) -> Result<(u64, Option<u64>)> {
    let exp = claims
        .get("exp")
        .and_then(numeric_value)
        .ok_or(CryptoError::InvalidClaim("exp"))?;
    let nbf = match claims.get("nbf") {
        Some(nbf) => Some(numeric_value(nbf).ok_or(CryptoError::InvalidClaim("nbf"))?),
        None => None,
    };
    Ok((exp, nbf))
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
