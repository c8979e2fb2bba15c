//! The service's caches following changes made by other replicas (see
//! `cognate_domain::invalidation`).
//!
//! What is cached today, and why it follows what it follows:
//! - `key_cache` (a pool's opened signing keys): dropped when the pool or its keys change.
//!   Keys are never rotated in place today, so this only frees a deleted pool's keys; it keeps
//!   the cache right if rotation comes.
//! - `token_cache` (access tokens whose signature was verified): holds only what the token's
//!   own bytes prove; expiry, revocation, the user and the client are read from the store on
//!   every call, so no change can make it wrong and it follows nothing.
//!
//! A cache of anything a write can change (users, sessions, clients, pools) must subscribe
//! here too, and its write paths must update it before they answer.

use std::sync::Arc;

use cognate_domain::invalidation::{Change, Invalidations};

use crate::Idp;

impl Idp {
    /// Subscribes this service's caches to `invalidations`. The subscription holds the
    /// service weakly: it does not keep a dropped service alive.
    pub fn follow(&self, invalidations: &Invalidations) {
        let services = Arc::downgrade(&self.0);
        invalidations.subscribe(move |change| {
            if let Some(services) = services.upgrade() {
                match change {
                    Change::Pool { pool_id } | Change::Keys { pool_id } => {
                        services.key_cache.forget(pool_id);
                    }
                    Change::Everything => services.key_cache.clear(),
                    Change::Client { .. }
                    | Change::User { .. }
                    | Change::Groups { .. }
                    | Change::IdentityPool { .. }
                    | Change::Identities => {}
                }
            }
        });
    }
}
