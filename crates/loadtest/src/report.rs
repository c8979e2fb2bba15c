//! The load run's report: a table on stdout, optionally JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;

use crate::stats::OpStats;

/// How many distinct error kinds the table shows per operation (the JSON has them all).
const TABLE_ERROR_KINDS: usize = 3;

#[derive(Serialize)]
pub struct Report {
    pub scenario: String,
    pub endpoint: String,
    pub concurrency: usize,
    pub warmup_s: f64,
    pub duration_s: f64,
    pub request_limit: Option<u64>,
    /// Measured wall time: from the end of warm-up to the last answer.
    pub elapsed_s: f64,
    /// The do-nothing server loaded the same way in the same run (absent with --no-baseline).
    pub noop: Option<Baseline>,
    pub operations: Vec<OpReport>,
}

/// The do-nothing server's result.
#[derive(Serialize)]
pub struct Baseline {
    pub endpoint: String,
    pub requests: u64,
    pub errors: u64,
    pub requests_per_s: f64,
}

#[derive(Serialize)]
pub struct OpReport {
    pub operation: String,
    pub requests: u64,
    pub errors: u64,
    pub error_types: BTreeMap<String, u64>,
    pub requests_per_s: f64,
    /// `requests_per_s` over the do-nothing server's rate in the same run.
    pub ratio_to_noop: Option<f64>,
    /// Latency of successful requests, milliseconds (absent when none succeeded).
    pub latency_ms: Option<Latency>,
}

#[derive(Serialize)]
pub struct Latency {
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

impl OpReport {
    pub fn new(operation: &str, s: OpStats, elapsed_s: f64, noop_rate: Option<f64>) -> Self {
        let h = &s.latency;
        let ms = |us: u64| us as f64 / 1000.0;
        let latency = (!h.is_empty()).then(|| Latency {
            mean: h.mean() / 1000.0,
            p50: ms(h.value_at_quantile(0.50)),
            p90: ms(h.value_at_quantile(0.90)),
            p99: ms(h.value_at_quantile(0.99)),
            max: ms(h.max()),
        });
        let requests_per_s = if elapsed_s > 0.0 {
            s.requests as f64 / elapsed_s
        } else {
            0.0
        };
        Self {
            operation: operation.to_owned(),
            requests: s.requests,
            errors: s.errors,
            error_types: s.error_types,
            requests_per_s,
            ratio_to_noop: noop_rate.filter(|r| *r > 0.0).map(|r| requests_per_s / r),
            latency_ms: latency,
        }
    }
}

impl Report {
    pub fn table(&self) -> String {
        let mut out = String::new();
        let limit = self
            .request_limit
            .map(|n| format!(", limit {n} requests"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "scenario {}  endpoint {}  concurrency {}  warmup {:.1}s  duration {:.1}s{limit}  \
             measured {:.2}s",
            self.scenario,
            self.endpoint,
            self.concurrency,
            self.warmup_s,
            self.duration_s,
            self.elapsed_s
        );
        let _ = writeln!(
            out,
            "{:<28} {:>10} {:>8} {:>10} {:>10} {:>6} {:>9} {:>9} {:>9} {:>9}",
            "operation",
            "requests",
            "errors",
            "req/s",
            "noop req/s",
            "ratio",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "max ms"
        );
        for op in &self.operations {
            let (p50, p90, p99, max) = match &op.latency_ms {
                Some(l) => (
                    format!("{:.3}", l.p50),
                    format!("{:.3}", l.p90),
                    format!("{:.3}", l.p99),
                    format!("{:.3}", l.max),
                ),
                None => ("-".into(), "-".into(), "-".into(), "-".into()),
            };
            let (noop, ratio) = match (&self.noop, op.ratio_to_noop) {
                (Some(b), Some(r)) => (format!("{:.1}", b.requests_per_s), format!("{r:.3}")),
                _ => ("-".into(), "-".into()),
            };
            let _ = writeln!(
                out,
                "{:<28} {:>10} {:>8} {:>10.1} {:>10} {:>6} {:>9} {:>9} {:>9} {:>9}",
                op.operation,
                op.requests,
                op.errors,
                op.requests_per_s,
                noop,
                ratio,
                p50,
                p90,
                p99,
                max
            );
            if op.errors > 0 {
                let mut kinds: Vec<_> = op.error_types.iter().collect();
                kinds.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
                let shown: Vec<String> = kinds
                    .iter()
                    .take(TABLE_ERROR_KINDS)
                    .map(|(k, n)| format!("{k} ×{n}"))
                    .collect();
                let more = kinds.len().saturating_sub(TABLE_ERROR_KINDS);
                let more = if more > 0 {
                    format!(" (+{more} more kinds)")
                } else {
                    String::new()
                };
                let _ = writeln!(out, "  errors: {}{more}", shown.join(", "));
            }
        }
        if let Some(b) = &self.noop {
            let _ = writeln!(
                out,
                "do-nothing server (same stack, canned 200, same load, slices alternating with the \
                 scenario's): {:.1} req/s ({} requests, {} errors); ratio = req/s ÷ that",
                b.requests_per_s, b.requests, b.errors
            );
        }
        let _ = write!(
            out,
            "latency: successful (HTTP 200) requests only; req/s counts every request"
        );
        out
    }

    pub fn write_json(&self, path: &Path) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(self)?;
        std::fs::write(path, text + "\n").with_context(|| format!("writing {}", path.display()))
    }
}
