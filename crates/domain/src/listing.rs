//! Backend-neutral pieces of the stores' listings: ListUsers filters turned into key ranges, and
//! pages. Both store crates build their SQL from these, so the backends cannot drift apart.

use std::collections::BTreeMap;

use crate::Page;
use crate::Timestamp;
use crate::user::{FilterField, User, UserFilter, UserStatus};

/// How many leading characters of an attribute value the filter index holds
/// (`substr(value, 1, 256)` in the migrations).
pub const INDEXED_CHARS: usize = 256;

/// A user as ListUsers shows it: what `UserType` carries and the key pages continue after. The
/// stores read it from columns and attribute rows, not from the user's document, so a page
/// decodes no password material, MFA state or anything else ListUsers never shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedUser {
    pub username: String,
    pub username_key: String,
    pub status: UserStatus,
    pub enabled: bool,
    pub created_at: Timestamp,
    pub last_modified_at: Timestamp,
    /// Every attribute, `sub` included, by full name.
    pub attributes: BTreeMap<String, String>,
}

impl From<&User> for ListedUser {
    fn from(user: &User) -> Self {
        Self {
            username: user.username.clone(),
            username_key: user.username_key.clone(),
            status: user.status,
            enabled: user.enabled,
            created_at: user.created_at,
            last_modified_at: user.last_modified_at,
            attributes: user.attributes.clone(),
        }
    }
}

/// A comparison on one text column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextMatch {
    Exact(String),
    /// `from <= value < until`; no upper bound when `until` is None.
    Range {
        from: String,
        until: Option<String>,
    },
}

impl TextMatch {
    fn new(value: &str, prefix: bool) -> Self {
        if prefix {
            Self::Range {
                from: value.to_owned(),
                until: prefix_successor(value),
            }
        } else {
            Self::Exact(value.to_owned())
        }
    }

    /// The same comparison on the first `INDEXED_CHARS` characters, and whether the whole value
    /// must be rechecked because the truncated comparison may accept more.
    pub fn indexed(&self) -> (TextMatch, bool) {
        match self {
            Self::Exact(value) => {
                let cut = truncate_chars(value, INDEXED_CHARS);
                // A value of exactly INDEXED_CHARS characters also matches longer values.
                let recheck = value.chars().count() >= INDEXED_CHARS;
                (Self::Exact(cut.to_owned()), recheck)
            }
            Self::Range { from, .. } => {
                let cut = truncate_chars(from, INDEXED_CHARS);
                let recheck = cut.len() < from.len();
                (
                    Self::Range {
                        from: cut.to_owned(),
                        until: prefix_successor(cut),
                    },
                    recheck,
                )
            }
        }
    }
}

/// What a ListUsers filter asks of the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterPlan {
    /// Every user of the pool.
    All,
    /// No user can match.
    Nothing,
    Username(TextMatch),
    Enabled(bool),
    Status(TextMatch),
    Attribute {
        name: String,
        value: TextMatch,
    },
}

impl FilterPlan {
    pub fn new(filter: Option<&UserFilter>) -> Self {
        let Some(filter) = filter else {
            return Self::All;
        };
        let value = TextMatch::new(&filter.value, filter.prefix);
        match &filter.field {
            FilterField::Username => Self::Username(value),
            FilterField::UserStatus => Self::Status(value),
            FilterField::Attribute(name) => Self::Attribute {
                name: name.clone(),
                value,
            },
            FilterField::Enabled => {
                let matches = |word: &str| {
                    if filter.prefix {
                        word.starts_with(&filter.value)
                    } else {
                        word == filter.value
                    }
                };
                match (matches("Enabled"), matches("Disabled")) {
                    (true, true) => Self::All,
                    (true, false) => Self::Enabled(true),
                    (false, true) => Self::Enabled(false),
                    (false, false) => Self::Nothing,
                }
            }
        }
    }
}

/// The least string greater than every string that starts with `prefix` (code point order, which
/// is the byte order of UTF-8), or None when there is none (`prefix` empty or all U+10FFFF).
pub fn prefix_successor(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last {
            '\u{D7FF}' => Some('\u{E000}'),
            _ => char::from_u32(u32::from(last) + 1),
        };
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// What the attribute filter index holds of `value`: its first `INDEXED_CHARS` characters
/// (`substr(value, 1, 256)`), the first part of that index's order.
pub fn indexed_value(value: &str) -> &str {
    truncate_chars(value, INDEXED_CHARS)
}

fn truncate_chars(value: &str, chars: usize) -> &str {
    match value.char_indices().nth(chars) {
        Some((end, _)) => &value[..end],
        None => value,
    }
}

/// The SQL `LIMIT` for a page: one row more than asked, to know whether more follow.
pub fn fetch_limit(limit: usize) -> i64 {
    i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX)
}

