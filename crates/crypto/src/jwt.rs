//! Tokens: compact JWS with RS256 only, what Cognito issues and what its verifiers expect.
//!
//! jsonwebtoken does the JWS work (encoding, splitting, base64url, the header, the signature
//! through our RS256-only provider in [`backend`]); this module is Cognate's policy around it:
//! - a size cap checked before any decoding, so an attacker cannot make us work on huge inputs;
//! - RS256 only (in `Validation` and in the provider) and no `crit` extension at all
//!   (jsonwebtoken itself refuses `b64: false`);
//! - a `kid` is required and must name a key the caller's lookup knows (the pool's keys); key
//!   material a token carries about itself (`jwk`, `jku`, `x5u`, `x5c`) is never used;
//! - a claims object must be an object with distinct member names (parsers disagree on which
//!   of two equal names wins);
//! - `exp`/`nbf` against the time the caller passes (the injected Clock), never the system
//!   clock: jsonwebtoken's own time checks read `SystemTime`, so they are switched off and
//!   [`check_lifetime`] is the one place token times are compared;
//! - issuer, audience or `client_id`, and `token_use`: [`ClaimChecks`], in `Validation` where
//!   jsonwebtoken can express them and in [`check_standard_claims`] for all of them.
//!
//! A server routes a token before verifying it (its `iss` names the pool whose keys verify
//! it): [`Unverified`] decodes it once for both, and hands the claims out only from `verify`.

pub(crate) mod backend;

use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;

use jsonwebtoken::errors::{Error as JwtError, ErrorKind};
use jsonwebtoken::{Algorithm, Validation};
use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, Visitor};
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
    check_size(token)?;
    let header = jsonwebtoken::decode_header(token)
        .map_err(|_| CryptoError::MalformedToken("header is not a JOSE header"))?;
    let claims: Members = verified(token, &header, key_lookup, &validation(None))?;
    Ok(Value::Object(claims.0))
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
    token: &'t str,
    header: Header,
    claims: Map<String, Value>,
}

impl<'t> Unverified<'t> {
    /// Decodes `token` (after the size cap); the claims must be an object with distinct names.
    pub fn parse(token: &'t str) -> Result<Self> {
        check_size(token)?;
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| CryptoError::MalformedToken("header is not a JOSE header"))?;
        let claims = jsonwebtoken::dangerous::insecure_decode_claims::<Members>(token)
            .map_err(from_library)?;
        Ok(Unverified {
            token,
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
        // The claims were decoded from this token in `parse`: jsonwebtoken need not build them
        // again, only run its own validation on them.
        verified::<IgnoredAny, _>(
            self.token,
            &self.header,
            key_lookup,
            &validation(Some(checks)),
        )?;
        let claims = Value::Object(self.claims);
        check_standard_claims(&claims, now_epoch, checks)?;
        serde_json::from_value(claims)
            .map_err(|_| CryptoError::MalformedToken("unexpected claim types"))
    }
}

fn check_size(token: &str) -> Result<()> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(CryptoError::TokenTooLarge);
    }
    Ok(())
}

/// The header policy and the key lookup, then jsonwebtoken's verification and decoding of
/// `token`'s claims into `T`. `header` is `token`'s, decoded by the caller.
fn verified<T, F>(token: &str, header: &Header, key_lookup: F, validation: &Validation) -> Result<T>
where
    T: DeserializeOwned,
    F: Fn(&str) -> Option<PublicKey>,
{
    backend::ensure_installed()?;
    if header.alg != Algorithm::RS256 {
        return Err(CryptoError::UnsupportedAlgorithm(format!(
            "{:?}",
            header.alg
        )));
    }
    // RFC 7515 §4.1.11: we understand no extension, so any `crit` makes the token invalid.
    if header.crit.is_some() {
        return Err(CryptoError::MalformedToken(
            "critical header extensions are not supported",
        ));
    }
    let kid = header.kid.as_deref().ok_or(CryptoError::UnknownKeyId)?;
    let key = key_lookup(kid).ok_or(CryptoError::UnknownKeyId)?;
    key.with_decoding_key(|decoding| jsonwebtoken::decode::<T>(token, decoding, validation))
        .map(|data| data.claims)
        .map_err(from_library)
}

/// jsonwebtoken's validation for RS256 tokens, with `checks`' issuer and audience when given.
/// The common ones are built once: a `Validation` holds hash sets, and this runs per token.
fn validation(checks: Option<&ClaimChecks<'_>>) -> Cow<'static, Validation> {
    static SIGNATURE_ONLY: LazyLock<Validation> = LazyLock::new(|| build_validation(None));
    static EXP_REQUIRED: LazyLock<Validation> =
        LazyLock::new(|| build_validation(Some(&ClaimChecks::default())));
    match checks {
        None => Cow::Borrowed(&*SIGNATURE_ONLY),
        Some(checks) if checks.issuer.is_none() && checks.client_id.is_none() => {
            Cow::Borrowed(&*EXP_REQUIRED)
        }
        Some(checks) => Cow::Owned(build_validation(Some(checks))),
    }
}

fn build_validation(checks: Option<&ClaimChecks<'_>>) -> Validation {
    let mut validation = Validation::new(Algorithm::RS256);
    // jsonwebtoken compares `exp`/`nbf` with the system clock; ours come from the injected
    // Clock and are compared in `check_lifetime`, the one place token times are checked.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.leeway = 0;
    validation.required_spec_claims.clear();
    validation.validate_aud = false;
    if let Some(checks) = checks {
        validation.required_spec_claims.insert("exp".to_owned());
        if let Some(issuer) = checks.issuer {
            validation.set_issuer(&[issuer]);
            validation.required_spec_claims.insert("iss".to_owned());
        }
        // `aud` when the token has one; Cognito's access tokens name the client in
        // `client_id` instead, which `check_standard_claims` checks.
        if let Some(client_id) = checks.client_id {
            validation.set_audience(&[client_id]);
            validation.validate_aud = true;
        }
    }
    validation
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
    let exp = numeric_claim(claims, "exp").ok_or(CryptoError::InvalidClaim("exp"))?;
    let nbf = match claims.get("nbf") {
        Some(nbf) => Some(numeric_value(nbf).ok_or(CryptoError::InvalidClaim("nbf"))?),
        None => None,
    };
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
