//! One integration-test binary: every test starts the real server on a free port with a fresh
//! database (SQLite, and Postgres when TEST_DATABASE_URL is set) and drives it over HTTP.

// Tests unwrap freely, helper functions included (clippy's allow-unwrap-in-tests covers only
// #[test] bodies).
#![allow(clippy::unwrap_used)]

mod audit_log;
mod auth;
mod auth_events;
mod clients;
mod code_limits;
mod control_characters;
mod delivery;
mod devices;
mod federation;
mod fidelity_booleans;
mod fidelity_region;
mod fidelity_schema;
mod fidelity_validation;
mod groups;
mod hosted;
mod hosted_ops;
mod identity_credentials;
mod identity_developer;
mod identity_fresh_reads;
mod identity_oidc;
mod identity_pools;
mod identity_sts;
mod identity_switching;
mod import_jobs;
mod list_users;
mod lockout_concurrency;
mod mfa;
mod mfa_codes;
mod new_password;
mod oauth;
mod observability;
mod oidc;
mod pools;
mod props;
mod protocol;
mod quotas;
mod recovery;
mod refresh;
mod replicas;
mod revocation;
mod seed;
mod signup;
mod sigv4_mode;
mod slow_clients;
mod srp;
mod tls;
mod triggers;
mod user_auth;
mod users_admin;
mod users_profile;
