//! The load run: setup, an unmeasured warm-up, the measured phase, the report, cleanup.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use serde_json::{Value, json};

use crate::api::{Api, Outcome, field};
use crate::baseline::{self, NoopServer};
use crate::cli::RunConfig;
use crate::clock;
use crate::report::{Baseline, OpReport, Report};
use crate::scenarios::{self, Context, Plan};
use crate::stats::Stats;

/// The measured time is cut into this many slices, each followed by as long a slice against the
/// do-nothing server.
const BASELINE_SLICES: u32 = 5;
/// ListUserPools' largest page, so cleanup needs the fewest round trips.
const LIST_PAGE: u64 = 60;

/// What every worker shares for the whole run.
struct Load {
    api: Api,
    plan: Plan,
    /// Run-wide iteration number: generated names stay unique across tasks and phases.
    seq: AtomicU64,
}

/// One phase's bounds: workers stop at the deadline or once `limit` requests were issued.
struct Phase {
    deadline: Instant,
    limit: Option<u64>,
    issued: AtomicU64,
}

impl Phase {
    fn new(length: Duration, limit: Option<u64>) -> Self {
        Self {
            deadline: clock::now() + length,
            limit,
            issued: AtomicU64::new(0),
        }
    }

    /// Whether a worker may send one more request; counts it if so.
    fn claim(&self) -> bool {
        if clock::now() >= self.deadline {
            return false;
        }
        match self.limit {
            Some(limit) => self.issued.fetch_add(1, Ordering::Relaxed) < limit,
            None => true,
        }
    }
}

pub async fn run(cfg: RunConfig) -> anyhow::Result<()> {
    let api = Api::new(cfg.endpoint.clone(), cfg.concurrency, cfg.timeout)?;
    let ctx = Context::new(cfg.users, cfg.pool.clone(), cfg.selective);
    let result = measure(&cfg, &api, &ctx).await;
    // Cleanup also after a failed setup: the pools created before the failure are still there.
    if cfg.cleanup {
        match cleanup(&api, &ctx.prefix).await {
            Ok(n) => eprintln!("cleanup: deleted {n} user pools named {}-*", ctx.prefix),
            Err(e) if result.is_ok() => return Err(e.context("cleanup")),
            Err(e) => eprintln!("cleanup failed too: {e:#}"),
        }
    }
    result
}

async fn measure(cfg: &RunConfig, api: &Api, ctx: &Context) -> anyhow::Result<()> {
    let scenario = scenarios::find(&cfg.scenario)
        .with_context(|| format!("unknown scenario {:?}", cfg.scenario))?;
    eprintln!(
        "setup: scenario {} against {} (pools named {}-*)",
        scenario.name(),
        api.endpoint(),
        ctx.prefix
    );
    let plan = scenario
        .setup(api, ctx)
        .await
        .with_context(|| format!("setup of scenario {}", scenario.name()))?;
    let load = Arc::new(Load {
        api: api.clone(),
        plan,
        seq: AtomicU64::new(0),
    });
    probe(&load)
        .await
        .with_context(|| format!("first request of scenario {}", scenario.name()))?;
    if !cfg.warmup.is_zero() {
        eprintln!("warm-up: {:?}", cfg.warmup);
        phase(&load, cfg.concurrency, Phase::new(cfg.warmup, None)).await?;
    }
    let noop = match cfg.baseline {
        true => Some(
            NoopLoad::start(cfg)
                .await
                .context("the do-nothing server")?,
        ),
        false => None,
    };
    eprintln!("measuring: {:?}", cfg.duration);
    let slices = match (&noop, cfg.requests) {
        (Some(_), None) => BASELINE_SLICES,
        _ => 1,
    };
    let slice = cfg.duration / slices;
    let (mut stats, mut elapsed_s) = (Stats::default(), 0.0);
    let (mut noop_stats, mut noop_elapsed_s) = (Stats::default(), 0.0);
    for _ in 0..slices {
        let (s, e) = measured(&load, cfg.concurrency, slice, cfg.requests).await?;
        stats.merge(s);
        elapsed_s += e;
        if let Some(noop) = &noop {
            let (s, e) = measured(&noop.load, cfg.concurrency, slice, None).await?;
            noop_stats.merge(s);
            noop_elapsed_s += e;
        }
    }
    let baseline = noop.map(|n| n.baseline(&noop_stats, noop_elapsed_s));
    report(cfg, stats, elapsed_s, baseline)
}

/// One measured phase: the stats and the wall time it took.
async fn measured(
    load: &Arc<Load>,
    concurrency: usize,
    length: Duration,
    limit: Option<u64>,
) -> anyhow::Result<(Stats, f64)> {
    let started = clock::now();
    let stats = phase(load, concurrency, Phase::new(length, limit)).await?;
    Ok((stats, clock::now().duration_since(started).as_secs_f64()))
}

