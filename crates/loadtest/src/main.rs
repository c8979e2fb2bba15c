//! `cognate-loadtest`: drives a local cognate server over raw AWS JSON 1.1 and reports
//! requests/s and latency percentiles per operation, each beside a do-nothing server's rate
//! measured in the same run (`noop-server`); `startup` measures the server's start-up.
//!
//! Loopback only: endpoints whose host is not 127.0.0.1, localhost or ::1 are refused, and every
//! run is bounded by a duration (and optionally a request count).

mod api;
mod baseline;
mod cli;
mod clock;
mod noop;
mod report;
mod runner;
mod scenarios;
mod startup;
mod stats;

use clap::Parser;

use crate::cli::{Cli, Command};

fn main() -> anyhow::Result<()> {
    // Built in one cargo command with the server (`cargo build --release`), reqwest gets the
    // server's rustls feature without a crypto provider and its client builder panics "No
    // provider set"; an explicit provider makes both builds work. Already set: nothing to do.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Startup(args)) => startup::run(args),
        Some(Command::NoopServer(args)) => noop::run(args.port),
        Some(Command::Scenarios) => {
            for s in scenarios::all() {
                println!("{:<26} {}", s.name(), s.about());
            }
            Ok(())
        }
        None => {
            let args = cli.run.validate()?;
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?
                .block_on(runner::run(args))
        }
    }
}
