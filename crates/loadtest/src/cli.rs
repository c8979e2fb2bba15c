//! Command line: the load run (no subcommand) and `startup`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use reqwest::Url;

/// Longest measured phase a run accepts: every run is bounded.
const MAX_DURATION: Duration = Duration::from_secs(3600);
const MAX_CONCURRENCY: usize = 4096;

#[derive(Parser)]
#[command(
    name = "cognate-loadtest",
    version,
    about = "Load-test a local cognate server over AWS JSON 1.1 (loopback endpoints only)",
    after_help = "Examples:\n  \
        cognate-loadtest --endpoint http://127.0.0.1:9229 --scenario describe-user-pool \
        --concurrency 32 --duration 10s\n  \
        cognate-loadtest scenarios\n  \
        cognate-loadtest noop-server --port 9230\n  \
        cognate-loadtest startup --binary target/release/cognate --runs 20",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Subcommand)]
pub enum Command {
    /// Measure start-up: spawn the server, time exec → first successful ListUserPools, kill.
    Startup(StartupArgs),
    /// List the scenarios.
    Scenarios,
    /// Serve a canned HTTP 200 over cognate's HTTP stack (the baseline every report divides by).
    NoopServer(NoopArgs),
}

#[derive(Args)]
pub struct NoopArgs {
    /// Port on 127.0.0.1; 0 picks a free one (printed as `listening <addr>`).
    #[arg(long, default_value_t = 9230)]
    pub port: u16,
}

#[derive(Args)]
pub struct RunArgs {
    /// Server base URL; the host must be 127.0.0.1, localhost or ::1.
    #[arg(long, default_value = "http://127.0.0.1:9229")]
    pub endpoint: String,
    /// Scenario to run (see `cognate-loadtest scenarios`).
    #[arg(long)]
    pub scenario: Option<String>,
    /// Concurrent request loops (tokio tasks) sharing one keep-alive client.
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
    /// Measured time (e.g. 10s, 500ms, 2m); the run stops then at the latest.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub duration: Duration,
    /// Stop after this many measured requests (if reached before --duration).
    #[arg(long)]
    pub requests: Option<u64>,
    /// Unmeasured load before the measured phase (connections, caches).
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    pub warmup: Duration,
    /// Also write the report as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Delete the user pools this run created (by name prefix) at the end. Not needed when the
    /// server runs with --in-memory.
    #[arg(long)]
    pub cleanup: bool,
    /// Users created by the setup of user-based scenarios (initiate-auth, get-user, ...).
    #[arg(long, default_value_t = 8)]
    pub users: usize,
    /// list-users-filter only: list this existing pool (its users' emails of the form
    /// `user-<n>@example.com`, e.g. bulk-loaded) instead of creating a pool of --users users.
    #[arg(long)]
    pub pool: Option<String>,
    /// list-users-filter only: 100 five-digit prefixes (`email ^= "user-12345"`, about 11 users
    /// of a million each) instead of the nine one-digit ones.
    #[arg(long)]
    pub selective: bool,
    /// Per-request timeout.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// Skip the do-nothing server baseline (and the ratio column).
    #[arg(long)]
    pub no_baseline: bool,
}

/// Validated settings of a load run.
pub struct RunConfig {
    pub endpoint: Url,
    pub scenario: String,
    pub concurrency: usize,
    pub duration: Duration,
    pub requests: Option<u64>,
    pub warmup: Duration,
    pub json: Option<PathBuf>,
    pub cleanup: bool,
    pub users: usize,
    pub pool: Option<String>,
    pub selective: bool,
    pub timeout: Duration,
    /// Measure the do-nothing server in slices alternating with the scenario's.
    pub baseline: bool,
}

impl RunArgs {
    pub fn validate(self) -> anyhow::Result<RunConfig> {
        let Some(scenario) = self.scenario else {
            bail!(
                "--scenario is required; one of: {}",
                crate::scenarios::names().join(", ")
            );
        };
        if crate::scenarios::find(&scenario).is_none() {
            bail!(
                "unknown scenario {scenario:?}; one of: {}",
                crate::scenarios::names().join(", ")
            );
        }
        if !(1..=MAX_CONCURRENCY).contains(&self.concurrency) {
            bail!("--concurrency must be between 1 and {MAX_CONCURRENCY}");
        }
        if self.duration.is_zero() || self.duration > MAX_DURATION {
            bail!("--duration must be more than 0 and at most {MAX_DURATION:?}");
        }
        if self.warmup > MAX_DURATION {
            bail!("--warmup must be at most {MAX_DURATION:?}");
        }
        if self.requests == Some(0) {
            bail!("--requests must be at least 1");
        }
        if self.users == 0 || self.users > 10_000 {
            bail!("--users must be between 1 and 10000");
        }
        if self.timeout.is_zero() {
            bail!("--timeout must be more than 0");
        }
        Ok(RunConfig {
            endpoint: loopback_endpoint(&self.endpoint)?,
            scenario,
            concurrency: self.concurrency,
            duration: self.duration,
            requests: self.requests,
            warmup: self.warmup,
            json: self.json,
            cleanup: self.cleanup,
            users: self.users,
            pool: self.pool,
            selective: self.selective,
            timeout: self.timeout,
            baseline: !self.no_baseline,
        })
    }
}

#[derive(Args)]
pub struct StartupArgs {
    /// The cognate binary to start.
    #[arg(long, default_value = "target/release/cognate")]
    pub binary: PathBuf,
    /// Measured runs.
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
    /// Unmeasured runs first (page cache, dynamic loader).
    #[arg(long, default_value_t = 1)]
    pub warmup_runs: usize,
    /// Give up on a run whose server has not answered after this long.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// Extra argument for `cognate serve` (repeatable), after `--in-memory --host 127.0.0.1
    /// --port <free port>`.
    #[arg(long = "server-arg", allow_hyphen_values = true)]
    pub server_args: Vec<String>,
    /// Also write the report as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// `10s`, `250ms`, `1.5s`, `2m`, `500us`, or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("invalid duration {s:?} (examples: 10s, 500ms, 2m)"))?;
    let seconds = match unit.trim() {
        "" | "s" => value,
        "ms" => value / 1e3,
        "us" | "µs" => value / 1e6,
        "m" | "min" => value * 60.0,
        other => return Err(format!("unknown duration unit {other:?} in {s:?}")),
    };
    if !seconds.is_finite() || !(0.0..=86_400.0).contains(&seconds) {
        return Err(format!("duration {s:?} out of range"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// Parses the endpoint and refuses anything but plain HTTP on a loopback host.
pub fn loopback_endpoint(raw: &str) -> anyhow::Result<Url> {
    let url = Url::parse(raw).with_context(|| format!("invalid --endpoint {raw:?}"))?;
    if url.scheme() != "http" {
        bail!("--endpoint must be http://, got {raw:?}");
    }
    let host = url.host_str().unwrap_or("");
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || matches!(host.parse::<IpAddr>(),
            Ok(ip) if ip == IpAddr::V4(Ipv4Addr::LOCALHOST) || ip == IpAddr::V6(Ipv6Addr::LOCALHOST));
    if !loopback {
        bail!("refusing --endpoint {raw:?}: this tool only targets 127.0.0.1, localhost or ::1");
    }
    Ok(url)
}
