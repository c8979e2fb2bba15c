//! `cognate-loadtest`: drives a local cognate server over raw AWS JSON 1.1 and reports
//! requests/s and latency percentiles per operation; `startup` measures the server's start-up.
//!
//! Loopback only: endpoints whose host is not 127.0.0.1, localhost or ::1 are refused, and every
//! run is bounded by a duration (and optionally a request count).

mod api;
mod cli;
mod clock;
mod report;
mod runner;
mod scenarios;
mod startup;
mod stats;

use clap::Parser;

use crate::cli::{Cli, Command};

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Startup(args)) => startup::run(args),
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
