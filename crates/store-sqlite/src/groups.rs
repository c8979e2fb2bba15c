//! Groups and their members: SQLite's SQL for the shared `cognate_store_sql::groups` logic.

use cognate_store_sql::groups::GroupSql;

use crate::SqliteStore;
use crate::dialect::Sqlite;

const SQL: GroupSql = GroupSql {
    create: "INSERT INTO user_groups (pool_id, name_key, name, created_at, data) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
    get: "SELECT data FROM user_groups WHERE pool_id = ?1 AND name_key = ?2",
    update: "UPDATE user_groups SET data = ?3 WHERE pool_id = ?1 AND name_key = ?2",
    delete: "DELETE FROM user_groups WHERE pool_id = ?1 AND name_key = ?2",
    list_first: "SELECT data FROM user_groups WHERE pool_id = ?1 ORDER BY name_key LIMIT ?2",
    list_after: "SELECT data FROM user_groups WHERE pool_id = ?1 AND name_key > ?3 \
                 ORDER BY name_key LIMIT ?2",
    add_member: "INSERT INTO group_members (pool_id, group_key, username_key) \
                 VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
    remove_member: "DELETE FROM group_members \
                    WHERE pool_id = ?1 AND group_key = ?2 AND username_key = ?3",
    user_groups_first: "SELECT g.data FROM group_members m INDEXED BY group_members_user_idx \
                        CROSS JOIN user_groups g \
                        ON g.pool_id = m.pool_id AND g.name_key = m.group_key \
                        WHERE m.pool_id = ?1 AND m.username_key = ?2 \
                        ORDER BY m.group_key LIMIT ?3",
    user_groups_after: "SELECT g.data FROM group_members m INDEXED BY group_members_user_idx \
                        CROSS JOIN user_groups g \
                        ON g.pool_id = m.pool_id AND g.name_key = m.group_key \
                        WHERE m.pool_id = ?1 AND m.username_key = ?2 AND m.group_key > ?4 \
                        ORDER BY m.group_key LIMIT ?3",
    members_first: "SELECT u.data FROM group_members m \
                    CROSS JOIN users u \
                    ON u.pool_id = m.pool_id AND u.username_key = m.username_key \
                    WHERE m.pool_id = ?1 AND m.group_key = ?2 \
                    ORDER BY m.username_key LIMIT ?3",
    members_after: "SELECT u.data FROM group_members m \
                    CROSS JOIN users u \
                    ON u.pool_id = m.pool_id AND u.username_key = m.username_key \
                    WHERE m.pool_id = ?1 AND m.group_key = ?2 AND m.username_key > ?4 \
                    ORDER BY m.username_key LIMIT ?3",
};

cognate_store_sql::impl_group_store!(SqliteStore, Sqlite, SQL);
