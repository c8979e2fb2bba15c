//! Cognate's domain: ids, entities, rules, storage traits and the injected services
//! (clock, ids, message delivery). No HTTP, no SQL, no wire types.

pub mod auth_event;
pub mod bytes;
pub mod client;
pub mod clock;
pub mod delivery;
pub mod federation;
pub mod group;
pub mod hosted;
pub mod identity;
pub mod ids;
pub mod import_job;
pub mod invalidation;
pub mod keys;
pub mod listing;
pub mod password;
pub mod pool;
pub mod schema;
pub mod store;
pub mod tokens;
pub mod user;
pub mod user_filter;

pub use clock::{Clock, SystemClock, TestClock, Timestamp};
pub use store::{ConnectionStats, HealthStore, Page, Store, StoreError};
