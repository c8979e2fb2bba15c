//! Layered configuration: built-in defaults → `config/default.toml` style file → `COGNATE_*` env.
//! `config/default.toml` documents every key.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

pub use crate::delivery::{DeliverySection, EmailSection, SmsSection};
pub use crate::metrics::MetricsSection;
pub use crate::seed::SeedSection;
pub use cognate_identity::OidcProviderConfig;
pub use cognate_idp::federation::{FederationSettings, SocialEndpoints};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Config {
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub aws: AwsConfig,
    pub security: SecurityConfig,
    pub testing: TestingConfig,
    pub log: LogConfig,
    pub identity: IdentitySection,
    pub lambda: LambdaSection,
    pub quotas: QuotasSection,
    pub email: EmailSection,
    pub sms: SmsSection,
    pub delivery: DeliverySection,
    pub seed: SeedSection,
    pub metrics: MetricsSection,
    pub federation: FederationSettings,
}

/// AWS's request-rate quotas by category (`crate::quotas`), per process.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default)]
pub struct QuotasSection {
    /// Off by default (local development and CI): no call is throttled.
    pub enabled: bool,
    /// Category (`UserAuthentication`, `UserCreation`…) → requests per second, over AWS's
    /// default for that category.
    pub rps: std::collections::BTreeMap<String, u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ServerConfig {
    pub host: String,
    pub port: u16,
    /// Base URL clients reach us at; token issuers are `<public_url>/<poolId>`.
    /// Empty: `http://<host>:<bound port>` (`https://` with `tls_cert`).
    pub public_url: String,
    /// Request bodies above this answer 413 without being read whole.
    pub max_body_bytes: usize,
    /// Seconds a request body may take to arrive whole; slower ones answer 408 and their
    /// connection is closed.
    pub body_timeout_secs: u64,
    /// Seconds a request's headers may take to arrive whole; slower connections are closed.
    pub header_timeout_secs: u64,
    /// Open connections allowed per client IP (0: no cap); past it new ones are closed at once.
    pub max_connections_per_ip: usize,
    /// PEM certificate chain: with `tls_key`, the port speaks HTTPS only. Empty: plain HTTP.
    pub tls_cert: String,
    /// PEM private key of `tls_cert`.
    pub tls_key: String,
}

impl ServerConfig {
    /// The certificate and key files when TLS is configured; an error when only one is given.
    pub fn tls_files(&self) -> anyhow::Result<Option<(PathBuf, PathBuf)>> {
        match (self.tls_cert.is_empty(), self.tls_key.is_empty()) {
            (true, true) => Ok(None),
            (false, false) => Ok(Some((
                PathBuf::from(&self.tls_cert),
                PathBuf::from(&self.tls_key),
            ))),
            _ => anyhow::bail!("server.tls_cert and server.tls_key go together: give both"),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct DatabaseConfig {
    /// `sqlite://path` or `postgres://...`.
    pub url: String,
    /// Keep nothing on disk (SQLite in memory). Overrides `url`.
    pub in_memory: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct AwsConfig {
    /// The region of pools created by unsigned requests (a signed one names its own).
    pub region: String,
    /// The 12-digit account id in ARNs.
    pub account_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct SecurityConfig {
    /// `open` (any or no signature on admin operations) or `sigv4` (operations AWS signs need a
    /// signature made with one of `credentials`).
    pub auth: String,
    /// `owasp` (argon2id m=19456 KiB, t=2) or `dev` (m=4096 KiB, t=1: fixtures and tests only).
    pub password_profile: String,
    /// 64 hex characters: the key sealing password material and client secrets.
    /// Empty: read `seal_key_file`.
    #[serde(skip_serializing)]
    pub seal_key: String,
    /// Where the seal key lives; created when missing. Empty: beside the SQLite database
    /// (`.cognate/seal.key`), or a throw-away key with `--in-memory`.
    pub seal_key_file: String,
    /// How many RSA signing keys to keep generated ahead, so CreateUserPool does not wait on one.
    pub key_prefill: usize,
    /// The access keys admin calls may be signed with in `sigv4` mode.
    pub credentials: Vec<AccessKey>,
    /// A TOML file of more `[[credentials]]`, so secrets stay out of the main file. Empty: none.
    pub credentials_file: String,
}

/// One access key of the SigV4-guarded mode.
#[derive(Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default)]
pub struct AccessKey {
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl std::fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessKey")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .finish()
    }
}

/// The shape of `security.credentials_file`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
struct CredentialsFile {
    credentials: Vec<AccessKey>,
}

impl SecurityConfig {
    /// Every configured access key: `credentials`, then those of `credentials_file`.
    pub fn access_keys(&self) -> anyhow::Result<Vec<AccessKey>> {
        let mut keys = self.credentials.clone();
        if !self.credentials_file.is_empty() {
            let text = std::fs::read_to_string(&self.credentials_file).map_err(|e| {
                anyhow::anyhow!(
                    "reading security.credentials_file {}: {e}",
                    self.credentials_file
                )
            })?;
            let file: CredentialsFile = Figment::from(Toml::string(&text))
                .extract()
                .map_err(|e| anyhow::anyhow!("security.credentials_file: {e}"))?;
            keys.extend(file.credentials);
        }
        if let Some(bad) = keys
            .iter()
            .find(|k| k.access_key_id.is_empty() || k.secret_access_key.is_empty())
        {
            anyhow::bail!("security.credentials: an access key without id or secret: {bad:?}");
        }
        Ok(keys)
    }
}

/// Identity pools: the external OpenID Connect providers they may list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default)]
pub struct IdentitySection {
    pub oidc_providers: Vec<OidcProviderConfig>,
}

/// Lambda triggers: where the functions of pools' `LambdaConfig` are invoked.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct LambdaSection {
    /// The Lambda Invoke API endpoint for every function (`sam local start-lambda`:
    /// `http://127.0.0.1:3001`). Empty: real AWS Lambda of each ARN's region, with the default
    /// AWS credential chain.
    pub endpoint: String,
    /// Function ARN → endpoint, for functions served elsewhere than `endpoint`.
    pub functions: std::collections::BTreeMap<String, String>,
    /// How many invocations `/_cognate/invocations` keeps (in memory, oldest dropped).
    pub log_capacity: usize,
}

impl Default for LambdaSection {
    fn default() -> Self {
        Self {
            endpoint: String::new(),
            functions: Default::default(),
            log_capacity: 1000,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default)]
pub struct TestingConfig {
    /// Enables `/_cognate/clock`, a clock tests can move. Never in production.
    pub clock: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct LogConfig {
    /// A tracing `EnvFilter` directive; `RUST_LOG` wins when set.
    pub filter: String,
    /// `text` (human-readable lines) or `json` (one JSON object per line).
    pub format: String,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 9229,
            public_url: String::new(),
            max_body_bytes: 1024 * 1024,
            body_timeout_secs: 30,
            header_timeout_secs: 10,
            max_connections_per_ip: 256,
            tls_cert: String::new(),
            tls_key: String::new(),
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: "sqlite://.cognate/cognate.db".into(),
            in_memory: false,
        }
    }
}

impl Default for AwsConfig {
    fn default() -> Self {
        Self {
            region: "us-east-1".into(),
            account_id: "123456789012".into(),
        }
    }
}

impl Default for SecurityConfig {
    fn default() -> Self {
        Self {
            auth: "open".into(),
            password_profile: "owasp".into(),
            seal_key: String::new(),
            seal_key_file: String::new(),
            key_prefill: 8,
            credentials: Vec::new(),
            credentials_file: String::new(),
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            filter: "info".into(),
            format: "text".into(),
        }
    }
}

impl Config {
    /// Defaults, then the TOML file if given, then `COGNATE_SECTION__KEY` environment variables
    /// (e.g. `COGNATE_SERVER__PORT=9000`, `COGNATE_DATABASE__URL=postgres://...`).
    pub fn load(file: Option<&Path>) -> Result<Self, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            figment = figment.merge(Toml::file_exact(file));
        }
        figment
            .merge(Env::prefixed("COGNATE_").split("__"))
            .extract()
            .map_err(Box::new)
    }

    /// Where the seal key file goes when not configured: beside the SQLite database.
    pub fn default_seal_key_file(&self) -> Option<PathBuf> {
        if !self.security.seal_key_file.is_empty() {
            return Some(PathBuf::from(&self.security.seal_key_file));
        }
        let path = self.database.url.strip_prefix("sqlite://")?;
        let parent = Path::new(path).parent().unwrap_or(Path::new("."));
        Some(parent.join("seal.key"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_documented_file() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/default.toml");
        let from_file: Config = Figment::from(Toml::file_exact(path))
            .extract()
            .expect("config/default.toml parses");
        assert_eq!(from_file, Config::default());
    }

    /// docs/configuration.md is the user's reference: every key of config/default.toml has its
    /// own heading there (`section.key`, or `[section.key]` for tables of free-form keys).
    #[test]
    fn docs_list_every_key() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let docs = std::fs::read_to_string(root.join("docs/configuration.md")).unwrap();
        let file: figment::value::Dict =
            Figment::from(Toml::file_exact(root.join("config/default.toml")))
                .extract()
                .unwrap();
        let mut missing = Vec::new();
        for (section, keys) in &file {
            for key in keys.as_dict().expect("sections are tables").keys() {
                let name = format!("{section}.{key}");
                if !docs.contains(&format!("`{name}`")) && !docs.contains(&format!("`[{name}]`")) {
                    missing.push(name);
                }
            }
        }
        assert!(
            missing.is_empty(),
            "docs/configuration.md lacks {missing:?}"
        );
    }

    #[test]
    fn access_keys_come_from_the_file_env_and_credentials_file() {
        let dir = std::env::temp_dir().join(format!("cognate-keys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let extra = dir.join("keys.toml");
        std::fs::write(
            &extra,
            "[[credentials]]\naccess_key_id = \"AKIDFILE\"\nsecret_access_key = \"s2\"\n",
        )
        .unwrap();
        let config: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::string(
                "[security]\nauth = \"sigv4\"\n[[security.credentials]]\n\
                 access_key_id = \"AKIDMAIN\"\nsecret_access_key = \"s1\"\n",
            ))
            .merge(Serialized::default(
                "security.credentials_file",
                extra.display().to_string(),
            ))
            .extract()
            .unwrap();
        let ids: Vec<_> = config
            .security
            .access_keys()
            .unwrap()
            .into_iter()
            .map(|k| k.access_key_id)
            .collect();
        assert_eq!(ids, ["AKIDMAIN", "AKIDFILE"]);
        assert!(
            !format!("{config:?}").contains("s1"),
            "secrets stay out of Debug"
        );
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail fixes the closure's error type
    fn access_keys_from_the_environment() {
        figment::Jail::expect_with(|jail| {
            jail.set_env(
                "COGNATE_SECURITY__CREDENTIALS",
                "[{access_key_id=\"AKIDENV\", secret_access_key=\"s3\"}]",
            );
            let config = Config::load(None).map_err(|e| e.to_string())?;
            let keys = config.security.access_keys().map_err(|e| e.to_string())?;
            assert_eq!(keys[0].access_key_id, "AKIDENV");
            assert_eq!(keys[0].secret_access_key, "s3");
            Ok(())
        });
    }
}
