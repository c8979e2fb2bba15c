//! `Application::build(config)`: everything wired, the listener bound, ready to run.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

use anyhow::Context;
use cognate_awsjson::Registry;
use cognate_crypto::keys::KeyFactory;
use cognate_crypto::password::PasswordHasher;
use cognate_crypto::seal::SealKey;
use cognate_domain::invalidation::Invalidations;
use cognate_domain::{Clock, SystemClock, TestClock};
use cognate_identity::{Identity, IdentityConfig};
use cognate_idp::{Idp, IdpConfig};
use cognate_lambda::{LambdaSettings, SdkInvoker, Triggers};
use tokio::net::TcpListener;

use crate::admin_auth::AdminAuth;
use crate::config::Config;
use crate::delivery::Delivery;
use crate::listener::CappedListener;
use crate::metrics::Metrics;
use crate::quotas::Quotas;
use crate::routes::{self, AppState};
use crate::serve::{Connections, serve};
use crate::storage;

type RunFuture = Pin<Box<dyn Future<Output = std::io::Result<()>> + Send>>;

pub struct Application {
    address: SocketAddr,
    public_url: String,
    run: RunFuture,
    test_clock: Option<Arc<TestClock>>,
    /// Every operation target both registries know, sorted, with whether it is built.
    operations: Vec<(&'static str, bool)>,
}

impl Application {
    /// Opens storage, builds both services and binds the listener (port 0 picks a free one).
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let listener = TcpListener::bind((config.server.host.as_str(), config.server.port))
            .await
            .with_context(|| format!("binding {}:{}", config.server.host, config.server.port))?;
        let address = listener.local_addr()?;
        let tls = match config.server.tls_files()? {
            Some((cert, key)) => Some(crate::tls::acceptor(&cert, &key)?),
            None => None,
        };
        let public_url = public_url(&config, address, tls.is_some());

        let core = Core::build(&config, public_url.clone()).await?;
        if !config.seed.file.is_empty() {
            crate::seed::apply_file(
                &core.seed_services(),
                std::path::Path::new(&config.seed.file),
            )
            .await?;
        }
        let Core {
            idp,
            identity,
            registry,
            clock,
            test_clock,
            metrics,
        } = core;
        let admin_auth = admin_auth(&config, clock.clone())?;
        let quotas = match config.quotas.enabled {
            true => Some(Arc::new(Quotas::new(&config.quotas.rps, clock.clone())?)),
            false => None,
        };