/// Cuts the rows fetched with `fetch_limit` down to a page.
pub fn page<T>(mut rows: Vec<T>, limit: usize, key: impl Fn(&T) -> String) -> Page<T> {
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(key)
    } else {
        None
    };
    Page { items: rows, next }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn successor_bounds_exactly_the_strings_with_the_prefix() {
        assert_eq!(prefix_successor("+1555").as_deref(), Some("+1556"));
        assert_eq!(prefix_successor("ab").as_deref(), Some("ac"));
        assert_eq!(prefix_successor("Zo\u{eb}").as_deref(), Some("Zo\u{ec}"));
        assert_eq!(prefix_successor("a\u{D7FF}").as_deref(), Some("a\u{E000}"));
        assert_eq!(prefix_successor("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(prefix_successor("\u{10FFFF}"), None);
        assert_eq!(prefix_successor(""), None);
        let until = prefix_successor("ab").unwrap_or_default();
        for inside in ["ab", "ab\u{10FFFF}", "abzzz"] {
            assert!(inside >= "ab" && inside < until.as_str(), "{inside}");
        }
        for outside in ["aa\u{10FFFF}", "ac", "b"] {
            assert!(!(outside >= "ab" && outside < until.as_str()), "{outside}");
        }
    }

    #[test]
    fn enabled_filter_matches_the_two_words() {
        let filter = |value: &str, prefix| UserFilter {
            field: FilterField::Enabled,
            prefix,
            value: value.into(),
        };
        assert_eq!(
            FilterPlan::new(Some(&filter("Enabled", false))),
            FilterPlan::Enabled(true)
        );
        assert_eq!(
            FilterPlan::new(Some(&filter("Disabled", false))),
            FilterPlan::Enabled(false)
        );
        assert_eq!(
            FilterPlan::new(Some(&filter("Dis", true))),
            FilterPlan::Enabled(false)
        );
        assert_eq!(FilterPlan::new(Some(&filter("", true))), FilterPlan::All);
        assert_eq!(
            FilterPlan::new(Some(&filter("enabled", false))),
            FilterPlan::Nothing
        );
        assert_eq!(FilterPlan::new(None), FilterPlan::All);
    }

    #[test]
    fn long_values_are_compared_on_the_indexed_prefix_then_rechecked() {
        let long = "x".repeat(300);
        let (indexed, recheck) = TextMatch::Exact(long.clone()).indexed();
        assert_eq!(indexed, TextMatch::Exact("x".repeat(INDEXED_CHARS)));
        assert!(recheck);
        let (_, recheck) = TextMatch::Exact("x".repeat(INDEXED_CHARS)).indexed();
        assert!(recheck);
        let (indexed, recheck) = TextMatch::Exact("short".into()).indexed();
        assert_eq!(indexed, TextMatch::Exact("short".into()));
        assert!(!recheck);
        let (indexed, recheck) = TextMatch::new(&long, true).indexed();
        assert_eq!(
            indexed,
            TextMatch::Range {
                from: "x".repeat(INDEXED_CHARS),
                until: prefix_successor(&"x".repeat(INDEXED_CHARS))
            }
        );
        assert!(recheck);
        let (indexed, recheck) = TextMatch::new("+1555", true).indexed();
        assert_eq!(indexed, TextMatch::new("+1555", true));
        assert!(!recheck);
    }

    #[test]
    fn pages_say_whether_more_follow() {
        let rows = vec![1, 2, 3];
        assert_eq!(
            page(rows.clone(), 2, |n| n.to_string()),
            Page {
                items: vec![1, 2],
                next: Some("2".into())
            }
        );
        assert_eq!(
            page(rows.clone(), 3, |n| n.to_string()),
            Page {
                items: vec![1, 2, 3],
                next: None
            }
        );
        assert_eq!(
            page(rows, 0, |n| n.to_string()),
            Page {
                items: vec![],
                next: None
            }
        );
        assert_eq!(fetch_limit(usize::MAX), i64::MAX);
        assert_eq!(fetch_limit(60), 61);
    }
}
