//! Property tests of the ListUsers filter grammar and of the key ranges the stores search with.
//! `PROPTEST_CASES=N` runs N cases of each (scripts/fuzz).

use cognate_domain::listing::{INDEXED_CHARS, TextMatch, prefix_successor};
use cognate_domain::user::{FilterField, UserFilter};
use cognate_domain::user_filter::{FilterError, SEARCHABLE_ATTRIBUTES, parse_user_filter};
use proptest::prelude::*;

/// Every name a filter may use.
fn filter_names() -> Vec<&'static str> {
    let mut names = vec!["username", "status", "cognito:user_status"];
    names.extend(SEARCHABLE_ATTRIBUTES);
    names
}

/// Blanks as `str::trim` and the grammar understand them, ASCII and not.
fn blanks() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop::sample::select(vec![' ', '\t', '\n', '\u{a0}', '\u{3000}']),
        0..3,
    )
    .prop_map(String::from_iter)
}

/// `value` in quotes, each `"` and `\` escaped, and now and then any other character too.
fn quote(value: &str, escape_all: bool) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        if escape_all || c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

fn matches(condition: &TextMatch, value: &str) -> bool {
    match condition {
        TextMatch::Exact(exact) => value == exact,
        TextMatch::Range { from, until } => {
            value >= from.as_str() && until.as_deref().is_none_or(|until| value < until)
        }
    }
}

fn truncated(value: &str) -> String {
    value.chars().take(INDEXED_CHARS).collect()
}

/// Strings near the index's cut: a long common stem and short tails, so that truncation,
/// equality and prefixes all happen.
fn near_the_cut() -> impl Strategy<Value = String> {
    let stem_len = INDEXED_CHARS - 3..INDEXED_CHARS + 3;
    (stem_len, "[ab\u{10FFFF}\u{D7FF}]{0,4}").prop_map(|(n, tail)| "x".repeat(n) + &tail)
}

proptest! {
    #[test]
    fn any_text_parses_or_is_refused_and_blank_is_no_filter(text in any::<String>()) {
        match parse_user_filter(&text) {
            Ok(None) => prop_assert!(text.trim().is_empty()),
            Ok(Some(_)) | Err(FilterError::Syntax) | Err(FilterError::UnknownAttribute(_)) => {
                prop_assert!(!text.trim().is_empty());
            }
        }
    }

    #[test]
    fn near_filters_never_panic(
        name in prop::sample::select(filter_names()),
        junk in "[ =^\"\\\\a]{0,12}",
    ) {
        let _ = parse_user_filter(&format!("{name}{junk}"));
    }

    /// A filter written as the grammar says parses to what it says.
    #[test]
    fn written_filters_parse_to_what_they_say(
        name in prop::sample::select(filter_names()),
        prefix in any::<bool>(),
        value in any::<String>(),
        escape_all in any::<bool>(),
        (b1, b2, b3, b4) in (blanks(), blanks(), blanks(), blanks()),
    ) {
        let operator = if prefix { "^=" } else { "=" };
        let text = format!("{b1}{name}{b2}{operator}{b3}{}{b4}", quote(&value, escape_all));
        let field = match name {
            "username" => FilterField::Username,
            "status" => FilterField::Enabled,
            "cognito:user_status" => FilterField::UserStatus,
            other => FilterField::Attribute(other.to_string()),
        };
        let value = match field {
            FilterField::UserStatus => value.to_uppercase(),
            _ => value,
        };
        prop_assert_eq!(
            parse_user_filter(&text),
            Ok(Some(UserFilter { field, prefix, value })),
            "{}", text
        );
    }

    /// Any other well-formed name is refused by name.
    #[test]
    fn other_names_are_unknown_attributes(
        name in "[a-z_:]{1,20}",
        value in "[a-z]{0,8}",
    ) {
        prop_assume!(!filter_names().contains(&name.as_str()));
        prop_assert_eq!(
            parse_user_filter(&format!("{name} = \"{value}\"")),
            Err(FilterError::UnknownAttribute(name))
        );
    }

    /// A prefix's key range holds exactly the strings that start with it.
    #[test]
    fn the_prefix_range_is_exactly_the_prefixed_strings(
        prefix in "[a\u{D7FF}\u{E000}\u{10FFFF}b]{0,4}",
        value in "[a\u{D7FF}\u{E000}\u{10FFFF}b]{0,5}",
    ) {
        let range = TextMatch::Range { from: prefix.clone(), until: prefix_successor(&prefix) };
        prop_assert_eq!(matches(&range, &value), value.starts_with(&prefix));
    }

    /// Compared on the indexed characters, a condition never loses a match; and when it says
    /// no recheck is needed, it never gains one either.
    #[test]
    fn the_indexed_comparison_is_a_safe_superset(
        wanted in near_the_cut(),
        stored in near_the_cut(),
        prefix in any::<bool>(),
    ) {
        let condition = if prefix {
            TextMatch::Range { from: wanted.clone(), until: prefix_successor(&wanted) }
        } else {
            TextMatch::Exact(wanted.clone())
        };
        let (indexed, recheck) = condition.indexed();
        let whole = matches(&condition, &stored);
        let by_index = matches(&indexed, &truncated(&stored));
        prop_assert!(!whole || by_index, "lost a match");
        prop_assert!(recheck || whole == by_index, "gained a match without a recheck");
    }
}
