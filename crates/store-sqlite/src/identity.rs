//! Identity pools, identities with their logins, issuer keys: SQLite's SQL for the
//! shared `cognate_store_sql::identity` logic, and its own way of creating identities and
//! unlinking logins.

use cognate_domain::StoreError;
use cognate_domain::identity::{Identity, IdentityLogin};
use cognate_store_sql::Dialect;
use cognate_store_sql::identity::{Identities, IdentityDialect, IdentitySql};
use sqlx::types::Json;

use crate::SqliteStore;
use crate::dialect::Sqlite;

const SQL: IdentitySql = IdentitySql {
    create_pool: "INSERT INTO identity_pools (id, name, created_at, data) \
                  VALUES (?1, ?2, ?3, ?4)",
    get_pool: "SELECT data FROM identity_pools WHERE id = ?1",
    update_pool: "UPDATE identity_pools SET name = ?2, data = ?3 WHERE id = ?1",
    delete_pool: "DELETE FROM identity_pools WHERE id = ?1",
    list_pools_first: "SELECT data FROM identity_pools ORDER BY id LIMIT ?1",
    list_pools_after: "SELECT data FROM identity_pools WHERE id > ?2 ORDER BY id LIMIT ?1",
    by_login: "SELECT i.data FROM identity_logins l JOIN identities i ON i.id = l.identity_id \
               WHERE l.pool_id = ?1 AND l.provider = ?2 AND l.subject = ?3",
    get: "SELECT data FROM identities WHERE id = ?1",
    get_for_update: "SELECT data FROM identities WHERE id = ?1",
    update: "UPDATE identities SET data = ?2 WHERE id = ?1",
    list_first: "SELECT data FROM identities WHERE pool_id = ?1 ORDER BY id LIMIT ?2",
    list_after: "SELECT data FROM identities WHERE pool_id = ?1 AND id > ?3 \
                 ORDER BY id LIMIT ?2",
    delete: "DELETE FROM identities WHERE id = ?1",
    providers: "SELECT DISTINCT provider FROM identity_logins WHERE identity_id = ?1 \
                ORDER BY provider",
    list_logins: "SELECT pool_id, provider, subject FROM identity_logins \
                  WHERE identity_id = ?1 ORDER BY provider, subject",
    link_login: "INSERT INTO identity_logins (pool_id, provider, subject, identity_id) \
                 VALUES (?1, ?2, ?3, ?4)",
    login_owner: "SELECT identity_id FROM identity_logins \
                  WHERE pool_id = ?1 AND provider = ?2 AND subject = ?3",
    move_login: "UPDATE identity_logins SET identity_id = ?4 \
                 WHERE pool_id = ?1 AND provider = ?2 AND subject = ?3",
    remove_login: "DELETE FROM identity_logins \
                   WHERE pool_id = ?1 AND provider = ?2 AND subject = ?3 AND identity_id = ?4",
    add_key: "INSERT INTO identity_keys (kid, slot, sealed_private_key, public_jwk, created_at) \
              VALUES (?1, 'current', ?2, ?3, ?4) ON CONFLICT DO NOTHING",
    list_keys: "SELECT kid, sealed_private_key, public_jwk, created_at FROM identity_keys \
                ORDER BY created_at, kid",
};

const INSERT_IDENTITY: &str =
    "INSERT INTO identities (id, pool_id, created_at, data) VALUES (?1, ?2, ?3, ?4)";
const DELETE_PROVIDER_LOGINS: &str =
    "DELETE FROM identity_logins WHERE identity_id = ?1 AND provider = ?2";

impl IdentityDialect for Sqlite {
    async fn create_identity(
        store: &Identities<'_, Self>,
        identity: &Identity,
        login: Option<&IdentityLogin>,
    ) -> Result<Identity, StoreError> {
        let mut tx = Self::begin_write(store.pool).await?;
        // Under the write lock a login found absent stays absent until commit.
        if let Some(login) = login {
            let existing: Option<Json<Identity>> = sqlx::query_scalar(SQL.by_login)
                .bind(&login.pool_id)
                .bind(&login.provider)
                .bind(&login.subject)
                .fetch_optional(&mut *tx)
                .await
                .map_err(Self::map_err)?;
            if let Some(Json(existing)) = existing {
                return Ok(existing);
            }
        }
        sqlx::query(INSERT_IDENTITY)
            .bind(&identity.id)
            .bind(&identity.pool_id)
            .bind(identity.created_at.millis())
            .bind(Json(identity))
            .execute(&mut *tx)
            .await
            .map_err(Self::map_err)?;
        if let Some(login) = login {
            sqlx::query(SQL.link_login)
                .bind(&login.pool_id)
                .bind(&login.provider)
                .bind(&login.subject)
                .bind(&identity.id)
                .execute(&mut *tx)
                .await
                .map_err(Self::map_err)?;
        }
        tx.commit().await.map_err(Self::map_err)?;
        Ok(identity.clone())
    }

    /// One delete per provider: SQLite has no array parameter.
    async fn unlink_logins(
        store: &Identities<'_, Self>,
        id: &str,
        providers: &[String],
    ) -> Result<Identity, StoreError> {
        let mut tx = Self::begin_write(store.pool).await?;
        let mut identity = store.get_for_update(&mut tx, id).await?;
        for provider in providers {
            sqlx::query(DELETE_PROVIDER_LOGINS)
                .bind(id)
                .bind(provider)
                .execute(&mut *tx)
                .await
                .map_err(Self::map_err)?;
        }
        identity.logins.retain(|login| !providers.contains(login));
        store.put(&mut tx, &identity).await?;
        tx.commit().await.map_err(Self::map_err)?;
        Ok(identity)
    }
}

cognate_store_sql::impl_identity_store!(SqliteStore, Sqlite, SQL);