/// The do-nothing server, warmed up like the scenario, loaded in slices alternating with the
/// scenario's so that both see the same machine (a build starting midway on a shared machine
/// slows both, not one).
struct NoopLoad {
    load: Arc<Load>,
    /// Keeps the child process alive until the measurement is over.
    server: NoopServer,
}

impl NoopLoad {
    async fn start(cfg: &RunConfig) -> anyhow::Result<Self> {
        let server = NoopServer::start().await?;
        eprintln!("baseline: do-nothing server at {}", server.endpoint);
        let api = Api::new(server.endpoint.clone(), cfg.concurrency, cfg.timeout)?;
        let load = Arc::new(Load {
            api,
            plan: Plan::fixed(baseline::request()),
            seq: AtomicU64::new(0),
        });
        probe(&load).await?;
        if !cfg.warmup.is_zero() {
            phase(&load, cfg.concurrency, Phase::new(cfg.warmup, None)).await?;
        }
        Ok(Self { load, server })
    }

    fn baseline(&self, stats: &Stats, elapsed_s: f64) -> Baseline {
        let (requests, errors) = stats.totals();
        Baseline {
            endpoint: self.server.endpoint.to_string(),
            requests,
            errors,
            requests_per_s: if elapsed_s > 0.0 {
                requests as f64 / elapsed_s
            } else {
                0.0
            },
        }
    }
}

/// Sends one iteration as a setup call, so that an operation the server does not support fails
/// the run with its error instead of producing a report of nothing but errors.
async fn probe(load: &Load) -> anyhow::Result<()> {
    let req = load.plan.request(load.seq.fetch_add(1, Ordering::Relaxed));
    let body: Value = serde_json::from_slice(&req.body).context("scenario body is not JSON")?;
    load.api.call(req.op, body).await?;
    Ok(())
}

/// Runs `concurrency` workers until the phase ends and merges their stats.
async fn phase(load: &Arc<Load>, concurrency: usize, phase: Phase) -> anyhow::Result<Stats> {
    let phase = Arc::new(phase);
    let workers: Vec<_> = (0..concurrency)
        .map(|_| tokio::spawn(worker(Arc::clone(load), Arc::clone(&phase))))
        .collect();
    let mut total = Stats::default();
    for w in workers {
        total.merge(w.await.context("a load worker panicked")?);
    }
    Ok(total)
}

/// One request loop; owns its stats so the hot path takes no lock.
async fn worker(load: Arc<Load>, phase: Arc<Phase>) -> Stats {
    let mut stats = Stats::default();
    while phase.claim() {
        let req = load.plan.request(load.seq.fetch_add(1, Ordering::Relaxed));
        let sent = clock::now();
        let outcome = load.api.send(&req).await;
        match outcome {
            Outcome::Ok => stats.ok(req.op, clock::now().duration_since(sent)),
            Outcome::Error(kind) => stats.error(req.op, kind),
        }
    }
    stats
}

fn report(
    cfg: &RunConfig,
    stats: Stats,
    elapsed_s: f64,
    noop: Option<Baseline>,
) -> anyhow::Result<()> {
    let noop_rate = noop.as_ref().map(|b| b.requests_per_s);
    let operations = stats
        .into_sorted()
        .into_iter()
        .map(|(op, s)| OpReport::new(op, s, elapsed_s, noop_rate))
        .collect();
    let report = Report {
        scenario: cfg.scenario.clone(),
        endpoint: cfg.endpoint.to_string(),
        concurrency: cfg.concurrency,
        warmup_s: cfg.warmup.as_secs_f64(),
        duration_s: cfg.duration.as_secs_f64(),
        request_limit: cfg.requests,
        elapsed_s,
        noop,
        operations,
    };
    println!("{}", report.table());
    if let Some(path) = &cfg.json {
        report.write_json(path)?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// Deletes every pool whose name starts with this run's prefix; returns how many.
async fn cleanup(api: &Api, prefix: &str) -> anyhow::Result<usize> {
    let ids = pools_named(api, &format!("{prefix}-")).await?;
    let n = ids.len();
    scenarios::concurrently(api, &ids, |api, id| async move {
        api.call("DeleteUserPool", json!({"UserPoolId": id})).await
    })
    .await?;
    Ok(n)
}

/// Ids of all pools whose name starts with `prefix`, listed completely before any is deleted so
/// deletions cannot disturb the paging.
async fn pools_named(api: &Api, prefix: &str) -> anyhow::Result<Vec<String>> {
    let mut ids = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut body = json!({"MaxResults": LIST_PAGE});
        if let Some(t) = &token {
            body["NextToken"] = json!(t);
        }
        let page = api.call("ListUserPools", body).await?;
        for pool in page["UserPools"].as_array().into_iter().flatten() {
            let name = pool["Name"].as_str().unwrap_or("");
            if name.starts_with(prefix) {
                ids.push(field(pool, "ListUserPools", "/Id")?.to_owned());
            }
        }
        token = page["NextToken"].as_str().map(str::to_owned);
        if token.is_none() {
            return Ok(ids);
        }
    }
}
