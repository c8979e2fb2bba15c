//! Tokens whose signature was verified, so that a token presented again is not verified again
//! (one RS256 verify, with the token's decoding, is most of a token-checked request).
//!
//! Keyed by the SHA-256 of the whole token: an entry holds only what those exact bytes, once
//! verified, prove (signer, claims), and no token is kept in memory. What can change — expiry
//! against the clock, revocation, the user, the pool and its keys — the callers check on every
//! use, hit or miss. Bounded: emptied when full (tokens are cheap to verify again).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cognate_crypto::secrets::sha256;

pub struct VerifiedTokenCache<T> {
    capacity: usize,
    entries: Mutex<HashMap<[u8; 32], Arc<T>>>,
}

impl<T> VerifiedTokenCache<T> {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub fn get(&self, token: &str) -> Option<Arc<T>> {
        let key = sha256(token.as_bytes());
        self.entries
            .lock()
            .ok()
            .and_then(|entries| entries.get(&key).cloned())
    }

    /// Keeps `verified`, which `token`'s signature was checked to prove.
    pub fn put(&self, token: &str, verified: Arc<T>) {
        let key = sha256(token.as_bytes());
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= self.capacity {
                entries.clear();
            }
            entries.insert(key, verified);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_kept_per_token_and_bounded() {
        let cache = VerifiedTokenCache::new(2);
        cache.put("a.b.c", Arc::new(1));
        cache.put("a.b.d", Arc::new(2));
        assert_eq!(cache.get("a.b.c").as_deref(), Some(&1));
        assert_eq!(cache.get("a.b.d").as_deref(), Some(&2));
        assert_eq!(cache.get("a.b.e"), None);
        cache.put("a.b.e", Arc::new(3));
        assert_eq!(cache.get("a.b.c"), None);
        assert_eq!(cache.get("a.b.e").as_deref(), Some(&3));
    }
}
