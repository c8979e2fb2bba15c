//! The change listener: LISTENs on `cognate_changes` (raised by the triggers of migration
//! 0008 on every committed write, this replica's included) and publishes each notification to
//! the process's [`Invalidations`], so caches drop what another replica changed within
//! milliseconds.
//!
//! Its connection is its own (a one-connection pool with the store's options: sqlx's listener
//! holds its connection for good, which would take one of the requests' connections). When it
//! breaks, notifications may have been missed: it publishes [`Change::Everything`] and
//! reconnects, retrying every second while the database is away.

use std::time::Duration;

use cognate_domain::invalidation::{Change, Invalidations};
use serde_json::Value;
use sqlx::PgPool;
use sqlx::postgres::{PgListener, PgPoolOptions};

use crate::{ACQUIRE_TIMEOUT, PgStore};
use cognate_store_sql::read_cache::ReadCache;

/// The channel the triggers notify.
pub const CHANNEL: &str = "cognate_changes";
/// Wait between attempts while the database does not answer.
const RETRY: Duration = Duration::from_secs(1);

impl PgStore {
    /// This store, keeping pools, clients and users decoded in the process
    /// (`cognate_store_sql::read_cache`), and the listener that keeps that cache right: the
    /// cache drops what `invalidations` says changed, and the listener (spawn it) publishes
    /// every replica's committed writes there. Once this returns, writes committed by others
    /// reach the cache within the notification's delivery.
    pub async fn follow_changes(
        mut self,
        invalidations: Invalidations,
    ) -> Result<(Self, impl Future<Output = ()> + Send + 'static), cognate_domain::StoreError> {
        // Subscribed before listening: no notification can come before the cache hears it.
        self.cache = Some(ReadCache::following(&invalidations));
        let listening = self.listen_for_changes(invalidations).await?;
        Ok((self, listening))
    }

    /// Listens until the process ends, publishing every change to `invalidations`. Spawn it.
    /// Returns once it is listening, with the future that keeps listening: writes committed
    /// after this returns are seen.
    pub async fn listen_for_changes(
        &self,
        invalidations: Invalidations,
    ) -> Result<impl Future<Output = ()> + Send + 'static + use<>, cognate_domain::StoreError> {
        let own = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_lazy_with((*self.pool().connect_options()).clone());
        let listener = connect(&own).await.map_err(crate::error::map_err)?;
        Ok(async move { run(own, listener, invalidations).await })
    }
}

async fn connect(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

async fn run(pool: PgPool, mut listener: PgListener, invalidations: Invalidations) {
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => {
                if let Some(change) = parse(notification.payload()) {
                    invalidations.publish(&change);
                }
            }
            // The connection was lost; the next call reconnects (and listens again).
            Ok(None) => {
                tracing::warn!("change listener lost its connection; caches dropped");
                invalidations.publish(&Change::Everything);
            }
            Err(error) => {
                tracing::warn!(%error, "change listener failed; reconnecting");
                invalidations.publish(&Change::Everything);
                listener = reconnect(&pool).await;
                // Changes between the failure and the new LISTEN were missed too.
                invalidations.publish(&Change::Everything);
            }
        }
    }
}

/// A new listener, retrying every [`RETRY`] until the database answers.
async fn reconnect(pool: &PgPool) -> PgListener {
    loop {
        match connect(pool).await {
            Ok(listener) => return listener,
            Err(error) => {
                tracing::debug!(%error, "change listener cannot reconnect yet");
                tokio::time::sleep(RETRY).await;
            }
        }
    }
}

/// A trigger's payload as a change; `None` (and a log line) for one this build does not know.
fn parse(payload: &str) -> Option<Change> {
    let v: Value = serde_json::from_str(payload).ok()?;
    let text = |key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    let pool_id = text("pool");
    let change = match (v.get("k").and_then(Value::as_str), pool_id) {
        (Some("pool"), Some(pool_id)) => Change::Pool { pool_id },
        (Some("client"), Some(pool_id)) => Change::Client {
            pool_id,
            client_id: text("client")?,
        },
        (Some("user"), Some(pool_id)) => Change::User {
            pool_id,
            username_key: text("user")?,
        },
        (Some("keys"), Some(pool_id)) => Change::Keys { pool_id },
        (Some("groups"), Some(pool_id)) => Change::Groups { pool_id },
        (Some("identity_pool"), Some(identity_pool_id)) => {
            Change::IdentityPool { identity_pool_id }
        }
        (Some("identities"), _) => Change::Identities,
        _ => {
            tracing::warn!(payload, "unknown change notification; caches dropped");
            Change::Everything
        }
    };
    Some(change)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigger_payloads_parse() {
        let user = parse(r#"{"k" : "user", "pool" : "p1", "user" : "alice"}"#);
        assert_eq!(
            user,
            Some(Change::User {
                pool_id: "p1".into(),
                username_key: "alice".into()
            })
        );
        let client = parse(r#"{"k":"client","pool":"p1","client":"c1"}"#);
        assert_eq!(
            client,
            Some(Change::Client {
                pool_id: "p1".into(),
                client_id: "c1".into()
            })
        );
        assert_eq!(
            parse(r#"{"k":"pool","pool":"p1"}"#),
            Some(Change::Pool {
                pool_id: "p1".into()
            })
        );
        assert_eq!(
            parse(r#"{"k":"groups","pool":"p1"}"#),
            Some(Change::Groups {
                pool_id: "p1".into()
            })
        );
        assert_eq!(
            parse(r#"{"k":"identity_pool","pool":"eu-west-1:x"}"#),
            Some(Change::IdentityPool {
                identity_pool_id: "eu-west-1:x".into()
            })
        );
        assert_eq!(parse(r#"{"k":"identities"}"#), Some(Change::Identities));
        assert_eq!(parse(r#"{"k":"future"}"#), Some(Change::Everything));
    }
}
