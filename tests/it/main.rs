//! One integration-test binary: every test starts the real server on a free port with a fresh
//! database (SQLite, and Postgres when TEST_DATABASE_URL is set) and drives it over HTTP.

mod clients;
mod oidc;
mod pools;
mod protocol;
