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
use cognate_domain::{Clock, SystemClock, TestClock};
use cognate_identity::{Identity, IdentityConfig};
use cognate_idp::{Idp, IdpConfig};
use cognate_lambda::{LambdaSettings, SdkInvoker, Triggers};
use tokio::net::TcpListener;

use crate::config::Config;
use crate::routes::{self, AppState};
use crate::storage;

type RunFuture = Pin<Box<dyn Future<Output = std::io::Result<()>> + Send>>;

pub struct Application {
    address: SocketAddr,
    public_url: String,
    run: RunFuture,
    test_clock: Option<Arc<TestClock>>,
}

impl Application {
    /// Opens storage, builds both services and binds the listener (port 0 picks a free one).
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        check_admin_auth(&config.security.auth)?;
        let listener = TcpListener::bind((config.server.host.as_str(), config.server.port))
            .await
            .with_context(|| format!("binding {}:{}", config.server.host, config.server.port))?;
        let address = listener.local_addr()?;
        let public_url = public_url(&config, address);

        let store = storage::open(&config.database).await?;
        let test_clock = config.testing.clock.then(|| Arc::new(TestClock::default()));
        let clock: Arc<dyn Clock> = match &test_clock {
            Some(clock) => clock.clone(),
            None => Arc::new(SystemClock),
        };
        let seal = Arc::new(load_seal_key(&config)?);
        let hasher = Arc::new(password_hasher(&config.security.password_profile)?);
        let keys = Arc::new(KeyFactory::new(config.security.key_prefill));

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
            },
            Arc::new(triggers(&config, clock.clone())),
        );
        let identity = Identity::new(
            store.clone(),
            clock.clone(),
            seal.clone(),
            keys.clone(),
            idp.clone(),
            IdentityConfig {
                region: config.aws.region.clone(),
                account_id: config.aws.account_id.clone(),
                public_url: public_url.clone(),
                oidc_providers: config.identity.oidc_providers.clone(),
            },
        );
        let mut registry = Registry::new();
        registry.merge(cognate_idp::registry(&idp));
        registry.merge(cognate_identity::registry(&identity));

        let state = AppState {
            registry: Arc::new(registry),
            idp,
            identity,
            test_clock: test_clock.clone(),
            max_body_bytes: config.server.max_body_bytes,
        };
        let router = routes::router(state);
        let run = Box::pin(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(shutdown_signal())
                .await
        });
        Ok(Self {
            address,
            public_url,
            run,
            test_clock,
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

    /// Serves until SIGTERM or Ctrl-C, finishing requests in flight.
    pub async fn run(self) -> std::io::Result<()> {
        self.run.await
    }
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

fn public_url(config: &Config, address: SocketAddr) -> String {
    if !config.server.public_url.is_empty() {
        return config.server.public_url.trim_end_matches('/').to_string();
    }
    let host = match config.server.host.as_str() {
        "0.0.0.0" | "::" => "127.0.0.1".to_string(),
        host => host.to_string(),
    };
    format!("http://{host}:{}", address.port())
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

/// Fails closed: an operator who asks for SigV4-guarded admin operations must not silently get
/// an open server. Only `open` is built so far.
fn check_admin_auth(mode: &str) -> anyhow::Result<()> {
    match mode {
        "open" => Ok(()),
        "sigv4" => anyhow::bail!(
            "security.auth = \"sigv4\" is not supported by this version of Cognate yet; \
             refusing to start with admin operations unguarded (use \"open\" only on a trusted network)"
        ),
        other => anyhow::bail!("unknown security.auth {other:?} (use open)"),
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
    fn admin_auth_fails_closed_until_sigv4_is_built() {
        assert!(check_admin_auth("open").is_ok());
        let refused = check_admin_auth("sigv4").expect_err("sigv4 is not built");
        assert!(refused.to_string().contains("not supported"));
        assert!(check_admin_auth("none").is_err());
    }
}
