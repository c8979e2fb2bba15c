//! Property tests of what cognito-idp reads from clients besides the JSON body's shape: the
//! user import CSV (any bytes are read or refused by kind; written records read back exactly,
//! with their line numbers; any header row is checked without panicking) and pagination tokens
//! (only a token this server issued for this listing opens, to the key it sealed).
//! `PROPTEST_CASES=N` runs N cases of each.

use cognate_crypto::SealKey;
use cognate_domain::Timestamp;
use cognate_domain::ids::UserPoolId;
use cognate_domain::pool::{MfaConfiguration, PasswordPolicy, UserPool};
use cognate_idp::import::csv::{self, CsvError, Record};
use cognate_idp::import::csv_header;
use cognate_idp::import::rows::Header;
use cognate_idp::paging;
use proptest::prelude::*;
use proptest::sample::Index;

/// A field: any text, the CSV-special characters often.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z,\"\r\n \u{feff}]{0,8}",
        "[a-z0-9@.+]{0,12}",
    ]
}

/// A field as a writer following RFC 4180 writes it: quoted when it must be, or when asked.
fn write_field(field: &str, always_quote: bool) -> String {
    let special = field.contains([',', '"', '\r', '\n']) || field.starts_with('\u{feff}');
    if always_quote || special {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

#[derive(Debug, Clone)]
struct Written {
    text: String,
    records: Vec<Record>,
}

/// Records of at least two fields (a one-field blank record is a blank line) written with LF or
/// CRLF, blank lines between some, with or without a byte order mark and a final newline.
fn written_file() -> impl Strategy<Value = Written> {
    let record = proptest::collection::vec((field(), any::<bool>()), 2..5);
    let row = (record, any::<bool>(), 0usize..2);
    let rows = proptest::collection::vec(row, 1..6);
    (rows, any::<bool>(), any::<bool>()).prop_map(|(rows, bom, final_newline)| {
        let mut text = String::from(if bom { "\u{feff}" } else { "" });
        let mut records = Vec::new();
        let count = rows.len();
        for (n, (fields, crlf, blank_lines)) in rows.into_iter().enumerate() {
            let line = 1 + text.matches('\n').count();
            let written: Vec<String> = fields.iter().map(|(f, q)| write_field(f, *q)).collect();
            text.push_str(&written.join(","));
            let end = if crlf { "\r\n" } else { "\n" };
            if n + 1 < count || final_newline {
                text.push_str(end);
                text.push_str(&end.repeat(blank_lines));
            }
            records.push(Record {
                line,
                fields: fields.into_iter().map(|(f, _)| f).collect(),
            });
        }
        Written { text, records }
    })
}

fn pool() -> UserPool {
    UserPool {
        id: UserPoolId::new("us-east-1_AbCdEfGhI"),
        name: "props".into(),
        created_at: Timestamp::from_secs(0),
        last_modified_at: Timestamp::from_secs(0),
        deletion_protection: false,
        password_policy: PasswordPolicy::default(),
        schema: cognate_domain::schema::standard_attributes(),
        username_attributes: Vec::new(),
        alias_attributes: Vec::new(),
        auto_verified_attributes: vec!["email".into()],
        username_case_sensitive: false,
        mfa_configuration: MfaConfiguration::default(),
        tags: Default::default(),
        settings: Default::default(),
    }
}

/// One edit of a token's text.
fn edit(token: &str, at: Index, c: char) -> String {
    let mut chars: Vec<char> = token.chars().collect();
    let i = at.index(chars.len() + 1);
    if i == chars.len() {
        chars.push(c);
    } else {
        chars[i] = c;
    }
    chars.into_iter().collect()
}

proptest! {
    #[test]
    fn any_bytes_are_read_or_refused_by_kind(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        match csv::parse(&bytes) {
            Ok(records) => prop_assert!(records.iter().all(|r| r.line >= 1 && !r.fields.is_empty())),
            Err(CsvError::NotUtf8) => prop_assert!(std::str::from_utf8(&bytes).is_err()),
            Err(CsvError::UnclosedQuote(line)) => prop_assert!(line >= 1),
        }
    }

    #[test]
    fn any_text_is_read_or_refused_by_kind(text in "[a-z,\"\r\n ]{0,64}") {
        let _ = csv::parse(text.as_bytes());
    }

    #[test]
    fn written_records_read_back_exactly(file in written_file()) {
        prop_assert_eq!(csv::parse(file.text.as_bytes()), Ok(file.records), "{:?}", file.text);
    }

    /// Any header row, of GetCSVHeader's columns or not: checked, never a panic, and accepted
    /// only when every column is known, named once, and both `cognito:` columns are there.
    #[test]
    fn any_header_row_is_checked(
        picks in proptest::collection::vec(any::<Index>(), 0..8),
        other in proptest::option::of(field()),
    ) {
        let pool = pool();
        let known = csv_header(&pool);
        let mut fields: Vec<String> = picks.iter().map(|i| i.get(&known).clone()).collect();
        fields.extend(other);
        let record = Record { line: 1, fields: fields.clone() };
        let accepted = Header::parse(&pool, &record).is_ok();
        let trimmed: Vec<&str> = fields.iter().map(|f| f.trim()).collect();
        let expected = trimmed.iter().all(|f| known.iter().any(|k| k == f))
            && trimmed.iter().enumerate().all(|(n, f)| !trimmed[..n].contains(f))
            && trimmed.contains(&"cognito:username")
            && trimmed.contains(&"cognito:mfa_enabled");
        prop_assert_eq!(accepted, expected, "{:?}", fields);
    }

    /// A sealed token opens to its key in its own listing only; anything else is the typed
    /// InvalidParameterException.
    #[test]
    fn sealed_tokens_open_only_as_issued(
        scope in any::<String>(),
        other_scope in any::<String>(),
        last_key in any::<String>(),
        garbage in any::<String>(),
        at in any::<Index>(),
        c in any::<char>(),
    ) {
        let key = SealKey::generate();
        let token = paging::seal(&key, &scope, &last_key);
        prop_assert_eq!(paging::open(&key, &scope, &token).ok(), Some(last_key.clone()));
        if other_scope != scope {
            prop_assert!(paging::open(&key, &other_scope, &token).is_err());
        }
        let edited = edit(&token, at, c);
        if edited != token {
            let refused = paging::open(&key, &scope, &edited);
            prop_assert_eq!(refused.map_err(|e| e.code.to_string()), Err("InvalidParameterException".to_string()));
        }
        if let Err(error) = paging::open(&key, &scope, &garbage) {
            prop_assert_eq!(error.code, "InvalidParameterException");
        }
    }

    /// Plain tokens (the listings whose keys are not secret): any text decodes to the key it
    /// encodes for this scope, or is refused.
    #[test]
    fn plain_tokens_decode_to_what_they_encode(
        scope in "[a-z_-]{0,12}",
        last_key in any::<String>(),
        garbage in any::<String>(),
    ) {
        let token = paging::encode(&scope, &last_key);
        prop_assert_eq!(paging::decode(&scope, &token).ok(), Some(last_key));
        match paging::decode(&scope, &garbage) {
            Ok(key) => prop_assert_eq!(paging::encode(&scope, &key), garbage),
            Err(error) => prop_assert_eq!(error.code, "InvalidParameterException"),
        }
    }

    #[test]
    fn page_limits_stay_within_a_page(limit in any::<Option<i32>>()) {
        prop_assert!((1..=60).contains(&paging::page_limit(limit)));
    }
}
