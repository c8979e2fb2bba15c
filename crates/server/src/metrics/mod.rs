//! `GET /metrics`: Prometheus metrics in the OpenMetrics text format.
//!
//! prometheus-client rather than the `metrics` facade: its registry is a value the server owns
//! and passes around (no process-global recorder, which the house rules forbid and which would
//! mix the counters of the many apps a test process runs), and its label sets are plain structs
//! whose `&'static str` fields cost no allocation per request.
//!
//! Request counts and latencies are labelled by service and operation (the registry's own
//! static names; no pool ids, so cardinality stays bounded) and outcome; gauges (argon2 queue,
//! database connections) are read when scraped.

mod http;

use std::time::Duration;

use cognate_crypto::password::PasswordHasher;
use cognate_domain::Store;
use cognate_lambda::{InvocationObserver, Outcome};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use serde::{Deserialize, Serialize};

pub use http::track;

/// The content type of the exposition.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// `[metrics]` of the configuration.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct MetricsSection {
    /// Serve `GET /metrics`.
    pub enabled: bool,
}

impl Default for MetricsSection {
    fn default() -> Self {
        Self { enabled: true }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    service: &'static str,
    operation: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    service: &'static str,
    operation: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TriggerLabels {
    trigger: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DeliveryLabels {
    channel: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ConnectionLabels {
    state: &'static str,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

/// 1 ms to about 8 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 14))
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: HistogramFamily<OperationLabels>,
    triggers: Family<TriggerLabels, Counter>,
    trigger_latency: HistogramFamily<TriggerLabels>,
    deliveries: Family<DeliveryLabels, Counter>,
    hash_queued: Gauge,
    hash_running: Gauge,
    connections: Family<ConnectionLabels, Gauge>,
    connections_max: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("cognate");
        let requests = Family::default();
        registry.register(
            "requests",
            "Requests answered, by service, operation and outcome (success, client_error, server_error)",
            requests.clone(),
        );
        let latency = HistogramFamily::new_with_constructor(latency_histogram as fn() -> _);
        registry.register(
            "request_duration_seconds",
            "Time to answer a request, by service and operation",
            latency.clone(),
        );
        let triggers = Family::default();
        registry.register(
            "trigger_invocations",
            "Lambda trigger invocations, by LambdaConfig name and outcome",
            triggers.clone(),
        );
        let trigger_latency = HistogramFamily::new_with_constructor(latency_histogram as fn() -> _);
        registry.register(
            "trigger_duration_seconds",
            "Time a trigger invocation took, retries included",
            trigger_latency.clone(),
        );
        let deliveries = Family::default();
        registry.register(
            "message_deliveries",
            "Messages delivered beyond the outbox, by channel (smtp, sms_webhook) and outcome",
            deliveries.clone(),
        );
        let hash_queued = Gauge::default();
        registry.register(
            "password_hash_queue_depth",
            "Argon2 hashes and verifications waiting for a hashing thread",
            hash_queued.clone(),
        );
        let hash_running = Gauge::default();
        registry.register(
            "password_hash_running",
            "Argon2 hashes and verifications running",
            hash_running.clone(),
        );
        let connections = Family::default();
        registry.register(
            "database_connections",
            "Database pool connections, by state (idle, in_use)",
            connections.clone(),
        );
        let connections_max = Gauge::default();
        registry.register(
            "database_connections_max",
            "The most connections the database pool opens",
            connections_max.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            triggers,
            trigger_latency,
            deliveries,
            hash_queued,
            hash_running,
            connections,
            connections_max,
        }
    }

    /// One request answered with `status` after `elapsed`.
    pub fn request(
        &self,
        service: &'static str,
        operation: &'static str,
        status: u16,
        elapsed: Duration,
    ) {
        let outcome = match status {
            500.. => "server_error",
            400..500 => "client_error",
            _ => "success",
        };
        self.requests
            .get_or_create(&RequestLabels {
                service,
                operation,
                outcome,
            })
            .inc();
        self.latency
            .get_or_create(&OperationLabels { service, operation })
            .observe(elapsed.as_secs_f64());
    }

    /// One message handed to `channel`, ending as `outcome` (delivered, failed, dropped).
    pub fn delivery(&self, channel: &'static str, outcome: &'static str) {
        self.deliveries
            .get_or_create(&DeliveryLabels { channel, outcome })
            .inc();
    }

    /// The exposition, with the gauges read now.
    pub fn render(&self, hasher: &PasswordHasher, store: &dyn Store) -> String {
        self.hash_queued.set(gauge_value(hasher.queued()));
        self.hash_running.set(gauge_value(hasher.running()));
        let pool = store.connections();
        let in_use = pool.open.saturating_sub(pool.idle);
        for (state, count) in [("idle", pool.idle), ("in_use", in_use)] {
            self.connections
                .get_or_create(&ConnectionLabels { state })
                .set(i64::from(count));
        }
        self.connections_max.set(i64::from(pool.max));
        let mut text = String::new();
        if let Err(error) = prometheus_client::encoding::text::encode(&mut text, &self.registry) {
            tracing::error!(%error, "the metrics could not be encoded");
        }
        text
    }
}

fn gauge_value(count: usize) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

impl InvocationObserver for Metrics {
    fn invoked(&self, trigger: &'static str, outcome: Outcome, elapsed: Duration) {
        let labels = TriggerLabels {
            trigger,
            outcome: outcome.as_str(),
        };
        self.triggers.get_or_create(&labels).inc();
        self.trigger_latency
            .get_or_create(&labels)
            .observe(elapsed.as_secs_f64());
    }
}
