//! Both backends' ListUsers statements, built once over each backend's text (`ListingSql`): the
//! walk that finds a page's username keys in the listing's order from its position
//! (`listed_users::After`, `push_page_keys`), and the statements around it (`FROM (<keys>) p
//! JOIN users u ...`). The inner queries name the attribute filter index `a` and users `s`.

use cognate_domain::listing::{FilterPlan, TextMatch, fetch_limit};
use sqlx::{Database, Encode, QueryBuilder, Type};

use crate::listed_users::After;

/// The attribute filter index's first ordered column after (pool, name).
const INDEXED: &str = "substr(a.value, 1, 256)";

/// Each backend's table clauses for a page's keys (SQLite names the index each filter walks).
pub struct KeyTables {
    /// The attribute filter index, named `a`: `FROM user_attributes a ...`.
    pub attributes: &'static str,
    /// The users table, named `s`, for a status filter, an enabled filter and anything else.
    pub users_by_status: &'static str,
    pub users_by_enabled: &'static str,
    pub users: &'static str,
}

/// The query selecting the username keys `k` and their indexed values `v` (for an attribute
/// filter; empty for the others) of the page of at most `limit` users of `plan`'s listing after
/// `after`, one more to know whether more follow: a walk of one index range in the listing's
/// order. `plan` is not `FilterPlan::Nothing` (which selects nothing).
pub fn push_page_keys<'a, DB>(
    query: &mut QueryBuilder<'a, DB>,
    tables: &KeyTables,
    pool_id: &'a str,
    plan: &FilterPlan,
    after: Option<&After>,
    limit: usize,
) where
    DB: Database,
    String: Encode<'a, DB> + Type<DB>,
    &'a str: Encode<'a, DB> + Type<DB>,
    bool: Encode<'a, DB> + Type<DB>,
    i64: Encode<'a, DB> + Type<DB>,
{
    let limit = fetch_limit(limit);
    if let FilterPlan::Attribute { name, value } = plan {
        let filter = AttributeFilter {
            pool_id,
            name,
            value,
        };
        return push_attribute_keys(query, tables.attributes, &filter, after, limit);
    }
    let users = match plan {
        FilterPlan::Status(_) => tables.users_by_status,
        FilterPlan::Enabled(_) => tables.users_by_enabled,
        _ => tables.users,
    };
    query
        .push(format_args!(
            "SELECT '' AS v, s.username_key AS k {users} WHERE s.pool_id = "
        ))
        .push_bind(pool_id);
    match plan {
        FilterPlan::Username(value) => push_match(query, "s.username_key", value),
        FilterPlan::Status(value) => push_match(query, "s.status", value),
        FilterPlan::Enabled(enabled) => {
            query.push(" AND s.enabled = ").push_bind(*enabled);
        }
        FilterPlan::All | FilterPlan::Nothing | FilterPlan::Attribute { .. } => {}
    }
    push_key_order(query, after, limit);
}

/// Each backend's text for the ListUsers statements (`list_users_query`, `page_keys_query`,
/// `listed_users_query`).
pub struct ListingSql {
    pub key_tables: KeyTables,
    /// The JSON array of the users whose keys `p.k` a subquery selects, each
    /// `[username_key, username, status, enabled (0/1), created_at, last_modified_at,
    /// {attributes}]` (what `listed_users::decode_users` reads), up to `FROM (`.
    pub listed_users: &'static str,
    /// The JSON array of a walk's entries, `[p.v, p.k]` each, up to `FROM (`.
    pub walk: &'static str,
    /// Around the one parameter, a JSON array of username keys: a subquery selecting them as `k`.
    pub keys_of_array: (&'static str, &'static str),
    /// Closes the keys' subquery `p` and joins its users `u` on the pool, bound next.
    pub join_users: &'static str,
}

/// The ListUsers statement: the page's username keys from one index range (primary key, status
/// index, or the attribute filter index, which holds the keys too; `push_page_keys`), then only
/// those users, as `sql.listed_users` writes them: one row. `head` goes before the statement
/// (`EXPLAIN` in the tests).
pub fn list_users_query<'a, DB>(
    sql: &ListingSql,
    head: &str,
    pool_id: &'a str,
    plan: &FilterPlan,
    after: Option<&After>,
    limit: usize,
) -> QueryBuilder<'a, DB>
where
    DB: Database,
    String: Encode<'a, DB> + Type<DB>,
    &'a str: Encode<'a, DB> + Type<DB>,
    bool: Encode<'a, DB> + Type<DB>,
    i64: Encode<'a, DB> + Type<DB>,
{
    let mut query = QueryBuilder::new(head);
    query.push(sql.listed_users);
    push_page_keys(&mut query, &sql.key_tables, pool_id, plan, after, limit);
    push_join_users(&mut query, sql, pool_id);
    query
}

