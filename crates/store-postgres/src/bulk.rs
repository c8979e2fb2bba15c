//! Bulk user creation in one transaction and a fixed number of statements, whatever the number
//! of users: multi-row inserts over UNNEST with ON CONFLICT DO NOTHING, which skips a row whose
//! username or sub is taken (also by an earlier row of the same call). Users whose aliases did
//! not all go in are then deleted again (their attribute and alias rows with them), so each
//! user is all or nothing.

use std::collections::HashSet;

use cognate_domain::StoreError;
use cognate_domain::user::User;
use sqlx::{Postgres, Transaction};

use crate::PgStore;
use crate::error::map_err;

const USERNAME_TAKEN: &str = "users_pool_username_key";
const SUB_TAKEN: &str = "users_pool_sub_key";
const ALIAS_TAKEN: &str = "user_aliases_pool_alias_key";

/// (pool, username key): how rows of one user are recognised across the statements.
type Key = (String, String);

fn key_of(user: &User) -> Key {
    (user.pool_id.as_str().to_string(), user.username_key.clone())
}

pub(crate) async fn create_users(
    store: &PgStore,
    users: &[User],
) -> Result<Vec<Result<(), StoreError>>, StoreError> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    let early = conflicts_within(users);
    let offered: Vec<User> = users
        .iter()
        .zip(&early)
        .filter(|(_, early)| early.is_none())
        .map(|(user, _)| user.clone())
        .collect();
    let mut tx = store.pool.begin().await.map_err(map_err)?;
    let inserted = insert_users(&mut tx, &offered).await?;
    let placed: Vec<bool> = users
        .iter()
        .zip(&early)
        .map(|(user, early)| early.is_none() && inserted.contains(&key_of(user)))
        .collect();
    let candidates: Vec<&User> = users
        .iter()
        .zip(&placed)
        .filter_map(|(user, placed)| placed.then_some(user))
        .collect();
    let lost_alias = insert_aliases(&mut tx, &candidates).await?;
    remove_users(&mut tx, &lost_alias).await?;
    let kept: Vec<&User> = candidates
        .into_iter()
        .filter(|user| !lost_alias.contains(&key_of(user)))
        .collect();
    insert_attributes(&mut tx, &kept).await?;
    let missing_pools = missing_pools(&mut tx, users).await?;
    let refused: Vec<&User> = users
        .iter()
        .zip(&placed)
        .filter_map(|(user, placed)| (!placed).then_some(user))
        .collect();
    let taken_names = existing_keys(&mut tx, &refused).await?;
    tx.commit().await.map_err(map_err)?;
    Ok(users
        .iter()
        .zip(placed)
        .zip(early)
        .map(|((user, placed), early)| {
            let key = key_of(user);
            if let Some(early) = early {
                Err(early)
            } else if placed && !lost_alias.contains(&key) {
                Ok(())
            } else if placed {
                Err(conflict(ALIAS_TAKEN))
            } else if missing_pools.contains(&key.0) {
                Err(StoreError::NotFound)
            } else if taken_names.contains(&key) {
                Err(conflict(USERNAME_TAKEN))
            } else {
                Err(conflict(SUB_TAKEN))
            }
        })
        .collect())
}

/// Conflicts between users of the same call, found before any statement so that the database
/// sees unique rows and the first user of a username, sub or alias wins: one error per user.
fn conflicts_within(users: &[User]) -> Vec<Option<StoreError>> {
    let mut names: HashSet<Key> = HashSet::new();
    let mut subs: HashSet<Key> = HashSet::new();
    let mut aliases: HashSet<(String, String, String)> = HashSet::new();
    users
        .iter()
        .map(|user| {
            let pool = user.pool_id.as_str().to_string();
            let sub = (pool.clone(), user.sub.as_str().to_string());
            let own: Vec<(String, String, String)> = user
                .aliases
                .iter()
                .map(|a| (pool.clone(), a.name.clone(), a.value_key.clone()))
                .collect();
            if names.contains(&key_of(user)) {
                Some(conflict(USERNAME_TAKEN))
            } else if subs.contains(&sub) {
                Some(conflict(SUB_TAKEN))
            } else if own.iter().any(|a| aliases.contains(a)) {
                Some(conflict(ALIAS_TAKEN))
            } else {
                names.insert(key_of(user));
                subs.insert(sub);
                aliases.extend(own);
                None
            }
        })
        .collect()
}

