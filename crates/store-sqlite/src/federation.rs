//! External identity providers and their identifiers: SQLite's SQL for the shared
//! `cognate_store_sql::federation` logic.

use cognate_store_sql::federation::FederationSql;

use crate::SqliteStore;
use crate::dialect::Sqlite;

const SQL: FederationSql = FederationSql {
    create: "INSERT INTO identity_providers (pool_id, name, data) VALUES (?1, ?2, ?3)",
    insert_identifier: "INSERT INTO identity_provider_identifiers (pool_id, identifier, name) \
                        VALUES (?1, ?2, ?3)",
    get: "SELECT data FROM identity_providers WHERE pool_id = ?1 AND name = ?2",
    by_identifier: "SELECT p.data FROM identity_provider_identifiers i CROSS JOIN identity_providers p \
                    ON p.pool_id = i.pool_id AND p.name = i.name \
                    WHERE i.pool_id = ?1 AND i.identifier = ?2",
    update: "UPDATE identity_providers SET data = ?3 WHERE pool_id = ?1 AND name = ?2",
    delete_identifiers: "DELETE FROM identity_provider_identifiers \
                         WHERE pool_id = ?1 AND name = ?2",
    delete: "DELETE FROM identity_providers WHERE pool_id = ?1 AND name = ?2",
    list: "SELECT data FROM identity_providers WHERE pool_id = ?1 AND name > ?2 \
           ORDER BY name LIMIT ?3",
};

cognate_store_sql::impl_federation_store!(SqliteStore, Sqlite, SQL);
