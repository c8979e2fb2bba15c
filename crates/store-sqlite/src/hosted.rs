//! Domains, resource servers, hosted-UI customization and authorization codes: SQLite's SQL for
//! the shared `cognate_store_sql::hosted` logic.

use cognate_store_sql::hosted::HostedSql;

use crate::SqliteStore;
use crate::dialect::Sqlite;

const SQL: HostedSql = HostedSql {
    create_domain: "INSERT INTO user_pool_domains (domain, pool_id, custom, data) \
                    VALUES (?1, ?2, ?3, ?4)",
    get_domain: "SELECT data FROM user_pool_domains WHERE domain = ?1",
    pool_domains: "SELECT data FROM user_pool_domains WHERE pool_id = ?1 ORDER BY custom, domain",
    update_domain: "UPDATE user_pool_domains SET custom = ?3, data = ?4 \
                    WHERE domain = ?1 AND pool_id = ?2",
    delete_domain: "DELETE FROM user_pool_domains WHERE domain = ?1 AND pool_id = ?2",
    create_resource_server: "INSERT INTO resource_servers (pool_id, identifier, data) \
                             VALUES (?1, ?2, ?3)",
    get_resource_server: "SELECT data FROM resource_servers WHERE pool_id = ?1 AND identifier = ?2",
    update_resource_server: "UPDATE resource_servers SET data = ?3 \
                             WHERE pool_id = ?1 AND identifier = ?2",
    delete_resource_server: "DELETE FROM resource_servers WHERE pool_id = ?1 AND identifier = ?2",
    list_resource_servers: "SELECT data FROM resource_servers WHERE pool_id = ?1 \
                            AND identifier > ?2 ORDER BY identifier LIMIT ?3",
    put_ui_customization: "INSERT INTO ui_customizations (pool_id, client_key, data) \
                           VALUES (?1, ?2, ?3) \
                           ON CONFLICT (pool_id, client_key) DO UPDATE SET data = excluded.data",
    get_ui_customization: "SELECT data FROM ui_customizations \
                           WHERE pool_id = ?1 AND client_key = ?2",
    sweep_authorization_codes: "DELETE FROM authorization_codes WHERE expires_at < ?1",
    insert_authorization_code: "INSERT INTO authorization_codes \
                                (code_hash, pool_id, expires_at, data) VALUES (?1, ?2, ?3, ?4)",
    take_authorization_code: "DELETE FROM authorization_codes WHERE code_hash = ?1 \
                              RETURNING data",
};

cognate_store_sql::impl_hosted_store!(SqliteStore, Sqlite, SQL);
