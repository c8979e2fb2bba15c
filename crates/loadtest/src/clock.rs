//! The one place this crate reads the wall clock.
//!
//! The workspace forbids `Instant::now` so that server code goes through its injected `Clock`.
//! A load tester's whole job is to measure elapsed wall time (latencies, deadlines, start-up
//! time) of another process, so it reads the monotonic clock here and nowhere else.

use std::time::Instant;

/// The current instant of the monotonic clock.
#[allow(clippy::disallowed_methods)] // measuring wall time is what a load tester is for
pub fn now() -> Instant {
    Instant::now()
}
