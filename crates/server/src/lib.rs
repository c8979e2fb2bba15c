//! The `cognate` server: configuration, storage selection, the HTTP router and start-up.

mod admin_auth;
pub mod app;
mod audit;
pub mod compatibility;
pub mod config;
mod delivery;
mod import_upload;
mod invocations;
mod listener;
mod metrics;
mod null_characters;
mod outbox;
mod probes;
mod quotas;
mod routes;
mod seed;
mod serve;
mod storage;
mod tls;

pub use app::{Application, export};
pub use config::Config;
