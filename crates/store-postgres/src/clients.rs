//! App clients: Postgres's SQL for the shared `cognate_store_sql::clients` logic.

use cognate_store_sql::clients::ClientSql;

use crate::PgStore;
use crate::dialect::Postgres;

const SQL: ClientSql = ClientSql {
    create: "INSERT INTO app_clients (client_id, pool_id, name, created_at, data) \
             VALUES ($1, $2, $3, $4, $5)",
    get: "SELECT data FROM app_clients WHERE client_id = $1",
    update: "UPDATE app_clients SET name = $3, data = $4 WHERE client_id = $1 AND pool_id = $2",
    delete: "DELETE FROM app_clients WHERE client_id = $1 AND pool_id = $2",
    list_first: "SELECT data FROM app_clients WHERE pool_id = $1 ORDER BY client_id LIMIT $2",
    list_after: "SELECT data FROM app_clients WHERE pool_id = $1 AND client_id > $3 \
                 ORDER BY client_id LIMIT $2",
};

cognate_store_sql::impl_client_store!(PgStore, Postgres, SQL);