fn conflict(constraint: &str) -> StoreError {
    StoreError::Conflict {
        constraint: constraint.into(),
    }
}

/// Inserts the users' rows, skipping conflicting ones; the keys that went in. A user for a
/// pool that does not exist fails the foreign key for the whole statement, so users are only
/// offered for pools that exist.
async fn insert_users(
    tx: &mut Transaction<'static, Postgres>,
    users: &[User],
) -> Result<HashSet<Key>, StoreError> {
    let mut columns = UserColumns::default();
    for user in users {
        columns.push(user)?;
    }
    let rows: Vec<(String, String)> = sqlx::query_as(
        "INSERT INTO users (pool_id, username_key, username, sub, status, enabled, created_at, last_modified_at, data, version) \
         SELECT t.pool_id, t.username_key, t.username, t.sub, t.status, t.enabled, t.created_at, \
                t.last_modified_at, t.data::jsonb, t.version \
         FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[], \
                     $7::int8[], $8::int8[], $9::text[], $10::int8[]) \
              AS t (pool_id, username_key, username, sub, status, enabled, created_at, last_modified_at, data, version) \
         WHERE EXISTS (SELECT 1 FROM user_pools p WHERE p.id = t.pool_id) \
         ON CONFLICT DO NOTHING \
         RETURNING pool_id, username_key",
    )
    .bind(columns.pool_id)
    .bind(columns.username_key)
    .bind(columns.username)
    .bind(columns.sub)
    .bind(columns.status)
    .bind(columns.enabled)
    .bind(columns.created_at)
    .bind(columns.last_modified_at)
    .bind(columns.data)
    .bind(columns.version)
    .fetch_all(&mut **tx)
    .await
    .map_err(map_err)?;
    Ok(rows.into_iter().collect())
}

#[derive(Default)]
struct UserColumns {
    pool_id: Vec<String>,
    username_key: Vec<String>,
    username: Vec<String>,
    sub: Vec<String>,
    status: Vec<String>,
    enabled: Vec<bool>,
    created_at: Vec<i64>,
    last_modified_at: Vec<i64>,
    data: Vec<String>,
    version: Vec<i64>,
}

impl UserColumns {
    fn push(&mut self, user: &User) -> Result<(), StoreError> {
        let data = serde_json::to_string(user)
            .map_err(|err| StoreError::Backend(format!("user document: {err}")))?;
        self.pool_id.push(user.pool_id.as_str().to_string());
        self.username_key.push(user.username_key.clone());
        self.username.push(user.username.clone());
        self.sub.push(user.sub.as_str().to_string());
        self.status.push(user.status.as_str().to_string());
        self.enabled.push(user.enabled);
        self.created_at.push(user.created_at.millis());
        self.last_modified_at.push(user.last_modified_at.millis());
        self.data.push(data);
        self.version.push(user.version);
        Ok(())
    }
}