/// The walk of `list_users_query` alone: one row, `[indexed value, username key]` per entry.
pub fn page_keys_query<'a, DB>(
    sql: &ListingSql,
    head: &str,
    pool_id: &'a str,
    plan: &FilterPlan,
    after: Option<&After>,
    limit: usize,
) -> QueryBuilder<'a, DB>
where
    DB: Database,
    String: Encode<'a, DB> + Type<DB>,
    &'a str: Encode<'a, DB> + Type<DB>,
    bool: Encode<'a, DB> + Type<DB>,
    i64: Encode<'a, DB> + Type<DB>,
{
    let mut query = QueryBuilder::new(head);
    query.push(sql.walk);
    push_page_keys(&mut query, &sql.key_tables, pool_id, plan, after, limit);
    query.push(") p");
    query
}

/// The users `keys` of `pool_id` as `list_users_query` writes them, in no order, those that are
/// gone left out. The keys are one parameter, a JSON array, so that one prepared statement
/// serves any number of them.
pub fn listed_users_query<'a, DB>(
    sql: &ListingSql,
    head: &str,
    pool_id: &'a str,
    keys: &[String],
) -> QueryBuilder<'a, DB>
where
    DB: Database,
    String: Encode<'a, DB> + Type<DB>,
    &'a str: Encode<'a, DB> + Type<DB>,
{
    let (before, after) = sql.keys_of_array;
    let mut query = QueryBuilder::new(head);
    query
        .push(sql.listed_users)
        .push(before)
        .push_bind(serde_json::Value::from(keys).to_string())
        .push(after);
    push_join_users(&mut query, sql, pool_id);
    query
}

/// Closes the keys' subquery `p` and joins each key to its user `u` of `pool_id`.
fn push_join_users<'a, DB>(query: &mut QueryBuilder<'a, DB>, sql: &ListingSql, pool_id: &'a str)
where
    DB: Database,
    &'a str: Encode<'a, DB> + Type<DB>,
{
    query
        .push(sql.join_users)
        .push_bind(pool_id)
        .push(" AND u.username_key = p.k");
}

/// Appends `AND <column> = v` or the range of a prefix.
fn push_match<'a, DB>(query: &mut QueryBuilder<'a, DB>, column: &str, value: &TextMatch)
where
    DB: Database,
    String: Encode<'a, DB> + Type<DB>,
{
    match value {
        TextMatch::Exact(value) => {
            query
                .push(format_args!(" AND {column} = "))
                .push_bind(value.clone());
        }
        TextMatch::Range { from, until } => {
            query
                .push(format_args!(" AND {column} >= "))
                .push_bind(from.clone());
            push_until(query, column, until.as_deref());
        }
    }
}

fn push_until<'a, DB>(query: &mut QueryBuilder<'a, DB>, column: &str, until: Option<&str>)
where
    DB: Database,
    String: Encode<'a, DB> + Type<DB>,
{
    if let Some(until) = until {
        query
            .push(format_args!(" AND {column} < "))
            .push_bind(until.to_owned());
    }
}

/// The keys of a listing in username key order (`s` the users table with its conditions
/// already written): ` AND key > after ORDER BY key LIMIT n`.
fn push_key_order<'a, DB>(query: &mut QueryBuilder<'a, DB>, after: Option<&After>, limit: i64)
where
    DB: Database,
    String: Encode<'a, DB> + Type<DB>,
    i64: Encode<'a, DB> + Type<DB>,
{
    if let Some(After::Key(key)) = after {
        query.push(" AND s.username_key > ").push_bind(key.clone());
    }
    query
        .push(" ORDER BY s.username_key LIMIT ")
        .push_bind(limit);
}

/// An attribute filter (`name = value` / `name ^= value`) on `pool_id`.
struct AttributeFilter<'f> {
    pool_id: &'f str,
    name: &'f str,
    value: &'f TextMatch,
}

