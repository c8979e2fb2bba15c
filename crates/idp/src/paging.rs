//! Opaque pagination tokens: the last key of a page, bound to what was listed so a token from
//! one listing cannot be replayed against another.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

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
}