/// Inserts the aliases of the placed users, skipping taken ones; the users that lost one.
async fn insert_aliases(
    tx: &mut Transaction<'static, Postgres>,
    users: &[&User],
) -> Result<HashSet<Key>, StoreError> {
    let mut wanted: Vec<(Key, String, String)> = Vec::new();
    for user in users {
        for alias in &user.aliases {
            wanted.push((key_of(user), alias.name.clone(), alias.value_key.clone()));
        }
    }
    if wanted.is_empty() {
        return Ok(HashSet::new());
    }
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "INSERT INTO user_aliases (pool_id, name, value_key, username_key) \
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[]) \
         ON CONFLICT DO NOTHING \
         RETURNING pool_id, username_key, name, value_key",
    )
    .bind(wanted.iter().map(|w| w.0.0.clone()).collect::<Vec<_>>())
    .bind(wanted.iter().map(|w| w.1.clone()).collect::<Vec<_>>())
    .bind(wanted.iter().map(|w| w.2.clone()).collect::<Vec<_>>())
    .bind(wanted.iter().map(|w| w.0.1.clone()).collect::<Vec<_>>())
    .fetch_all(&mut **tx)
    .await
    .map_err(map_err)?;
    let got: HashSet<(Key, String, String)> = rows
        .into_iter()
        .map(|(pool, user, name, value)| ((pool, user), name, value))
        .collect();
    Ok(wanted
        .into_iter()
        .filter(|w| !got.contains(w))
        .map(|(key, _, _)| key)
        .collect())
}

/// Deletes users again (their alias rows go by ON DELETE CASCADE).
async fn remove_users(
    tx: &mut Transaction<'static, Postgres>,
    keys: &HashSet<Key>,
) -> Result<(), StoreError> {
    if keys.is_empty() {
        return Ok(());
    }
    let (pools, names): (Vec<String>, Vec<String>) = keys.iter().cloned().unzip();
    sqlx::query(
        "DELETE FROM users u USING UNNEST($1::text[], $2::text[]) AS t (pool_id, username_key) \
         WHERE u.pool_id = t.pool_id AND u.username_key = t.username_key",
    )
    .bind(pools)
    .bind(names)
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    Ok(())
}

async fn insert_attributes(
    tx: &mut Transaction<'static, Postgres>,
    users: &[&User],
) -> Result<(), StoreError> {
    let mut pools = Vec::new();
    let mut keys = Vec::new();
    let mut names = Vec::new();
    let mut values = Vec::new();
    for user in users {
        for (name, value) in &user.attributes {
            pools.push(user.pool_id.as_str().to_string());
            keys.push(user.username_key.clone());
            names.push(name.clone());
            values.push(value.clone());
        }
    }
    if names.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO user_attributes (pool_id, username_key, name, value) \
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[])",
    )
    .bind(pools)
    .bind(keys)
    .bind(names)
    .bind(values)
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    Ok(())
}

/// The pools named by `users` that do not exist.
async fn missing_pools(
    tx: &mut Transaction<'static, Postgres>,
    users: &[User],
) -> Result<HashSet<String>, StoreError> {
    let named: HashSet<String> = users
        .iter()
        .map(|user| user.pool_id.as_str().to_string())
        .collect();
    let named: Vec<String> = named.into_iter().collect();
    let found: Vec<String> =
        sqlx::query_scalar("SELECT id FROM user_pools WHERE id = ANY($1::text[])")
            .bind(&named)
            .fetch_all(&mut **tx)
            .await
            .map_err(map_err)?;
    let found: HashSet<String> = found.into_iter().collect();
    Ok(named.into_iter().filter(|id| !found.contains(id)).collect())
}

/// Which of `users` have a username key already stored (so theirs was the username conflict).
async fn existing_keys(
    tx: &mut Transaction<'static, Postgres>,
    users: &[&User],
) -> Result<HashSet<Key>, StoreError> {
    if users.is_empty() {
        return Ok(HashSet::new());
    }
    let (pools, names): (Vec<String>, Vec<String>) = users.iter().map(|user| key_of(user)).unzip();
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT u.pool_id, u.username_key FROM users u \
         JOIN UNNEST($1::text[], $2::text[]) AS t (pool_id, username_key) \
         ON u.pool_id = t.pool_id AND u.username_key = t.username_key",
    )
    .bind(pools)
    .bind(names)
    .fetch_all(&mut **tx)
    .await
    .map_err(map_err)?;
    Ok(rows.into_iter().collect())
}
