//! Cache invalidation across replicas: what changed in the shared store, and the subscribers
//! (in-process caches) told about it.
//!
//! Replicas share the database and nothing else. A cache of anything a write can change (a
//! pool, a client, a user, a user's sessions, a pool's keys or groups, an identity pool or its
//! identities) subscribes here and drops what a
//! [`Change`] names. Who publishes:
//! - on Postgres, a listener in `cognate-store-postgres` receives the notifications that the
//!   tables' triggers raise on every committed write (any replica's, this one's too) and
//!   publishes them, within milliseconds; if its connection drops it publishes
//!   [`Change::Everything`], since notifications may have been missed;
//! - on the replica that wrote, the write path itself must leave its caches exact before it
//!   answers (publish here, or update the cache) — the notification arrives after the answer;
//! - on SQLite the process is the only writer, so the write paths' own invalidation is exact
//!   and nothing else publishes.
//!
//! Subscribers run synchronously on the publisher's thread: keep them to a map removal.

use std::sync::{Arc, RwLock};

/// One change to the shared store, as precise as the writer's table allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The pool's settings changed, or the pool was deleted (with everything in it).
    Pool { pool_id: String },
    /// An app client changed or was deleted.
    Client { pool_id: String, client_id: String },
    /// A user changed (attributes, password, enabled, status, deletion) or its sessions did
    /// (refresh tokens revoked, a global sign-out). `username_key` is the stored key.
    User {
        pool_id: String,
        username_key: String,
    },
    /// The pool's signing keys changed.
    Keys { pool_id: String },
    /// A user pool's groups changed (a group updated or deleted, with its memberships).
    Groups { pool_id: String },
    /// An identity pool changed or was deleted (with its identities).
    IdentityPool { identity_pool_id: String },
    /// Identities changed (their logins, or deletion): which ones is not told, as an identity's
    /// login bindings are kept by login and by identity alike.
    Identities,
    /// Anything may have changed (missed notifications): drop everything.
    Everything,
}

type Subscriber = Arc<dyn Fn(&Change) + Send + Sync>;

/// The subscribers of one process. Cheap to clone; clones share the subscribers.
#[derive(Clone, Default)]
pub struct Invalidations {
    subscribers: Arc<RwLock<Vec<Subscriber>>>,
}

impl std::fmt::Debug for Invalidations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.subscribers.read().map_or(0, |s| s.len());
        f.debug_struct("Invalidations")
            .field("subscribers", &count)
            .finish()
    }
}

impl Invalidations {
    /// Calls `on_change` with every change published from now on. A subscriber that holds its
    /// cache should hold it weakly, so that the cache can still be dropped.
    pub fn subscribe(&self, on_change: impl Fn(&Change) + Send + Sync + 'static) {
        let mut subscribers = self
            .subscribers
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        subscribers.push(Arc::new(on_change));
    }

    /// Tells every subscriber about `change`.
    pub fn publish(&self, change: &Change) {
        // Cloned out of the lock: a subscriber may subscribe or publish in turn.
        let subscribers: Vec<Subscriber> = self
            .subscribers
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        for subscriber in subscribers {
            subscriber(change);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[test]
    fn every_subscriber_sees_every_change() {
        let invalidations = Invalidations::default();
        let seen = Arc::new(Mutex::new(Vec::new()));
        for n in 0..2 {
            let seen = seen.clone();
            invalidations.subscribe(move |c| seen.lock().unwrap().push((n, c.clone())));
        }
        let change = Change::Pool {
            pool_id: "us-east-1_a".into(),
        };
        invalidations.clone().publish(&change);
        invalidations.publish(&Change::Everything);
        assert_eq!(
            *seen.lock().unwrap(),
            vec![
                (0, change.clone()),
                (1, change),
                (0, Change::Everything),
                (1, Change::Everything)
            ]
        );
    }
}
