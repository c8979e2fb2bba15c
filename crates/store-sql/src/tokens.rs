//! Refresh tokens (by hash) and the outbox of sent messages.

use cognate_domain::ids::UserPoolId;
use cognate_domain::tokens::{OutboxFilter, OutboxMessage, RefreshTokenRecord};
use cognate_domain::{StoreError, Timestamp};
use sqlx::types::Json;
use sqlx::{
    ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Pool, QueryBuilder,
    Type,
};

use crate::Dialect;
use crate::read_cache::{Documents, ReadCache};

/// Each backend's SQL for `RefreshTokenStore` and `OutboxStore`; the parameters are numbered as
/// the comments say. Listing messages is the same text on both (`Tokens::list_messages`).
#[derive(Debug)]
pub struct TokenSql {
    /// token_hash, pool_id, client_id, username_key, expires_at, revoked, rotated_at, data
    pub insert: &'static str,
    /// token_hash: data, revoked, rotated_at
    pub get: &'static str,
    /// token_hash: sets revoked, returning data, revoked, rotated_at
    pub revoke: &'static str,
    /// token_hash, rotated_at: only while not rotated yet
    pub mark_rotated: &'static str,
    /// pool_id, username_key: revokes the user's tokens not revoked yet
    pub revoke_user: &'static str,
    /// pool_id, username, kind, created_at, data: returning id
    pub add_message: &'static str,
}

/// A refresh token's columns, as `get` and `revoke` select them.
type TokenRow = (Json<RefreshTokenRecord>, bool, Option<i64>);
/// A message's columns, as `list_messages` selects them.
type MessageRow = (i64, Json<OutboxMessage>);

/// The stored record with the authoritative columns laid over the document.
fn token((Json(mut record), revoked, rotated_at): TokenRow) -> RefreshTokenRecord {
    record.revoked = revoked;
    record.rotated_at = rotated_at.map(Timestamp);
    record
}

/// `RefreshTokenStore` and `OutboxStore` over one backend's pool and SQL.
pub struct Tokens<'a, D: Dialect> {
    pub pool: &'a Pool<D::Db>,
    pub sql: &'static TokenSql,
    /// Refresh tokens kept by hash, where the backend keeps users (see `read_cache`).
    pub cache: Option<&'a ReadCache>,
}

