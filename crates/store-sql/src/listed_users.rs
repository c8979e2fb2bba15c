//! ListUsers pages as both backends return them: the database builds the whole page as one JSON
//! array, one `[username_key, username, status, enabled, created_at, last_modified_at,
//! {attributes}]` per user (each backend's `list_users_query`). The page is ordered here, in the
//! order of the index that found it, whatever order the aggregate kept:
//!
//! - an attribute filter (`email ^= "x"`) comes in the filter index's order: the first 256
//!   characters of the value (`indexed_value`), then the username key. The 60 smallest
//!   usernames among 100,000 matches would need every match sorted on every page; the index's
//!   own order is a walk of 61 entries. AWS documents no order for ListUsers.
//! - everything else by username key (byte order, the order of the key columns).
//!
//! A page continues after its last user's position (`After`): the username key, or for an
//! attribute filter the (indexed value, username key) pair, written as a JSON array in the
//! (sealed) pagination token. Users added or removed between pages move no other user's
//! position, so a listing never repeats or skips a user that stays.
//!
//! One value per page instead of one row per user: with sqlx's SQLite driver every row is a
//! hand-off from its worker thread, and every user's document (password material, MFA state)
//! was decoded only to show six fields and the attributes.
//!
//! Where the backend keeps a read cache (SQLite always; Postgres while it follows the change
//! notifications), a page is two steps instead (`users::Users::list`): the index walk alone
//! (`decode_walk`: each entry's position), then the users the cache does not hold, read together
//! as above and kept; the page's order and `next` come from the walk (`page_of_walk`). Listing
//! users listed before then reads no user row: the profile of a filtered page over 2,000 users
//! had SQLite's reads of the users and their attributes, and their JSON, as most of its time.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use cognate_domain::listing::{FilterPlan, ListedUser, TextMatch, indexed_value, page};
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

/// Where a page continues: strictly after this position in the listing's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum After {
    /// After a username key (listings in username key order).
    Key(String),
    /// After (indexed value, username key) in the attribute filter index.
    Attribute { value: String, key: String },
}

impl After {
    /// The position `after` (a page's `next`) names in the listing of `plan`. A position that
    /// is not one of that listing's is a `Backend` error: pagination tokens are sealed and bound
    /// to the filter, so it would be a bug, not a caller's mistake.
    pub fn parse(plan: &FilterPlan, after: Option<&str>) -> Result<Option<Self>, StoreError> {
        let Some(after) = after else {
            return Ok(None);
        };
        Ok(Some(match plan {
            FilterPlan::Attribute { .. } => {
                let (value, key) = serde_json::from_str(after).map_err(|error| {
                    StoreError::Backend(format!("ListUsers position {after:?}: {error}"))
                })?;
                Self::Attribute { value, key }
            }
            _ => Self::Key(after.to_owned()),
        }))
    }

    /// The text `parse` reads back: a page's `next`.
    pub fn encode(&self) -> String {
        match self {
            Self::Key(key) => key.clone(),
            Self::Attribute { value, key } => serde_json::json!([value, key]).to_string(),
        }
    }

    /// A position in the listing of `plan` near `key`, for tests of plans: for an attribute
    /// filter, `key` with the filter's own value.
    pub fn near(plan: &FilterPlan, key: &str) -> Self {
        match plan {
            FilterPlan::Attribute { value, .. } => Self::Attribute {
                value: match value.indexed().0 {
                    TextMatch::Exact(value) | TextMatch::Range { from: value, .. } => value,
                },
                key: key.to_owned(),
            },
            _ => Self::Key(key.to_owned()),
        }
    }
}

/// The page of at most `limit` users of the listing of `plan`, from the array of `limit + 1`
/// rows at most (`fetch_limit`), in the listing's order, `next` its last user's position.
pub fn decode_page(
    json: &str,
    limit: usize,
    plan: &FilterPlan,
) -> Result<Page<ListedUser>, StoreError> {
    Ok(page_in_order(decode_users(json)?, limit, plan))
}

/// The users of an array as the ListUsers statements write it, in its order.
pub fn decode_users(json: &str) -> Result<Vec<ListedUser>, StoreError> {
    let rows: Vec<Row> = serde_json::from_str(json)
        .map_err(|error| StoreError::Backend(format!("ListUsers page: {error}")))?;
    rows.into_iter().map(listed).collect()
}

