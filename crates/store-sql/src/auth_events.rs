//! The sign-in history (AdminListUserAuthEvents) and its feedback.

use cognate_domain::auth_event::{AuthEvent, AuthEventFeedback};
use cognate_domain::ids::UserPoolId;
use cognate_domain::listing::{fetch_limit, page};
use cognate_domain::{Page, StoreError};
use sqlx::types::Json;
use sqlx::{ColumnIndex, Database, Encode, Executor, FromRow, IntoArguments, Pool, Type};

use crate::{Dialect, found};

/// Each backend's SQL for `AuthEventStore`; the parameters are numbered as the comments say.
#[derive(Debug)]
pub struct AuthEventSql {
    /// pool_id, username_key, event_id, created_at, data
    pub add: &'static str,
    /// pool_id, username_key, seq before, limit: seq and data, newest first
    pub list: &'static str,
    /// pool_id, username_key, event_id, feedback (a JSON document set into data)
    pub set_feedback: &'static str,
}

/// `AuthEventStore` over one backend's pool and SQL.
pub struct AuthEvents<'a, D: Dialect> {
    pub pool: &'a Pool<D::Db>,
    pub sql: &'static AuthEventSql,
}

/// The page key after the last event: its sequence number (newest first, so "after" is lower).
fn parse_after(after: Option<&str>) -> i64 {
    after
        .and_then(|key| key.parse::<i64>().ok())
        .unwrap_or(i64::MAX)
}

impl<D: Dialect> AuthEvents<'_, D>
where
    for<'c> &'c mut <D::Db as Database>::Connection: Executor<'c, Database = D::Db>,
    for<'q> <D::Db as Database>::Arguments<'q>: IntoArguments<'q, D::Db>,
    usize: ColumnIndex<<D::Db as Database>::Row>,
    for<'q> &'q str: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> i64: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> Json<&'q AuthEvent>: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> Json<&'q AuthEventFeedback>: Encode<'q, D::Db> + Type<D::Db>,
    (i64, Json<AuthEvent>): for<'r> FromRow<'r, <D::Db as Database>::Row>,
{
    pub async fn add(&self, event: &AuthEvent) -> Result<(), StoreError> {
        // A missing user fails the foreign key: NotFound.
        sqlx::query(self.sql.add)
            .bind(event.pool_id.as_str())
            .bind(event.username_key.as_str())
            .bind(event.event_id.as_str())
            .bind(event.created_at.millis())
            .bind(Json(event))
            .execute(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(())
    }

    pub async fn list(
        &self,
        pool_id: &UserPoolId,
        username_key: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<AuthEvent>, StoreError> {
        let rows: Vec<(i64, Json<AuthEvent>)> = sqlx::query_as(self.sql.list)
            .bind(pool_id.as_str())
            .bind(username_key)
            .bind(parse_after(after))
            .bind(fetch_limit(limit))
            .fetch_all(self.pool)
            .await
            .map_err(D::map_err)?;
        let events = rows.into_iter().map(|(seq, Json(event))| (seq, event));
        let page = page(events.collect(), limit, |(seq, _)| seq.to_string());
        Ok(Page {
            items: page.items.into_iter().map(|(_, event)| event).collect(),
            next: page.next,
        })
    }

    pub async fn set_feedback(
        &self,
        pool_id: &UserPoolId,
        username_key: &str,
        event_id: &str,
        feedback: &AuthEventFeedback,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(self.sql.set_feedback)
            .bind(pool_id.as_str())
            .bind(username_key)
            .bind(event_id)
            .bind(Json(feedback))
            .execute(self.pool)
            .await
            .map_err(D::map_err)?;
        found(D::rows_affected(&done))
    }
}

/// Implements `AuthEventStore` for a backend's store (a type with a `pool` field) with
/// [`AuthEvents`] over the backend's dialect and SQL (a macro for the reason
/// `impl_hosted_store!` gives).
#[macro_export]
macro_rules! impl_auth_event_store {
    ($store:ty, $dialect:ty, $sql:expr) => {
        impl $store {
            fn auth_events(&self) -> $crate::auth_events::AuthEvents<'_, $dialect> {
                $crate::auth_events::AuthEvents {
                    pool: &self.pool,
                    sql: &$sql,
                }
            }
        }

        #[$crate::async_trait]
        impl ::cognate_domain::auth_event::AuthEventStore for $store {
            async fn add_auth_event(
                &self,
                event: &::cognate_domain::auth_event::AuthEvent,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.auth_events().add(event).await
            }

            async fn list_auth_events(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                username_key: &str,
                after: Option<&str>,
                limit: usize,
            ) -> Result<
                ::cognate_domain::Page<::cognate_domain::auth_event::AuthEvent>,
                ::cognate_domain::StoreError,
            > {
                self.auth_events()
                    .list(pool_id, username_key, after, limit)
                    .await
            }

            async fn set_auth_event_feedback(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                username_key: &str,
                event_id: &str,
                feedback: &::cognate_domain::auth_event::AuthEventFeedback,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.auth_events()
                    .set_feedback(pool_id, username_key, event_id, feedback)
                    .await
            }
        }
    };
}