impl<D: Dialect> Tokens<'_, D>
where
    for<'c> &'c mut <D::Db as Database>::Connection: Executor<'c, Database = D::Db>,
    for<'q> <D::Db as Database>::Arguments<'q>: IntoArguments<'q, D::Db>,
    usize: ColumnIndex<<D::Db as Database>::Row>,
    for<'q> &'q str: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> i64: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> bool: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> Option<i64>: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> Json<&'q RefreshTokenRecord>: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> Json<&'q OutboxMessage>: Encode<'q, D::Db> + Type<D::Db>,
    i64: for<'r> Decode<'r, D::Db>,
    TokenRow: for<'r> FromRow<'r, <D::Db as Database>::Row>,
    MessageRow: for<'r> FromRow<'r, <D::Db as Database>::Row>,
{
    pub async fn insert(&self, record: &RefreshTokenRecord) -> Result<(), StoreError> {
        sqlx::query(self.sql.insert)
            .bind(record.token_hash.as_str())
            .bind(record.pool_id.as_str())
            .bind(record.client_id.as_str())
            .bind(record.username_key.as_str())
            .bind(record.expires_at.millis())
            .bind(record.revoked)
            .bind(record.rotated_at.map(Timestamp::millis))
            .bind(Json(record))
            .execute(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(())
    }

    /// From the cache when it holds the token: every refresh starts here.
    pub async fn get(&self, token_hash: &str) -> Result<RefreshTokenRecord, StoreError> {
        let kept = self.cache.map(|cache| &cache.refresh_tokens);
        let read = || async {
            match self.by_hash(self.sql.get, token_hash).await {
                Ok(record) => Ok(Some(record)),
                Err(StoreError::NotFound) => Ok(None),
                Err(other) => Err(other),
            }
        };
        Documents::read_through(kept, token_hash, read)
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn revoke(&self, token_hash: &str) -> Result<RefreshTokenRecord, StoreError> {
        let revoked = self.by_hash(self.sql.revoke, token_hash).await;
        self.forget(token_hash);
        revoked
    }

    /// After a statement that may have changed the token has run, whether or not it succeeded.
    fn forget(&self, token_hash: &str) {
        if let Some(cache) = self.cache {
            cache.refresh_tokens.invalidate(token_hash);
        }
    }

    /// The one token `sql` returns for `token_hash`.
    async fn by_hash(
        &self,
        sql: &'static str,
        token_hash: &str,
    ) -> Result<RefreshTokenRecord, StoreError> {
        let row: TokenRow = sqlx::query_as(sql)
            .bind(token_hash)
            .fetch_one(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(token(row))
    }

    pub async fn mark_rotated(&self, token_hash: &str, at: Timestamp) -> Result<(), StoreError> {
        let done = sqlx::query(self.sql.mark_rotated)
            .bind(token_hash)
            .bind(at.millis())
            .execute(self.pool)
            .await;
        self.forget(token_hash);
        let done = done.map_err(D::map_err)?;
        if D::rows_affected(&done) == 1 {
            return Ok(());
        }
        // Either unknown, or another request rotated it first.
        self.get(token_hash).await?;
        Err(StoreError::Conflict {
            constraint: "refresh_tokens_rotated".into(),
        })
    }

    pub async fn revoke_user(
        &self,
        pool_id: &UserPoolId,
        username_key: &str,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(self.sql.revoke_user)
            .bind(pool_id.as_str())
            .bind(username_key)
            .execute(self.pool)
            .await;
        if let Some(cache) = self.cache {
            cache.forget_user_refresh_tokens(pool_id.as_str(), username_key);
        }
        Ok(D::rows_affected(&done.map_err(D::map_err)?))
    }

    pub async fn add_message(&self, message: &OutboxMessage) -> Result<i64, StoreError> {
        sqlx::query_scalar(self.sql.add_message)
            .bind(message.pool_id.as_str())
            .bind(message.username.as_str())
            .bind(message.kind.as_str())
            .bind(message.created_at.millis())
            .bind(Json(message))
            .fetch_one(self.pool)
            .await
            .map_err(D::map_err)
    }

    /// The newest `limit` messages that match `filter`, newest first.
    pub async fn list_messages(
        &self,
        filter: &OutboxFilter,
        limit: usize,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let mut query = QueryBuilder::<D::Db>::new("SELECT id, data FROM outbox WHERE 1 = 1");
        if let Some(pool_id) = &filter.pool_id {
            query.push(" AND pool_id = ").push_bind(pool_id.as_str());
        }
        if let Some(username) = &filter.username {
            query.push(" AND username = ").push_bind(username.as_str());
        }
        if let Some(kind) = &filter.kind {
            query.push(" AND kind = ").push_bind(kind.as_str());
        }
        query
            .push(" ORDER BY id DESC LIMIT ")
            .push_bind(i64::try_from(limit).unwrap_or(i64::MAX));
        D::build(&mut query)
            .try_map(|row| {
                let (id, Json(mut message)) = MessageRow::from_row(&row)?;
                message.id = id;
                Ok(message)
            })
            .fetch_all(self.pool)
            .await
            .map_err(D::map_err)
    }
}

/// Implements `RefreshTokenStore` and `OutboxStore` for a backend's store (a type with a `pool`
/// field) with [`Tokens`] over the backend's dialect and SQL (a macro for the reason
/// `impl_hosted_store!` gives).
#[macro_export]
macro_rules! impl_token_store {
    ($store:ty, $dialect:ty, $sql:expr) => {
        impl $store {
            fn tokens(&self) -> $crate::tokens::Tokens<'_, $dialect> {
                $crate::tokens::Tokens {
                    pool: &self.pool,
                    sql: &$sql,
                    cache: self.read_cache(),
                }
            }
        }

        #[$crate::async_trait]
        impl ::cognate_domain::store::RefreshTokenStore for $store {
            async fn insert_refresh_token(
                &self,
                record: &::cognate_domain::tokens::RefreshTokenRecord,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.tokens().insert(record).await
            }

            async fn get_refresh_token(
                &self,
                token_hash: &str,
            ) -> Result<::cognate_domain::tokens::RefreshTokenRecord, ::cognate_domain::StoreError>
            {
                self.tokens().get(token_hash).await
            }

            async fn revoke_refresh_token(
                &self,
                token_hash: &str,
            ) -> Result<::cognate_domain::tokens::RefreshTokenRecord, ::cognate_domain::StoreError>
            {
                self.tokens().revoke(token_hash).await
            }

            async fn mark_refresh_token_rotated(
                &self,
                token_hash: &str,
                at: ::cognate_domain::Timestamp,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.tokens().mark_rotated(token_hash, at).await
            }

            async fn revoke_user_refresh_tokens(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                username_key: &str,
            ) -> Result<u64, ::cognate_domain::StoreError> {
                self.tokens().revoke_user(pool_id, username_key).await
            }
        }

        #[$crate::async_trait]
        impl ::cognate_domain::store::OutboxStore for $store {
            async fn add_message(
                &self,
                message: &::cognate_domain::tokens::OutboxMessage,
            ) -> Result<i64, ::cognate_domain::StoreError> {
                self.tokens().add_message(message).await
            }

            async fn list_messages(
                &self,
                filter: &::cognate_domain::tokens::OutboxFilter,
                limit: usize,
            ) -> Result<Vec<::cognate_domain::tokens::OutboxMessage>, ::cognate_domain::StoreError>
            {
                self.tokens().list_messages(filter, limit).await
            }
        }
    };
}
