//! ListUsers pages as both backends return them: the database builds the whole page as one JSON
//! array, one `[username_key, username, status, enabled, created_at, last_modified_at,
//! {attributes}]` per user (each backend's `list_users_query`). The page is ordered here, by
//! username key (byte order, the order of the key columns), whatever order the aggregate kept.
//!
//! One value per page instead of one row per user: with sqlx's SQLite driver every row is a
//! hand-off from its worker thread, and every user's document (password material, MFA state)
//! was decoded only to show six fields and the attributes.

use std::collections::BTreeMap;

use cognate_domain::listing::{ListedUser, page};
use cognate_domain::user::UserStatus;
use cognate_domain::{Page, StoreError, Timestamp};
use serde::Deserialize;

/// One user of the array, in the order the SQL writes its fields; `enabled` as 0 or 1 (SQLite's
/// form of a boolean, which Postgres casts to).
#[derive(Deserialize)]
struct Row(
    String,
    String,
    String,
    u8,
    i64,
    i64,
    BTreeMap<String, String>,
);

/// The page of at most `limit` users from the array of `limit + 1` rows at most (`fetch_limit`).
pub fn decode_page(json: &str, limit: usize) -> Result<Page<ListedUser>, StoreError> {
    let rows: Vec<Row> = serde_json::from_str(json)
        .map_err(|error| StoreError::Backend(format!("ListUsers page: {error}")))?;
    let mut users = rows
        .into_iter()
        .map(listed)
        .collect::<Result<Vec<_>, _>>()?;
    users.sort_unstable_by(|a, b| a.username_key.cmp(&b.username_key));
    Ok(page(users, limit, |user| user.username_key.clone()))
}

fn listed(row: Row) -> Result<ListedUser, StoreError> {
    let Row(username_key, username, status, enabled, created_at, last_modified_at, attributes) =
        row;
    let status = UserStatus::parse(&status)
        .ok_or_else(|| StoreError::Backend(format!("unknown user status {status:?}")))?;
    Ok(ListedUser {
        username,
        username_key,
        status,
        enabled: enabled != 0,
        created_at: Timestamp(created_at),
        last_modified_at: Timestamp(last_modified_at),
        attributes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_orders_and_cuts_the_page() {
        let json = r#"[["b","b","FORCE_CHANGE_PASSWORD",0,3000,4000,{}],
                       ["a","A","CONFIRMED",1,1000,2000,{"email":"a@x","sub":"s1"}]]"#;
        let page = decode_page(json, 1).expect("page");
        assert_eq!(page.next.as_deref(), Some("a"));
        assert_eq!(page.items.len(), 1);
        let a = &page.items[0];
        assert_eq!(
            (a.username.as_str(), a.status, a.enabled),
            ("A", UserStatus::Confirmed, true)
        );
        assert_eq!(
            (a.created_at, a.last_modified_at),
            (Timestamp(1000), Timestamp(2000))
        );
        assert_eq!(a.attributes["email"], "a@x");
        assert!(decode_page("[]", 60).expect("empty").items.is_empty());
    }

    #[test]
    fn refuses_an_unknown_status() {
        let json = r#"[["a","a","SLEEPING",1,0,0,{}]]"#;
        assert!(matches!(decode_page(json, 60), Err(StoreError::Backend(_))));
    }
}
