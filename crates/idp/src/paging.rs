//! Opaque pagination tokens: the last key of a page, bound to what was listed so a token from
//! one listing cannot be replayed against another.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use cognate_crypto::seal::SealKey;

use crate::errors::{Result, invalid_parameter};

/// Encodes `last_key` of a listing identified by `scope` (e.g. the pool id).
pub fn encode(scope: &str, last_key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{scope}\n{last_key}"))
}

/// The key to continue after, or `InvalidParameterException` for a token of another listing.
pub fn decode(scope: &str, token: &str) -> Result<String> {
    let bad = || invalid_parameter("Invalid pagination token.");
    let raw = URL_SAFE_NO_PAD.decode(token).map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let (token_scope, key) = text.split_once('\n').ok_or_else(bad)?;
    if token_scope != scope {
        return Err(bad());
    }
    Ok(key.to_string())
}

/// A tamper-evident token: `last_key` sealed (AES-GCM) with the server key, the listing's
/// `scope` (pool, filter...) as associated data. It reveals nothing and opens only for the
/// same listing on a server with the same key (any replica).
pub fn seal(key: &SealKey, scope: &str, last_key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.seal(last_key.as_bytes(), &sealed_aad(scope)))
}

/// The key a `seal`ed token continues after, or `InvalidParameterException` for a token that
/// was altered or belongs to another listing.
pub fn open(key: &SealKey, scope: &str, token: &str) -> Result<String> {
    let bad = || invalid_parameter("Invalid pagination token.");
    let sealed = URL_SAFE_NO_PAD.decode(token).map_err(|_| bad())?;
    let raw = key.open(&sealed, &sealed_aad(scope)).map_err(|_| bad())?;
    String::from_utf8(raw).map_err(|_| bad())
}

/// Page size when a listing names none (the models allow 0..=60).
const DEFAULT_LIMIT: i32 = 60;

/// A listing's `Limit`: the model bounds it to 0..=60; 0 and none mean a full page.
pub fn page_limit(limit: Option<i32>) -> usize {
    match limit {
        Some(n) if n > 0 => n.min(DEFAULT_LIMIT) as usize,
        _ => DEFAULT_LIMIT as usize,
    }
}

/// `open` for a listing's optional incoming token.
pub fn open_after(key: &SealKey, scope: &str, token: Option<&str>) -> Result<Option<String>> {
    token.map(|token| open(key, scope, token)).transpose()
}

/// `seal` for a page's optional last key.
pub fn seal_next(key: &SealKey, scope: &str, last_key: Option<String>) -> Option<String> {
    last_key.map(|last| seal(key, scope, &last))
}

fn sealed_aad(scope: &str) -> Vec<u8> {
    format!("cognate-paging\n{scope}").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_within_its_scope_only() {
        let token = encode("pool-a", "user-7");
        assert_eq!(decode("pool-a", &token).unwrap(), "user-7");
        assert!(decode("pool-b", &token).is_err());
        assert!(decode("pool-a", "!!!").is_err());
    }

    #[test]
    fn sealed_tokens_open_only_unaltered_and_in_their_scope() {
        let key = SealKey::generate();
        let token = seal(&key, "users/pool-a/", "user-7");
        assert!(!token.contains("user-7"));
        assert_eq!(open(&key, "users/pool-a/", &token).unwrap(), "user-7");
        assert!(open(&key, "users/pool-b/", &token).is_err());
        assert!(open(&SealKey::generate(), "users/pool-a/", &token).is_err());
        let mut altered = token.into_bytes();
        let last = altered.len() / 2;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        assert!(open(&key, "users/pool-a/", &altered).is_err());
    }
}