        let operations = registry
            .targets()
            .into_iter()
            .map(|target| (target, registry.is_supported(target)))
            .collect();
        let state = AppState {
            registry,
            idp,
            identity,
            test_clock: test_clock.clone(),
            body_limits: cognate_awsjson::BodyLimits {
                max_bytes: config.server.max_body_bytes,
                timeout: std::time::Duration::from_secs(config.server.body_timeout_secs),
            },
            admin_auth,
            quotas,
            metrics,
            metrics_enabled: config.metrics.enabled,
        };
        let router = routes::router(state);
        let listener = CappedListener::new(listener, config.server.max_connections_per_ip);
        let connections = Connections {
            header_timeout: std::time::Duration::from_secs(config.server.header_timeout_secs),
            tls,
        };
        let run = Box::pin(serve(listener, router, connections, shutdown_signal()));
        Ok(Self {
            address,
            public_url,
            run,
            test_clock,
            operations,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// The movable clock, when `testing.clock` is on.
    pub fn test_clock(&self) -> Option<Arc<TestClock>> {
        self.test_clock.clone()
    }

    /// Every operation target of both services, sorted, with whether this build implements it
    /// (false: it answers `UnsupportedOperationException`).
    pub fn operations(&self) -> &[(&'static str, bool)] {
        &self.operations
    }

    /// Serves until SIGTERM or Ctrl-C, finishing requests in flight.
    pub async fn run(self) -> std::io::Result<()> {
        self.run.await
    }
}

/// Storage and both services with their registry: what `build` serves and `export` reads.
struct Core {
    idp: Idp,
    identity: Identity,
    registry: Arc<Registry>,
    clock: Arc<dyn Clock>,
    test_clock: Option<Arc<TestClock>>,
    metrics: Arc<Metrics>,
}

impl Core {
    async fn build(config: &Config, public_url: String) -> anyhow::Result<Self> {
        let invalidations = Invalidations::default();
        let store = storage::open(&config.database, &invalidations).await?;
        let test_clock = config.testing.clock.then(|| Arc::new(TestClock::default()));
        let clock: Arc<dyn Clock> = match &test_clock {
            Some(clock) => clock.clone(),
            None => Arc::new(SystemClock),
        };
        let seal = Arc::new(load_seal_key(config)?);
        let hasher = Arc::new(password_hasher(&config.security.password_profile)?);
        let keys = Arc::new(KeyFactory::new(config.security.key_prefill));
        let metrics = Arc::new(Metrics::new());
        let triggers = triggers(config, clock.clone()).observed_by(metrics.clone());
        let delivery = Delivery::new(
            &config.email,
            &config.sms,
            &config.delivery,
            metrics.clone(),
        )?;

        let idp = Idp::new(
            store.clone(),
            clock.clone(),
            seal.clone(),
            keys.clone(),
            hasher,
            IdpConfig {
                region: config.aws.region.clone(),
                account_id: config.aws.account_id.clone(),
                public_url: public_url.clone(),
                federation: config.federation.clone(),
            },
            Arc::new(triggers),
            Arc::new(delivery),
        );
        idp.follow(&invalidations);
        let identity = Identity::new(
            store.clone(),
            clock.clone(),
            seal.clone(),
            keys.clone(),
            idp.clone(),
            IdentityConfig {
                region: config.aws.region.clone(),
                account_id: config.aws.account_id.clone(),
                public_url,
                oidc_providers: config.identity.oidc_providers.clone(),
            },
        );
        let mut registry = Registry::new();
        registry.merge(cognate_idp::registry(&idp));
        registry.merge(cognate_identity::registry(&identity));
        Ok(Self {
            idp,
            identity,
            registry: Arc::new(registry),
            clock,
            test_clock,
            metrics,
        })
    }

    fn seed_services(&self) -> crate::seed::Services<'_> {
        crate::seed::Services {
            registry: &self.registry,
            idp: &self.idp,
            identity: &self.identity,
        }
    }
}

/// The store's state as a seed document (`cognate export`): the same configuration as `serve`,
/// nothing bound.
pub async fn export(config: &Config) -> anyhow::Result<serde_json::Value> {
    let address = SocketAddr::from(([127, 0, 0, 1], config.server.port));
    let tls = config.server.tls_files()?.is_some();
    let core = Core::build(config, public_url(config, address, tls)).await?;
    crate::seed::export(&core.seed_services()).await
}

/// The Lambda invoker of the `[lambda]` section, with its invocation log.
fn triggers(config: &Config, clock: Arc<dyn Clock>) -> Triggers {
    let section = &config.lambda;
    let settings = LambdaSettings {
        endpoint: (!section.endpoint.is_empty()).then(|| section.endpoint.clone()),
        functions: section.functions.clone().into_iter().collect(),
        log_capacity: section.log_capacity,
        default_region: config.aws.region.clone(),
    };
    Triggers::new(
        Arc::new(SdkInvoker::new(settings)),
        clock,
        config.aws.region.clone(),
        section.log_capacity,
    )
}

/// `server.public_url`, else the bound address with the scheme the port speaks.
fn public_url(config: &Config, address: SocketAddr, tls: bool) -> String {
    if !config.server.public_url.is_empty() {
        return config.server.public_url.trim_end_matches('/').to_string();
    }
    let host = match config.server.host.as_str() {
        "0.0.0.0" | "::" => "127.0.0.1".to_string(),
        host => host.to_string(),
    };
    let scheme = if tls { "https" } else { "http" };
    format!("{scheme}://{host}:{}", address.port())
}

fn load_seal_key(config: &Config) -> anyhow::Result<SealKey> {
    if !config.security.seal_key.is_empty() {
        return SealKey::from_hex(&config.security.seal_key)
            .context("security.seal_key must be 64 hex characters");
    }
    if config.database.in_memory && config.security.seal_key_file.is_empty() {
        return Ok(SealKey::generate());
    }
    match config.default_seal_key_file() {
        Some(path) => SealKey::load_or_create(&path)
            .with_context(|| format!("loading the seal key {}", path.display())),
        None => anyhow::bail!(
            "a seal key is required with a Postgres database: set security.seal_key or security.seal_key_file"
        ),
    }
}

/// The SigV4 guard of `auth = "sigv4"`, `None` in `open` mode. Fails closed: asking for the
/// guard without a single access key is an error, never an open server.
fn admin_auth(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<Option<Arc<AdminAuth>>> {
    match config.security.auth.as_str() {
        "open" => Ok(None),
        "sigv4" => {
            let keys = config.security.access_keys()?;
            if keys.is_empty() {
                anyhow::bail!(
                    "security.auth = \"sigv4\" needs at least one [[security.credentials]] access key"
                );
            }
            let pairs = keys
                .into_iter()
                .map(|k| (k.access_key_id, k.secret_access_key));
            Ok(Some(Arc::new(AdminAuth::new(pairs, clock))))
        }
        other => anyhow::bail!("unknown security.auth {other:?} (use open or sigv4)"),
    }
}

fn password_hasher(profile: &str) -> anyhow::Result<PasswordHasher> {
    match profile {
        "owasp" => Ok(PasswordHasher::owasp()),
        "dev" => Ok(PasswordHasher::dev()),
        other => anyhow::bail!("unknown security.password_profile {other:?} (use owasp or dev)"),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigv4_mode_needs_an_access_key() {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let mut config = Config::default();
        assert!(admin_auth(&config, clock.clone()).unwrap().is_none());
        config.security.auth = "sigv4".into();
        let refused = admin_auth(&config, clock.clone()).expect_err("no keys");
        assert!(refused.to_string().contains("access key"));
        config.security.credentials.push(crate::config::AccessKey {
            access_key_id: "AKID".into(),
            secret_access_key: "secret".into(),
        });
        assert!(admin_auth(&config, clock.clone()).unwrap().is_some());
        config.security.auth = "none".into();
        assert!(admin_auth(&config, clock).is_err());
    }
}
