//! The signing keys of external providers, by JWKS URL: trusted for an hour after a fetch, an
//! unknown `kid` refetched at most once a minute per URL (so made-up kids cannot make us
//! hammer a provider), keys already known kept while the provider is unreachable, and a bound
//! on how many URLs are remembered.

use std::collections::HashMap;
use std::sync::Arc;

use cognate_crypto::{Jwk, PublicKey};
use cognate_domain::Timestamp;
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::Mutex;

use crate::fetch::{FetchError, Fetcher};

/// Keys are trusted this long after a fetch.
const JWKS_TTL_SECS: i64 = 3600;
/// An unknown `kid` refetches the JWKS at most this often.
const MIN_REFETCH_SECS: i64 = 60;
/// JWKS URLs remembered at once; past it the cache starts afresh (providers are few; this only
/// bounds memory against many distinct URLs).
const MAX_URLS: usize = 1024;

/// The keys last fetched from one JWKS URL.
#[derive(Default)]
struct KeySet {
    keys: HashMap<String, PublicKey>,
    fetched_at: Option<Timestamp>,
    attempted_at: Option<Timestamp>,
}

pub struct JwksCache {
    fetcher: Fetcher,
    sets: std::sync::Mutex<HashMap<String, Arc<Mutex<KeySet>>>>,
}

impl JwksCache {
    pub fn new(fetcher: Fetcher) -> Self {
        Self {
            fetcher,
            sets: std::sync::Mutex::default(),
        }
    }

    fn set(&self, url: &str) -> Arc<Mutex<KeySet>> {
        let mut sets = match self.sets.lock() {
            Ok(sets) => sets,
            Err(poisoned) => poisoned.into_inner(),
        };
        if !sets.contains_key(url) && sets.len() >= MAX_URLS {
            sets.clear();
        }
        sets.entry(url.to_string()).or_default().clone()
    }

    /// The key `kid` published at `url`, fetching the JWKS when the cache is stale or lacks it.
    pub async fn key(&self, url: &str, kid: &str, now: Timestamp) -> Option<PublicKey> {
        let set = self.set(url);
        let mut set = set.lock().await;
        let fresh = set
            .fetched_at
            .is_some_and(|at| now < at.plus_secs(JWKS_TTL_SECS));
        if fresh && let Some(key) = set.keys.get(kid) {
            return Some(key.clone());
        }
        let recently_tried = set
            .attempted_at
            .is_some_and(|at| now < at.plus_secs(MIN_REFETCH_SECS));
        if !recently_tried {
            set.attempted_at = Some(now);
            match self.fetch(url).await {
                Ok(keys) => {
                    set.keys = keys;
                    set.fetched_at = Some(now);
                }
                Err(error) => tracing::warn!(jwks_url = %url, %error, "JWKS fetch failed"),
            }
        }
        set.keys.get(kid).cloned()
    }

    /// The RS256 signing keys of a JWKS document, by kid; other keys are skipped.
    async fn fetch(&self, url: &str) -> Result<HashMap<String, PublicKey>, FetchError> {
        let document: JwksDocument =
            serde_json::from_value(self.fetcher.get_json(url, None).await?)
                .map_err(|error| FetchError::NotJson(error.to_string()))?;
        Ok(document
            .keys
            .into_iter()
            .filter_map(|jwk| {
                // One key jsonwebtoken cannot read (an unknown `alg`, say) spoils only itself.
                let jwk: Jwk = serde_json::from_value(jwk).ok()?;
                let key = PublicKey::from_jwk(&jwk).ok()?;
                Some((jwk.common.key_id?, key))
            })
            .collect())
    }
}

#[derive(Deserialize)]
struct JwksDocument {
    #[serde(default)]
    keys: Vec<Value>,
}