/// Which index entries one walk of the filter index takes.
enum Walk<'w> {
    /// One indexed value, keys after `after`: `<expr> = v AND key > k` (key order).
    Equal {
        value: &'w str,
        after: Option<&'w str>,
    },
    /// Indexed values from `from` (or strictly above it) until `until`: (value, key) order.
    Range {
        from: &'w str,
        strictly: bool,
        until: Option<&'w str>,
    },
}

/// `SELECT v, k` of an attribute filter's page: the first `limit` entries of the filter index
/// (`from`: the backend's `FROM user_attributes a ...`) after `after`, in the index's order
/// (indexed value, username key). Neither SQLite nor Postgres reliably seeks an expression
/// index by a row value `(<expr>, key) > (v, k)`, so a page after a position is two walks that
/// each stop at `limit`: the rest of the position's own value by key, then the values above it
/// (a sort of at most 2 × `limit` rows). No page reads more than that, however many users match.
fn push_attribute_keys<'a, DB>(
    query: &mut QueryBuilder<'a, DB>,
    from: &str,
    filter: &AttributeFilter<'_>,
    after: Option<&After>,
    limit: i64,
) where
    DB: Database,
    String: Encode<'a, DB> + Type<DB>,
    i64: Encode<'a, DB> + Type<DB>,
{
    let (indexed, recheck) = filter.value.indexed();
    let whole = |query: &mut QueryBuilder<'a, DB>, walk: Walk<'_>| {
        push_walk(query, from, filter, walk, recheck, limit)
    };
    let position = match after {
        Some(After::Attribute { value, key }) => Some((value.as_str(), key.as_str())),
        _ => None,
    };
    match (&indexed, position) {
        (TextMatch::Exact(value), after) => whole(
            query,
            Walk::Equal {
                value,
                after: after.map(|(_, key)| key),
            },
        ),
        (TextMatch::Range { from, until }, None) => whole(
            query,
            Walk::Range {
                from,
                strictly: false,
                until: until.as_deref(),
            },
        ),
        (TextMatch::Range { until, .. }, Some((value, key))) => {
            query.push("SELECT v, k FROM (SELECT * FROM (");
            whole(
                query,
                Walk::Equal {
                    value,
                    after: Some(key),
                },
            );
            query.push(") same UNION ALL SELECT * FROM (");
            whole(
                query,
                Walk::Range {
                    from: value,
                    strictly: true,
                    until: until.as_deref(),
                },
            );
            query
                .push(") later) both_walks ORDER BY v, k LIMIT ")
                .push_bind(limit);
        }
    }
}

fn push_walk<'a, DB>(
    query: &mut QueryBuilder<'a, DB>,
    from: &str,
    filter: &AttributeFilter<'_>,
    walk: Walk<'_>,
    recheck: bool,
    limit: i64,
) where
    DB: Database,
    String: Encode<'a, DB> + Type<DB>,
    i64: Encode<'a, DB> + Type<DB>,
{
    query
        .push(format_args!(
            "SELECT {INDEXED} AS v, a.username_key AS k {from} WHERE a.pool_id = "
        ))
        .push_bind(filter.pool_id.to_owned())
        .push(" AND a.name = ")
        .push_bind(filter.name.to_owned());
    // An equal indexed value is ordered by key alone: SQLite sorts `ORDER BY <expr>, key`
    // after `<expr> = ?` instead of seeing that the index gives that order.
    let order = match walk {
        Walk::Equal { value, after } => {
            push_match(query, INDEXED, &TextMatch::Exact(value.to_owned()));
            if let Some(key) = after {
                query
                    .push(" AND a.username_key > ")
                    .push_bind(key.to_owned());
            }
            "a.username_key"
        }
        Walk::Range {
            from,
            strictly,
            until,
        } => {
            let op = if strictly { ">" } else { ">=" };
            query
                .push(format_args!(" AND {INDEXED} {op} "))
                .push_bind(from.to_owned());
            push_until(query, INDEXED, until);
            "substr(a.value, 1, 256), a.username_key"
        }
    };
    if recheck {
        push_match(query, "a.value", filter.value);
    }
    query
        .push(format_args!(" ORDER BY {order} LIMIT "))
        .push_bind(limit);
}
