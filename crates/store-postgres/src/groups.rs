//! Groups and their members: Postgres's SQL for the shared `cognate_store_sql::groups` logic.

use cognate_store_sql::groups::GroupSql;

use crate::PgStore;
use crate::dialect::Postgres;

/// Keys are never empty, so "after the empty string" is the start: every page is the same
/// plain index range, and one statement serves the first page and the next ones.
const LIST: &str = "SELECT data FROM user_groups WHERE pool_id = $1 AND name_key > $3 \
                    ORDER BY name_key LIMIT $2";
const USER_GROUPS: &str = "SELECT g.data FROM group_members m \
                           JOIN user_groups g ON g.pool_id = m.pool_id AND g.name_key = m.group_key \
                           WHERE m.pool_id = $1 AND m.username_key = $2 AND m.group_key > $4 \
                           ORDER BY m.group_key LIMIT $3";
const MEMBERS: &str = "SELECT u.data FROM group_members m \
                       JOIN users u ON u.pool_id = m.pool_id AND u.username_key = m.username_key \
                       WHERE m.pool_id = $1 AND m.group_key = $2 AND m.username_key > $4 \
                       ORDER BY m.username_key LIMIT $3";

const SQL: GroupSql = GroupSql {
    // The name taken fails the primary key, reported as `user_groups_pool_name_key`.
    create: "INSERT INTO user_groups (pool_id, name_key, name, created_at, data) \
             VALUES ($1, $2, $3, $4, $5)",
    get: "SELECT data FROM user_groups WHERE pool_id = $1 AND name_key = $2",
    update: "UPDATE user_groups SET data = $3 WHERE pool_id = $1 AND name_key = $2",
    delete: "DELETE FROM user_groups WHERE pool_id = $1 AND name_key = $2",
    list_first: LIST,
    list_after: LIST,
    add_member: "INSERT INTO group_members (pool_id, group_key, username_key) \
                 VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    remove_member: "DELETE FROM group_members \
                    WHERE pool_id = $1 AND group_key = $2 AND username_key = $3",
    user_groups_first: USER_GROUPS,
    user_groups_after: USER_GROUPS,
    members_first: MEMBERS,
    members_after: MEMBERS,
};

cognate_store_sql::impl_group_store!(PgStore, Postgres, SQL);
