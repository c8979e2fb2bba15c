//! `startup`: how long the server takes from exec to its first successful ListUserPools, and how
//! much memory it holds when idle right then.
//!
//! Plain blocking std code: one child at a time, and a runtime would only add noise to a
//! measurement of a few milliseconds.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Serialize;

use crate::api::{CONTENT_TYPE_JSON_11, IDP_TARGET_PREFIX};
use crate::cli::StartupArgs;
use crate::clock;
use crate::stats::{micros, new_histogram};

/// Longest a single connection attempt may block: a listening loopback socket answers at once.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(100);
const PROBE_BODY: &str = r#"{"MaxResults":10}"#;

/// What one measured start-up came to.
struct Sample {
    ready: Duration,
    /// VmRSS at the first success, KiB (absent where /proc is not available).
    rss_kib: Option<u64>,
}

#[derive(Serialize)]
struct StartupReport {
    binary: String,
    server_args: Vec<String>,
    warmup_runs: usize,
    runs: usize,
    /// exec → first HTTP 200 to ListUserPools, milliseconds.
    ready_ms: Summary,
    /// Resident memory right after the first success, KiB.
    idle_rss_kib: Option<Summary>,
    samples_ms: Vec<f64>,
}

#[derive(Serialize)]
struct Summary {
    min: f64,
    p50: f64,
    p90: f64,
    max: f64,
}

pub fn run(args: StartupArgs) -> anyhow::Result<()> {
    if args.runs == 0 {
        bail!("--runs must be at least 1");
    }
    if !args.binary.is_file() {
        bail!(
            "server binary {} not found (build it with `cargo build --release --bin cognate`)",
            args.binary.display()
        );
    }
    for i in 0..args.warmup_runs {
        measure_once(&args).with_context(|| format!("warm-up run {}", i + 1))?;
    }
    let mut samples = Vec::with_capacity(args.runs);
    for i in 0..args.runs {
        samples.push(measure_once(&args).with_context(|| format!("run {}", i + 1))?);
    }
    let report = summarize(&args, &samples);
    print_report(&report);
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&report)?;
        std::fs::write(path, text + "\n").with_context(|| format!("writing {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// Kills and reaps the server however the run ends, so no child outlives a failed run.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn measure_once(args: &StartupArgs) -> anyhow::Result<Sample> {
    let port = free_port()?;
    let started = clock::now();
    let mut server = Server(spawn(&args.binary, port, &args.server_args)?);
    let deadline = started + args.timeout;
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    loop {
        if probe(addr, deadline) {
            let ready = clock::now().duration_since(started);
            let rss_kib = vm_rss_kib(server.0.id());
            return Ok(Sample { ready, rss_kib });
        }
        if let Some(status) = server.0.try_wait()? {
            bail!("the server exited with {status} before answering on port {port}");
        }
        if clock::now() >= deadline {
            bail!(
                "no HTTP 200 from the server on port {port} within {:?}",
                args.timeout
            );
        }
        // No sleep: the point is to see the first moment the server answers.
        std::thread::yield_now();
    }
}

/// A port that was free a moment ago: bind port 0 on loopback, note it, release it. The server
/// may lose a race for it with another process; that run then fails and says so.
fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

fn spawn(binary: &Path, port: u16, extra: &[String]) -> anyhow::Result<Child> {
    Command::new(binary)
        .args(["serve", "--in-memory", "--host", "127.0.0.1", "--port"])
        .arg(port.to_string())
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))
}

/// One ListUserPools on a fresh connection; true on HTTP 200. Any failure (refused, reset,
/// not ready) is just "not yet".
fn probe(addr: SocketAddr, deadline: Instant) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) else {
        return false;
    };
    // Once connected, wait for the answer up to the run's deadline.
    let wait = deadline
        .saturating_duration_since(clock::now())
        .max(Duration::from_millis(1));
    let _ = stream.set_read_timeout(Some(wait));
    let _ = stream.set_write_timeout(Some(wait));
    let _ = stream.set_nodelay(true);
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {CONTENT_TYPE_JSON_11}\r\n\
         X-Amz-Target: {IDP_TARGET_PREFIX}ListUserPools\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{PROBE_BODY}",
        PROBE_BODY.len()
    );
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    status_is_200(&mut stream)
}

/// Reads just far enough to see the status line.
fn status_is_200(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 64];
    let mut len = 0;
    while len < buf.len() {
        match stream.read(&mut buf[len..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => len += n,
        }
        if buf[..len].contains(&b'\n') {
            break;
        }
    }
    let line = String::from_utf8_lossy(&buf[..len]);
    let mut parts = line.split_whitespace();
    parts.next().is_some_and(|v| v.starts_with("HTTP/1.")) && parts.next() == Some("200")
}

/// The resident set of a process from /proc/<pid>/status (`VmRSS:   12345 kB`).
fn vm_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn summarize(args: &StartupArgs, samples: &[Sample]) -> StartupReport {
    let ready_us: Vec<u64> = samples.iter().map(|s| micros(s.ready)).collect();
    let rss: Vec<u64> = samples.iter().filter_map(|s| s.rss_kib).collect();
    StartupReport {
        binary: args.binary.display().to_string(),
        server_args: args.server_args.clone(),
        warmup_runs: args.warmup_runs,
        runs: samples.len(),
        ready_ms: summary(&ready_us, 1000.0),
        idle_rss_kib: (!rss.is_empty()).then(|| summary(&rss, 1.0)),
        samples_ms: samples
            .iter()
            .map(|s| s.ready.as_secs_f64() * 1e3)
            .collect(),
    }
}

/// min/p50/p90/max through the same histogram type as the load run, divided by `scale`.
fn summary(values: &[u64], scale: f64) -> Summary {
    let mut h = new_histogram();
    for &v in values {
        h.saturating_record(v);
    }
    let at = |q: f64| h.value_at_quantile(q) as f64 / scale;
    Summary {
        min: h.min() as f64 / scale,
        p50: at(0.50),
        p90: at(0.90),
        max: h.max() as f64 / scale,
    }
}

fn print_report(r: &StartupReport) {
    let extra = if r.server_args.is_empty() {
        String::new()
    } else {
        format!(" {}", r.server_args.join(" "))
    };
    println!(
        "startup of {} serve --in-memory{extra}: {} runs (+{} warm-up)",
        r.binary, r.runs, r.warmup_runs
    );
    let t = &r.ready_ms;
    println!(
        "exec → first 200 ms:  min {:.2}  p50 {:.2}  p90 {:.2}  max {:.2}",
        t.min, t.p50, t.p90, t.max
    );
    match &r.idle_rss_kib {
        Some(m) => println!(
            "idle RSS MiB:         min {:.1}  p50 {:.1}  p90 {:.1}  max {:.1}",
            m.min / 1024.0,
            m.p50 / 1024.0,
            m.p90 / 1024.0,
            m.max / 1024.0,
        ),
        None => println!("idle RSS: unavailable (no /proc/<pid>/status)"),
    }
}
