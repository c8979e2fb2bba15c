//! The `cognate` server: configuration, storage selection, the HTTP router and start-up.

pub mod app;
pub mod config;
mod import_upload;
mod invocations;
mod null_characters;
mod outbox;
mod routes;
mod storage;

pub use app::Application;
pub use config::Config;
