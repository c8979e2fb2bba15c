//! Criterion measured in CPU time of the whole bench process instead of wall time.
//!
//! The crypto costs divide into the server's CPU (issue 16's ceilings: a flow's rate can be no
//! more than the cores the server gets over its crypto cost per request), and the machine is
//! shared: wall time counts the moments another process held the core, CPU time does not. It
//! is the process's time, not the thread's, because argon2 runs on the hasher's own thread.
//! On an idle machine the two agree for these single-threaded operations.

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use rustix::time::{ClockId, Timespec, clock_gettime};

/// CPU time (user and system) of every thread of this process, in nanoseconds.
pub struct ProcessCpuTime {
    /// Formats nanoseconds as wall time does (ns, µs, ms, s).
    wall: WallTime,
}

impl ProcessCpuTime {
    pub fn new() -> Self {
        Self { wall: WallTime }
    }
}

fn nanos(time: Timespec) -> u64 {
    let secs = u64::try_from(time.tv_sec).unwrap_or(0);
    let nanos = u64::try_from(time.tv_nsec).unwrap_or(0);
    secs * 1_000_000_000 + nanos
}

impl Measurement for ProcessCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        nanos(clock_gettime(ClockId::ProcessCPUTime))
    }

    fn end(&self, started: u64) -> u64 {
        nanos(clock_gettime(ClockId::ProcessCPUTime)).saturating_sub(started)
    }

    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }

    fn zero(&self) -> u64 {
        0
    }

    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        self.wall.formatter()
    }
}
