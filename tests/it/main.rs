//! One integration-test binary: every test starts the real server on a free port with a fresh
//! database (SQLite, and Postgres when TEST_DATABASE_URL is set) and drives it over HTTP.

mod auth;
mod clients;
mod oidc;
mod pools;
mod protocol;
mod refresh;
mod revocation;
mod signup;
mod users_admin;
mod users_profile;
