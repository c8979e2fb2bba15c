//! One integration-test binary: every test starts the real server on a free port with a fresh
//! database (SQLite, and Postgres when TEST_DATABASE_URL is set) and drives it over HTTP.

// Tests unwrap freely, helper functions included (clippy's allow-unwrap-in-tests covers only
// #[test] bodies).
#![allow(clippy::unwrap_used)]

mod auth;
mod clients;
mod new_password;
mod oidc;
mod pools;
mod protocol;
mod recovery;
mod refresh;
mod revocation;
mod signup;
mod users_admin;
mod users_profile;
