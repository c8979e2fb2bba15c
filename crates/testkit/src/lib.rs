//! Test support: the real application in-process on `127.0.0.1:0` with a fresh database,
//! AWS SDK clients pointed at it, and fixtures.

pub mod database;
pub mod device_srp_client;
mod errors;
mod fixtures;
pub mod lambda;
pub mod oidc_provider;
mod outbox;
#[cfg(feature = "saml")]
pub mod saml_provider;
pub mod smtp_sink;
pub mod srp_client;
pub mod totp_client;

use std::sync::Arc;

use aws_sdk_cognitoidentityprovider as idp;
use cognate_domain::TestClock;
use cognate_server::{Application, Config};

pub use aws_sdk_cognitoidentity as identity;
pub use aws_sdk_cognitoidentityprovider as cognito_idp;
pub use errors::failure;
pub use fixtures::FIXTURE_FLOWS;
pub use outbox::SentMessage;

/// A strong password that satisfies Cognito's default policy.
pub const PASSWORD: &str = "Corr3ct!Horse";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The Postgres server tests may create scratch databases on, when there is one.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

pub struct TestApp {
    pub endpoint: String,
    pub idp: idp::Client,
    pub identity: identity::Client,
    pub http: reqwest::Client,
    pub clock: Arc<TestClock>,
    scratch_database: Option<(String, String)>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl TestApp {
    /// Starts the app on a free port with a fresh database of `backend`.
    /// `None` for Postgres when `TEST_DATABASE_URL` is unset.
    pub async fn spawn(backend: Backend) -> Option<Self> {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Like `spawn`, after letting the test adjust the configuration.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Option<Self> {
        let mut config = test_config();
        let mut scratch_database = None;
        match backend {
            Backend::Sqlite => config.database.in_memory = true,
            Backend::Postgres => {
                let admin_url = postgres_admin_url()?;
                let url = cognate_store_postgres::create_scratch_database(&admin_url)
                    .await
                    .expect("creating a scratch Postgres database");
                config.database.url = url.clone();
                scratch_database = Some((admin_url, url));
            }
        }
        adjust(&mut config);
        let mut app = Self::start(config).await;
        app.scratch_database = scratch_database;
        Some(app)
    }

    /// Starts the app on `config` as it is (its database is the caller's to clean up).
    pub async fn start(config: Config) -> Self {
        Self::try_start(config)
            .await
            .expect("the application builds")
    }

    /// Starts the app on `config`, or says why it does not start. With the TLS listener on,
    /// the SDK clients trust the app's certificate and talk https.
    pub async fn try_start(config: Config) -> anyhow::Result<Self> {
        let certificate = match config.server.tls_files() {
            Ok(Some((cert, _))) => Some(std::fs::read(cert)?),
            _ => None,
        };
        let app = Application::build(config).await?;
        let scheme = if certificate.is_some() {
            "https"
        } else {
            "http"
        };
        let endpoint = format!("{scheme}://{}", app.address());
        let clock = app.test_clock().expect("tests run with the test clock");
        let server = tokio::spawn(app.run());
        let (mut idp, mut identity) = (idp_client(&endpoint), identity_client(&endpoint));
        if let Some(pem) = certificate {
            let http = trusting(pem);
            let config = idp.config().to_builder().http_client(http.clone()).build();
            idp = idp::Client::from_conf(config);
            let config = identity.config().to_builder().http_client(http).build();
            identity = identity::Client::from_conf(config);
        }
        Ok(Self {
            idp,
            identity,
            http: reqwest::Client::new(),
            endpoint,
            clock,
            scratch_database: None,
            server,
        })
    }

    /// Stops serving (no new connections); the database stays, for a restart on it.
    pub fn stop(self) {
        self.server.abort();
    }

    /// Starts the app with `lambda.endpoint` at the stand-in Lambda service `lambda`.
    pub async fn spawn_with_lambda(
        backend: Backend,
        lambda: &lambda::StandInLambda,
    ) -> Option<Self> {
        let endpoint = lambda.endpoint.clone();
        Self::spawn_with(backend, move |config| config.lambda.endpoint = endpoint).await
    }

    /// POSTs a raw AWS JSON 1.1 request: (status, headers, body text).
    pub async fn raw(&self, target: &str, body: impl Into<reqwest::Body>) -> RawResponse {
        let response = self
            .http
            .post(format!("{}/", self.endpoint))
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", target)
            .body(body)
            .send()
            .await
            .expect("the server answers");
        RawResponse::read(response).await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some((admin_url, url)) = self.scratch_database.take() {
            database::drop_scratch(admin_url, url);
        }
    }
}

pub struct RawResponse {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl RawResponse {
    /// Status, headers and text of a response to a request built by hand.
    pub async fn read(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        Self {
            status,
            headers,
            text,
        }
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or(serde_json::Value::Null)
    }

    /// The error code, from `__type`.
    pub fn error_type(&self) -> String {
        self.json()["__type"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// An https client for the SDKs that trusts the PEM certificate `pem` (an app's self-signed
/// one) and nothing else.
fn trusting(pem: Vec<u8>) -> idp::config::SharedHttpClient {
    use aws_smithy_http_client::tls::{Provider, TlsContext, TrustStore, rustls_provider};
    let trust = TrustStore::empty()
        .with_native_roots(false)
        .with_pem_certificate(pem);
    let context = TlsContext::builder()
        .with_trust_store(trust)
        .build()
        .expect("a TLS context");
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(rustls_provider::CryptoMode::AwsLc))
        .tls_context(context)
        .build_https()
}

pub fn test_config() -> Config {
    let mut config = Config::default();
    config.server.port = 0;
    config.security.password_profile = "dev".into();
    config.security.key_prefill = 2;
    config.testing.clock = true;
    config.log.filter = "warn".into();
    config.security.seal_key = uuid::Uuid::new_v4().simple().to_string().repeat(2);
    config
}

fn credentials() -> idp::config::Credentials {
    idp::config::Credentials::new("test", "test", None, None, "cognate-testkit")
}

/// The region the default clients are configured for (and the server's configured region).
pub const DEFAULT_REGION: &str = "us-east-1";

pub fn idp_client(endpoint: &str) -> idp::Client {
    idp_client_in(endpoint, DEFAULT_REGION)
}

/// A cognito-idp client configured for `region`: its requests are signed for that region.
pub fn idp_client_in(endpoint: &str, region: &str) -> idp::Client {
    let config = idp::Config::builder()
        .behavior_version(idp::config::BehaviorVersion::latest())
        .region(idp::config::Region::new(region.to_string()))
        .endpoint_url(endpoint)
        .credentials_provider(credentials())
        .build();
    idp::Client::from_conf(config)
}

pub fn identity_client(endpoint: &str) -> identity::Client {
    identity_client_in(endpoint, DEFAULT_REGION)
}

/// A cognito-identity client configured for `region`: its requests are signed for that region.
pub fn identity_client_in(endpoint: &str, region: &str) -> identity::Client {
    let config = identity::Config::builder()
        .behavior_version(identity::config::BehaviorVersion::latest())
        .region(identity::config::Region::new(region.to_string()))
        .endpoint_url(endpoint)
        .credentials_provider(identity::config::Credentials::new(
            "test",
            "test",
            None,
            None,
            "cognate-testkit",
        ))
        .build();
    identity::Client::from_conf(config)
}

/// Clients for callers of other regions: pools take the region their request is signed for.
impl TestApp {
    /// A cognito-idp client of this server configured for another region.
    pub fn idp_in(&self, region: &str) -> idp::Client {
        idp_client_in(&self.endpoint, region)
    }

    /// A cognito-identity client of this server configured for another region.
    pub fn identity_in(&self, region: &str) -> identity::Client {
        identity_client_in(&self.endpoint, region)
    }
}

/// Expands each named async test `fn name(app: TestApp)` into one `#[tokio::test]` per backend:
/// `name::sqlite` and `name::postgres` (the latter passes with a note when no Postgres is given).
/// With `config = f;` first, each app starts with its configuration adjusted by
/// `fn f(&mut Config)` (the SigV4-guarded mode, quotas…).
#[macro_export]
macro_rules! backend_tests {
    (config = $adjust:path; $($name:ident),+ $(,)?) => {
        $(
            mod $name {
                // The adjustment is named in the test file's scope.
                #[allow(unused_imports)]
                use super::*;

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = $crate::TestApp::spawn_with($crate::Backend::Sqlite, $adjust)
                        .await
                        .expect("sqlite app");
                    super::$name(app).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    match $crate::TestApp::spawn_with($crate::Backend::Postgres, $adjust).await {
                        Some(app) => super::$name(app).await,
                        None => eprintln!("TEST_DATABASE_URL unset: Postgres run skipped"),
                    }
                }
            }
        )+
    };
    ($($name:ident),+ $(,)?) => {
        $crate::backend_tests!(config = $crate::unchanged; $($name),+);
    };
}

/// The configuration adjustment that changes nothing.
pub fn unchanged(_: &mut Config) {}

/// Expands each named async test `fn name(backend: Backend)` into `name::sqlite` and
/// `name::postgres`, for tests that set up their own apps (stand-ins in their configuration,
/// restarts on a kept database). The Postgres run passes with a note when no Postgres is given.
#[macro_export]
macro_rules! each_backend {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::Backend::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    match $crate::postgres_admin_url() {
                        Some(_) => super::$name($crate::Backend::Postgres).await,
                        None => eprintln!("TEST_DATABASE_URL unset: Postgres run skipped"),
                    }
                }
            }
        )+
    };
}
