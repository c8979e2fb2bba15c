//! Per-operation counters and latency histograms. Each worker owns one [`Stats`]; they are merged
//! at the end, so the hot path takes no lock.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use hdrhistogram::Histogram;

/// Latencies are recorded in microseconds, up to one hour, three significant figures.
const MAX_MICROS: u64 = 3_600_000_000;

pub struct OpStats {
    pub requests: u64,
    pub errors: u64,
    /// Error kinds (`__type` or transport failure) with their counts.
    pub error_types: BTreeMap<String, u64>,
    /// Latency of successful (HTTP 200) requests, µs.
    pub latency: Histogram<u64>,
}

impl OpStats {
    fn new() -> Self {
        Self {
            requests: 0,
            errors: 0,
            error_types: BTreeMap::new(),
            latency: new_histogram(),
        }
    }

    fn merge(&mut self, other: OpStats) {
        self.requests += other.requests;
        self.errors += other.errors;
        for (k, n) in other.error_types {
            *self.error_types.entry(k).or_default() += n;
        }
        // Same bounds on both sides: adding cannot fail.
        let _ = self.latency.add(&other.latency);
    }
}

pub fn new_histogram() -> Histogram<u64> {
    #[allow(clippy::expect_used)]
    Histogram::new_with_bounds(1, MAX_MICROS, 3).expect("constant histogram bounds are valid")
}

/// Microseconds of a duration, clamped to the histogram's range.
pub fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros())
        .unwrap_or(u64::MAX)
        .clamp(1, MAX_MICROS)
}

#[derive(Default)]
pub struct Stats {
    ops: HashMap<&'static str, OpStats>,
}

impl Stats {
    pub fn ok(&mut self, op: &'static str, latency: Duration) {
        let s = self.ops.entry(op).or_insert_with(OpStats::new);
        s.requests += 1;
        s.latency.saturating_record(micros(latency));
    }

    pub fn error(&mut self, op: &'static str, kind: String) {
        let s = self.ops.entry(op).or_insert_with(OpStats::new);
        s.requests += 1;
        s.errors += 1;
        *s.error_types.entry(kind).or_default() += 1;
    }

    pub fn merge(&mut self, other: Stats) {
        for (op, s) in other.ops {
            match self.ops.get_mut(op) {
                Some(mine) => mine.merge(s),
                None => {
                    self.ops.insert(op, s);
                }
            }
        }
    }

    /// Requests and errors over all operations.
    pub fn totals(&self) -> (u64, u64) {
        self.ops
            .values()
            .fold((0, 0), |(r, e), s| (r + s.requests, e + s.errors))
    }

    /// Operations sorted by name.
    pub fn into_sorted(self) -> Vec<(&'static str, OpStats)> {
        let mut v: Vec<_> = self.ops.into_iter().collect();
        v.sort_by_key(|(op, _)| *op);
        v
    }
}
