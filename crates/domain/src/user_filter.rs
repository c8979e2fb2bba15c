//! The ListUsers filter grammar: `name = "value"` (exact) or `name ^= "value"` (prefix) over
//! one of the attributes Cognito lets you search. Inside the quotes a backslash escapes the
//! next character (`\"`, `\\`).

use crate::user::{FilterField, UserFilter};

/// The attributes a filter may name besides `username`, `status` and `cognito:user_status`
/// (custom attributes are not searchable).
pub const SEARCHABLE_ATTRIBUTES: [&str; 7] = [
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "sub",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterError {
    /// Not of the form `name = "value"` / `name ^= "value"`.
    Syntax,
    /// Well formed, naming an attribute that cannot be searched.
    UnknownAttribute(String),
}

/// Parses a filter; an empty (or blank) filter is no filter.
/// `cognito:user_status` compares case-insensitively, so its value comes back uppercased.
pub fn parse_user_filter(text: &str) -> Result<Option<UserFilter>, FilterError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let name_end = text
        .find(|c: char| c.is_whitespace() || c == '=' || c == '^')
        .ok_or(FilterError::Syntax)?;
    let (name, rest) = text.split_at(name_end);
    if name.is_empty() {
        return Err(FilterError::Syntax);
    }
    let rest = rest.trim_start();
    let (prefix, rest) = if let Some(rest) = rest.strip_prefix("^=") {
        (true, rest)
    } else if let Some(rest) = rest.strip_prefix('=') {
        (false, rest)
    } else {
        return Err(FilterError::Syntax);
    };
    let value = quoted(rest.trim_start())?;
    let field = match name {
        "username" => FilterField::Username,
        "status" => FilterField::Enabled,
        "cognito:user_status" => FilterField::UserStatus,
        other if SEARCHABLE_ATTRIBUTES.contains(&other) => FilterField::Attribute(other.into()),
        other => return Err(FilterError::UnknownAttribute(other.into())),
    };
    let value = match field {
        FilterField::UserStatus => value.to_uppercase(),
        _ => value,
    };
    Ok(Some(UserFilter {
        field,
        prefix,
        value,
    }))
}

/// The value of `"..."` with escapes resolved; nothing but blanks may follow the closing quote.
fn quoted(text: &str) -> Result<String, FilterError> {
    let mut chars = text.chars();
    if chars.next() != Some('"') {
        return Err(FilterError::Syntax);
    }
    let mut value = String::new();
    while let Some(c) = chars.next() {
        match c {
            '\\' => value.push(chars.next().ok_or(FilterError::Syntax)?),
            '"' => {
                return if chars.as_str().trim().is_empty() {
                    Ok(value)
                } else {
                    Err(FilterError::Syntax)
                };
            }
            other => value.push(other),
        }
    }
    Err(FilterError::Syntax)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> UserFilter {
        parse_user_filter(text).unwrap().unwrap()
    }

    #[test]
    fn exact_and_prefix_over_each_kind_of_field() {
        let f = parsed(r#"email = "bob@example.org""#);
        assert_eq!(f.field, FilterField::Attribute("email".into()));
        assert!(!f.prefix);
        assert_eq!(f.value, "bob@example.org");
        let f = parsed(r#"phone_number ^= "+1555""#);
        assert!(f.prefix);
        assert_eq!(f.value, "+1555");
        assert_eq!(parsed(r#"username="al""#).field, FilterField::Username);
        assert_eq!(parsed(r#"status = "Enabled""#).field, FilterField::Enabled);
        let f = parsed(r#"cognito:user_status = "confirmed""#);
        assert_eq!(f.field, FilterField::UserStatus);
        assert_eq!(f.value, "CONFIRMED");
        assert_eq!(
            parsed(r#"  sub ^="" "#),
            UserFilter {
                field: FilterField::Attribute("sub".into()),
                prefix: true,
                value: String::new()
            }
        );
    }

    #[test]
    fn quotes_escapes_and_unicode() {
        assert_eq!(parsed(r#"family_name = "O\"Brien""#).value, "O\"Brien");
        assert_eq!(parsed(r#"name = "a\\b""#).value, "a\\b");
        assert_eq!(parsed(r#"given_name = "Zoë 名""#).value, "Zoë 名");
        assert_eq!(parsed(r#"name = "a = \"b\" ^= c""#).value, "a = \"b\" ^= c");
    }

    #[test]
    fn blank_is_no_filter() {
        assert_eq!(parse_user_filter(""), Ok(None));
        assert_eq!(parse_user_filter("   "), Ok(None));
    }

    #[test]
    fn malformed_filters_are_syntax_errors() {
        for bad in [
            "email",
            "email = unquoted",
            r#"email = "open"#,
            r#"email = "x" trailing"#,
            r#"email == "x""#,
            r#"email != "x""#,
            r#"= "x""#,
            r#"email = "x\"#,
        ] {
            assert_eq!(parse_user_filter(bad), Err(FilterError::Syntax), "{bad}");
        }
    }

    #[test]
    fn unsearchable_attributes_are_named() {
        assert_eq!(
            parse_user_filter(r#"custom:tenant = "x""#),
            Err(FilterError::UnknownAttribute("custom:tenant".into()))
        );
        assert_eq!(
            parse_user_filter(r#"address ^= "x""#),
            Err(FilterError::UnknownAttribute("address".into()))
        );
    }
}
