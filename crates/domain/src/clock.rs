//! The only place that reads the wall clock. Everything else is handed a `Clock`.

use std::sync::atomic::{AtomicI64, Ordering};

use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn from_secs(secs: i64) -> Self {
        Self(secs.saturating_mul(1000))
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    pub fn secs(self) -> i64 {
        self.0.div_euclid(1000)
    }

    /// Whole epoch seconds as token checks take them (`exp`, `nbf`: unsigned); 0 before 1970.
    pub fn unsigned_secs(self) -> u64 {
        u64::try_from(self.secs()).unwrap_or_default()
    }

    /// Epoch seconds with a fraction, as the AWS JSON protocol writes timestamps.
    pub fn epoch_seconds(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    pub fn plus_secs(self, secs: i64) -> Self {
        Self(self.0.saturating_add(secs.saturating_mul(1000)))
    }
}

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the one sanctioned wall-clock read
    fn now(&self) -> Timestamp {
        let since_epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp(since_epoch.as_millis() as i64)
    }
}

/// The wall clock plus an offset that tests move forward (lockouts, code expiry, TOTP windows).
#[derive(Debug, Default)]
pub struct TestClock {
    offset_millis: AtomicI64,
}

impl TestClock {
    pub fn advance_secs(&self, secs: i64) {
        self.offset_millis
            .fetch_add(secs.saturating_mul(1000), Ordering::SeqCst);
    }

    pub fn offset_secs(&self) -> i64 {
        self.offset_millis.load(Ordering::SeqCst) / 1000
    }

    pub fn reset(&self) {
        self.offset_millis.store(0, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        let real = SystemClock.now();
        Timestamp(
            real.0
                .saturating_add(self.offset_millis.load(Ordering::SeqCst)),
        )
    }
}
