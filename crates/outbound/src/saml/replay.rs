//! The assertion IDs already signed in with, each remembered until its NotOnOrAfter (after
//! which the assertion is refused as expired anyway). In-process and bounded: no store table
//! fits a one-time ID with an expiry, so replicas do not share it; a replay to another replica
//! still has to carry the same browser-bound RelayState, whose AuthnRequest ID the assertion
//! answers, within the state's lifetime.

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

/// Most IDs remembered; past it the soonest-expiring is forgotten first.
const CAPACITY: usize = 100_000;

#[derive(Default)]
struct Seen {
    until: HashMap<String, i64>,
    /// (expiry, key), to forget the expired and the soonest-expiring.
    by_expiry: BTreeSet<(i64, String)>,
}

/// Assertion IDs seen, shared by every request of the process.
#[derive(Default)]
pub struct SeenAssertions {
    seen: Mutex<Seen>,
}

impl SeenAssertions {
    /// Whether `key` is new (and now remembered until `until`), at `now` (epoch seconds).
    pub fn first_use(&self, key: String, until: i64, now: i64) -> bool {
        let mut seen = match self.seen.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        while let Some((expiry, _)) = seen.by_expiry.first()
            && *expiry < now
        {
            if let Some((_, old)) = seen.by_expiry.pop_first() {
                seen.until.remove(&old);
            }
        }
        if seen.until.contains_key(&key) {
            return false;
        }
        while seen.until.len() >= CAPACITY {
            match seen.by_expiry.pop_first() {
                Some((_, old)) => seen.until.remove(&old),
                None => break,
            };
        }
        seen.by_expiry.insert((until, key.clone()));
        seen.until.insert(key, until);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_used_once_until_it_expires() {
        let seen = SeenAssertions::default();
        assert!(seen.first_use("a".into(), 100, 10));
        assert!(!seen.first_use("a".into(), 100, 50));
        assert!(seen.first_use("b".into(), 100, 50));
        assert!(
            seen.first_use("a".into(), 300, 101),
            "forgotten once expired"
        );
    }
}
