use std::path::PathBuf;

use clap::{Parser, Subcommand};
use cognate_server::config::LogConfig;
use cognate_server::{Application, Config};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::writer::BoxMakeWriter;

#[derive(Parser)]
#[command(
    name = "cognate",
    version,
    about = "A self-hosted server speaking Amazon Cognito's protocols"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve cognito-idp, cognito-identity, STS and the OIDC endpoints.
    Serve(ServeArgs),
    /// Print the compatibility table (docs/compatibility.md) of this build's operations.
    Compatibility,
    /// Write the store's state as a seed file (JSON; `serve --seed` applies it). Passwords are
    /// written sealed: only a server with the same seal key can use them.
    Export(ExportArgs),
}

#[derive(clap::Args)]
struct ExportArgs {
    /// The store to export, as `serve` would open it.
    #[command(flatten)]
    store: ServeArgs,
    /// Where to write the seed file; standard output when absent.
    #[arg(long)]
    output: Option<PathBuf>,
}

#[derive(clap::Args)]
struct ServeArgs {
    #[arg(long)]
    port: Option<u16>,
    #[arg(long)]
    host: Option<String>,
    /// Keep everything in memory; nothing is written to disk.
    #[arg(long)]
    in_memory: bool,
    /// sqlite://path or postgres://...
    #[arg(long)]
    database_url: Option<String>,
    /// A TOML file with any of the keys of config/default.toml.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Serve HTTPS with this PEM certificate chain (needs --tls-key).
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<String>,
    /// The PEM private key of --tls-cert.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<String>,
    /// A seed file (JSON) applied at start: what it names is created unless it exists.
    #[arg(long)]
    seed: Option<PathBuf>,
    /// `text` or `json` (one JSON object per line), as `log.format`.
    #[arg(long)]
    log_format: Option<String>,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match cli.command {
        Command::Serve(args) => {
            let config = configure(args)?;
            init_tracing(&config.log, BoxMakeWriter::new(std::io::stdout))?;
            runtime.block_on(serve(config))
        }
        Command::Export(args) => {
            let config = configure(args.store)?;
            // Standard output may be the exported document: logs go to standard error.
            init_tracing(&config.log, BoxMakeWriter::new(std::io::stderr))?;
            runtime.block_on(export(config, args.output))
        }
        Command::Compatibility => runtime.block_on(print_compatibility()),
    }
}

/// Builds a throw-away in-memory application only to read its registries.
async fn print_compatibility() -> anyhow::Result<()> {
    let mut config = Config::default();
    config.database.in_memory = true;
    config.server.port = 0;
    config.security.key_prefill = 0;
    let app = Application::build(config).await?;
    print!(
        "{}",
        cognate_server::compatibility::render(app.operations())
    );
    Ok(())
}

fn configure(args: ServeArgs) -> anyhow::Result<Config> {
    let mut config = Config::load(args.config.as_deref())?;
    if let Some(port) = args.port {
        config.server.port = port;
    }
    if let Some(host) = args.host {
        config.server.host = host;
    }
    if let Some(url) = args.database_url {
        config.database.url = url;
    }
    if let Some(cert) = args.tls_cert {
        config.server.tls_cert = cert;
    }
    if let Some(key) = args.tls_key {
        config.server.tls_key = key;
    }
    if args.in_memory {
        config.database.in_memory = true;
    }
    if let Some(format) = args.log_format {
        config.log.format = format;
    }
    if let Some(seed) = args.seed {
        config.seed.file = seed.display().to_string();
    }
    Ok(config)
}

fn init_tracing(log: &LogConfig, writer: BoxMakeWriter) -> anyhow::Result<()> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&log.filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(writer);
    match log.format.as_str() {
        "text" => builder.init(),
        // Fields at the top level beside `timestamp`, `level` and `message`; the request's span
        // (its request id) as `span`.
        "json" => builder.json().flatten_event(true).init(),
        other => anyhow::bail!("unknown log.format {other:?} (use text or json)"),
    }
    Ok(())
}

async fn export(config: Config, output: Option<PathBuf>) -> anyhow::Result<()> {
    let document = cognate_server::export(&config).await?;
    let text = serde_json::to_string_pretty(&document)? + "\n";
    match output {
        Some(path) => std::fs::write(&path, text)?,
        None => std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes())?,
    }
    Ok(())
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let app = Application::build(config).await?;
    tracing::info!(address = %app.address(), public_url = app.public_url(), "cognate listening");
    app.run().await?;
    Ok(())
}
