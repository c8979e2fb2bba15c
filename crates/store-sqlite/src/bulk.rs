//! Bulk user creation in one write transaction. First the whole call goes in as multi-row
//! INSERTs (a few statements per thousand users); when any user conflicts (username, sub or
//! alias taken, also by an earlier user of the same call), that attempt is rolled back and the
//! users go in one by one, each in its own savepoint, so a conflicting user fails alone and the
//! rest commit together. The per-user statements are the same every time: sqlx prepares them
//! once per connection.

use cognate_domain::StoreError;
use cognate_domain::user::User;
use sqlx::{QueryBuilder, Sqlite, Transaction};

use crate::SqliteStore;
use crate::error::{json_err, map_err};

/// Rows per multi-row INSERT: SQLite allows 32766 bound values; users bind 10 each.
const ROWS_PER_STATEMENT: usize = 1000;

pub(crate) async fn create_users(
    store: &SqliteStore,
    users: &[User],
) -> Result<Vec<Result<(), StoreError>>, StoreError> {
    let mut tx = store.write().await?;
    run(&mut tx, "SAVEPOINT bulk_all").await?;
    match insert_all(&mut tx, users).await {
        Ok(()) => {
            run(&mut tx, "RELEASE bulk_all").await?;
            tx.commit().await.map_err(map_err)?;
            return Ok(users.iter().map(|_| Ok(())).collect());
        }
        Err(StoreError::Backend(message)) => return Err(StoreError::Backend(message)),
        Err(_) => {
            run(&mut tx, "ROLLBACK TO bulk_all").await?;
            run(&mut tx, "RELEASE bulk_all").await?;
        }
    }
    let mut results = Vec::with_capacity(users.len());
    for user in users {
        run(&mut tx, "SAVEPOINT bulk_user").await?;
        let outcome = store.users().insert(&mut tx, user).await;
        match &outcome {
            Ok(()) => {}
            Err(StoreError::Backend(message)) => return Err(StoreError::Backend(message.clone())),
            // ROLLBACK TO keeps the savepoint open: the RELEASE below closes it.
            Err(_) => run(&mut tx, "ROLLBACK TO bulk_user").await?,
        }
        run(&mut tx, "RELEASE bulk_user").await?;
        results.push(outcome);
    }
    tx.commit().await.map_err(map_err)?;
    Ok(results)
}

async fn run(tx: &mut Transaction<'static, Sqlite>, sql: &str) -> Result<(), StoreError> {
    sqlx::query(sql)
        .execute(&mut **tx)
        .await
        .map_err(map_err)
        .map(|_| ())
}

/// Every user, attribute and alias row, as multi-row INSERTs. Fails on the first conflict.
async fn insert_all(
    tx: &mut Transaction<'static, Sqlite>,
    users: &[User],
) -> Result<(), StoreError> {
    for chunk in users.chunks(ROWS_PER_STATEMENT) {
        let documents = chunk
            .iter()
            .map(serde_json::to_string)
            .collect::<Result<Vec<_>, _>>()
            .map_err(json_err)?;
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO users (pool_id, username_key, username, sub, status, enabled, created_at, \
             last_modified_at, data, version) ",
        );
        insert.push_values(chunk.iter().zip(documents), |mut row, (user, data)| {
            row.push_bind(user.pool_id.as_str().to_string())
                .push_bind(user.username_key.clone())
                .push_bind(user.username.clone())
                .push_bind(user.sub.as_str().to_string())
                .push_bind(user.status.as_str())
                .push_bind(user.enabled)
                .push_bind(user.created_at.millis())
                .push_bind(user.last_modified_at.millis())
                .push_bind(data)
                .push_bind(user.version);
        });
        insert.build().execute(&mut **tx).await.map_err(map_err)?;
    }
    let attributes: Vec<(&User, &String, &String)> = users
        .iter()
        .flat_map(|user| user.attributes.iter().map(move |(n, v)| (user, n, v)))
        .collect();
    for chunk in attributes.chunks(ROWS_PER_STATEMENT * 2) {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO user_attributes (pool_id, username_key, name, value) ",
        );
        insert.push_values(chunk, |mut row, (user, name, value)| {
            row.push_bind(user.pool_id.as_str().to_string())
                .push_bind(user.username_key.clone())
                .push_bind((*name).clone())
                .push_bind((*value).clone());
        });
        insert.build().execute(&mut **tx).await.map_err(map_err)?;
    }
    let aliases: Vec<(&User, &cognate_domain::user::Alias)> = users
        .iter()
        .flat_map(|user| user.aliases.iter().map(move |alias| (user, alias)))
        .collect();
    for chunk in aliases.chunks(ROWS_PER_STATEMENT * 2) {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO user_aliases (pool_id, name, value_key, username_key) ",
        );
        insert.push_values(chunk, |mut row, (user, alias)| {
            row.push_bind(user.pool_id.as_str().to_string())
                .push_bind(alias.name.clone())
                .push_bind(alias.value_key.clone())
                .push_bind(user.username_key.clone());
        });
        insert.build().execute(&mut **tx).await.map_err(map_err)?;
    }
    Ok(())
}
