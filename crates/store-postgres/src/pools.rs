//! User pools and their signing keys: Postgres's SQL for the shared `cognate_store_sql::pools`
//! logic.

use cognate_store_sql::pools::PoolSql;

use crate::PgStore;
use crate::dialect::Postgres;

const SQL: PoolSql = PoolSql {
    create: "INSERT INTO user_pools (id, name, created_at, data) VALUES ($1, $2, $3, $4)",
    get: "SELECT data FROM user_pools WHERE id = $1",
    update: "UPDATE user_pools SET name = $2, data = $3 WHERE id = $1",
    delete: "DELETE FROM user_pools WHERE id = $1",
    list_first: "SELECT data FROM user_pools ORDER BY id LIMIT $1",
    list_after: "SELECT data FROM user_pools WHERE id > $2 ORDER BY id LIMIT $1",
    count_users: "SELECT (SELECT COUNT(*) FROM users WHERE users.pool_id = p.id) \
                  FROM user_pools p WHERE p.id = $1",
    insert_key: "INSERT INTO signing_keys \
                 (pool_id, kid, purpose, sealed_private_key, public_jwk, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    list_keys: "SELECT kid, purpose, sealed_private_key, public_jwk, created_at FROM signing_keys \
                WHERE pool_id = $1 ORDER BY created_at, kid",
};

cognate_store_sql::impl_pool_stores!(PgStore, Postgres, SQL);