/// The page of at most `limit` of `users` (at most `limit + 1`, whatever their order) in the
/// listing's order, `next` its last user's position.
pub fn page_in_order(
    mut users: Vec<ListedUser>,
    limit: usize,
    plan: &FilterPlan,
) -> Page<ListedUser> {
    match plan {
        FilterPlan::Attribute { name, .. } => {
            users.sort_by_cached_key(|user| {
                (
                    attribute_position(user, name).to_owned(),
                    user.username_key.clone(),
                )
            });
            page(users, limit, |user| {
                After::Attribute {
                    value: attribute_position(user, name).to_owned(),
                    key: user.username_key.clone(),
                }
                .encode()
            })
        }
        _ => {
            users.sort_unstable_by(|a, b| a.username_key.cmp(&b.username_key));
            page(users, limit, |user| user.username_key.clone())
        }
    }
}

/// One entry of a page's index walk: the indexed value (empty outside attribute filters) and
/// the username key, borrowed from the statement's text where it has no escapes.
#[derive(Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct WalkEntry<'j>(
    #[serde(borrow)] pub Cow<'j, str>,
    #[serde(borrow)] pub Cow<'j, str>,
);

/// A page's index walk as the backends' `page_keys_query` writes it: `[indexed value, username
/// key]` per entry.
pub fn decode_walk(json: &str) -> Result<Vec<WalkEntry<'_>>, StoreError> {
    serde_json::from_str(json)
        .map_err(|error| StoreError::Backend(format!("ListUsers page keys: {error}")))
}

/// The page of at most `limit` users that the index `walk` (at most `limit + 1` entries, whatever
/// their order) found, `users` those of its users still there. The order and `next` come from
/// the walk, not from the users read after it: a user changed in between cannot move the page's
/// end past users that stay.
pub fn page_of_walk(
    mut walk: Vec<WalkEntry<'_>>,
    users: Vec<ListedUser>,
    limit: usize,
    plan: &FilterPlan,
) -> Page<ListedUser> {
    walk.sort_unstable();
    let next = match walk.len() > limit {
        true => {
            walk.truncate(limit);
            walk.last().map(|WalkEntry(value, key)| match plan {
                FilterPlan::Attribute { .. } => After::Attribute {
                    value: value.clone().into_owned(),
                    key: key.clone().into_owned(),
                }
                .encode(),
                _ => key.clone().into_owned(),
            })
        }
        false => None,
    };
    let place: HashMap<&str, usize> = walk
        .iter()
        .enumerate()
        .map(|(at, WalkEntry(_, key))| (key.as_ref(), at))
        .collect();
    let mut placed: Vec<Option<ListedUser>> = walk.iter().map(|_| None).collect();
    for user in users {
        if let Some(&at) = place.get(user.username_key.as_str()) {
            placed[at] = Some(user);
        }
    }
    Page {
        items: placed.into_iter().flatten().collect(),
        next,
    }
}

/// The filtered attribute's value as the filter index orders it. Every listed user has it (the
/// index found the user by it).
fn attribute_position<'u>(user: &'u ListedUser, name: &str) -> &'u str {
    user.attributes
        .get(name)
        .map_or("", |value| indexed_value(value))
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
        let page = decode_page(json, 1, &FilterPlan::All).expect("page");
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
        assert!(
            decode_page("[]", 60, &FilterPlan::All)
                .expect("empty")
                .items
                .is_empty()
        );
    }

    #[test]
    fn refuses_an_unknown_status() {
        let json = r#"[["a","a","SLEEPING",1,0,0,{}]]"#;
        assert!(matches!(
            decode_page(json, 60, &FilterPlan::All),
            Err(StoreError::Backend(_))
        ));
    }

    #[test]
    fn an_attribute_filter_pages_in_value_then_key_order() {
        let plan = FilterPlan::new(Some(&cognate_domain::user::UserFilter {
            field: cognate_domain::user::FilterField::Attribute("email".into()),
            prefix: true,
            value: "a".into(),
        }));
        let json = r#"[["z","z","CONFIRMED",1,0,0,{"email":"a1"}],
                       ["b","b","CONFIRMED",1,0,0,{"email":"a2"}],
                       ["a","a","CONFIRMED",1,0,0,{"email":"a2"}]]"#;
        let page = decode_page(json, 2, &plan).expect("page");
        let keys: Vec<_> = page.items.iter().map(|u| u.username_key.as_str()).collect();
        assert_eq!(keys, ["z", "a"]);
        let next = page.next.expect("more follow");
        assert_eq!(
            After::parse(&plan, Some(&next)).expect("position"),
            Some(After::Attribute {
                value: "a2".into(),
                key: "a".into()
            })
        );
        assert!(After::parse(&plan, Some("a")).is_err());
        assert_eq!(
            After::parse(&FilterPlan::All, Some("a")).expect("key"),
            Some(After::Key("a".into()))
        );
    }
}
