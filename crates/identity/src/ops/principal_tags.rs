//! Principal tags: per provider, a map of session tag → token claim (or AWS's defaults), stored
//! on the pool and applied to the credentials minted for a login.

use std::collections::BTreeMap;

use cognate_domain::identity::IdentityPool;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::logins::VerifiedLogin;

/// One provider's setting as stored, keyed by canonical provider name.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TagMap {
    pub use_defaults: bool,
    pub principal_tags: BTreeMap<String, String>,
}

pub fn all(pool: &IdentityPool) -> BTreeMap<String, TagMap> {
    serde_json::from_value(pool.principal_tags.clone()).unwrap_or_default()
}

/// The session tags for credentials minted for `login`.
pub fn tags_for(pool: &IdentityPool, login: &VerifiedLogin) -> BTreeMap<String, String> {
    let Some(map) = all(pool).remove(&login.provider) else {
        return BTreeMap::new();
    };
    let mut mapping = map.principal_tags;
    if map.use_defaults {
        mapping.insert("client".into(), "aud".into());
        mapping.insert("username".into(), "sub".into());
    }
    mapping
        .into_iter()
        .filter_map(|(tag, claim)| {
            let value = match login.token.claims.get(&claim)? {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            Some((tag, value))
        })
        .collect()
}
