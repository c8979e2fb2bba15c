//! Property tests of the public token API callers use (`jwt::sign`, `jwt::verify`,
//! `jwt::decode_unverified`, `jwt::check_standard_claims`), not of how it is built: arbitrary
//! strings and mangled tokens are refused and never panic; only the exact signed token verifies,
//! and it verifies to the claims that were signed.
//! `PROPTEST_CASES=N` runs N cases of each.

// Tests unwrap freely, helpers included (allow-unwrap-in-tests covers #[test] bodies only).
#![allow(clippy::unwrap_used)]

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognate_crypto::jwt::{self, ClaimChecks};
use cognate_crypto::{PublicKey, SigningKey};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Value, json};

/// One key for every case: generating one is the slow part.
fn key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate().expect("an RSA key"))
}

fn lookup(kid: &str) -> Option<PublicKey> {
    (kid == key().kid()).then(|| key().public_key().clone())
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Claims as issuers write them: strings, numbers, nested values.
fn claims() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<String>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
    ];
    let value = leaf.prop_recursive(2, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(any::<String>(), inner, 0..4)
                .prop_map(|m| Value::Object(Map::from_iter(m))),
        ]
    });
    proptest::collection::btree_map(any::<String>(), value, 0..6)
        .prop_map(|m| Value::Object(Map::from_iter(m)))
}

/// A header a forger might try: other algorithms, other or missing kids, critical extensions.
fn header() -> impl Strategy<Value = Value> {
    let alg = prop::sample::select(vec![
        "RS256", "none", "HS256", "RS512", "ES256", "rs256", "",
    ]);
    let kid = prop_oneof![
        Just(Some(key().kid().to_string())),
        Just(None),
        any::<String>().prop_map(Some),
    ];
    (alg, kid, any::<bool>()).prop_map(|(alg, kid, crit)| {
        let mut header = json!({ "alg": alg });
        if let Some(kid) = kid {
            header["kid"] = Value::from(kid);
        }
        if crit {
            header["crit"] = json!(["exp"]);
        }
        header
    })
}

/// One edit of a token's text.
#[derive(Debug, Clone)]
enum Edit {
    Replace(Index, char),
    Insert(Index, char),
    Remove(Index),
    Truncate(Index),
    SwapSegments(usize, usize),
    Append(String),
}

fn edit() -> impl Strategy<Value = Edit> {
    let c = prop_oneof![
        prop::sample::select(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/"
                .chars()
                .collect::<Vec<_>>()
        ),
        any::<char>(),
    ];
    prop_oneof![
        (any::<Index>(), c.clone()).prop_map(|(i, c)| Edit::Replace(i, c)),
        (any::<Index>(), c).prop_map(|(i, c)| Edit::Insert(i, c)),
        any::<Index>().prop_map(Edit::Remove),
        any::<Index>().prop_map(Edit::Truncate),
        (0usize..3, 0usize..3).prop_map(|(a, b)| Edit::SwapSegments(a, b)),
        any::<String>().prop_map(Edit::Append),
    ]
}

fn apply(token: String, edit: &Edit) -> String {
    let mut chars: Vec<char> = token.chars().collect();
    if chars.is_empty() {
        return token;
    }
    match edit {
        Edit::Replace(i, c) => {
            let i = i.index(chars.len());
            chars[i] = *c;
        }
        Edit::Insert(i, c) => chars.insert(i.index(chars.len() + 1), *c),
        Edit::Remove(i) => {
            chars.remove(i.index(chars.len()));
        }
        Edit::Truncate(i) => chars.truncate(i.index(chars.len())),
        Edit::SwapSegments(a, b) => {
            let mut segments: Vec<&str> = token.split('.').collect();
            if *a < segments.len() && *b < segments.len() {
                segments.swap(*a, *b);
            }
            return segments.join(".");
        }
        Edit::Append(tail) => chars.extend(tail.chars()),
    }
    chars.into_iter().collect()
}

proptest! {
    #[test]
    fn arbitrary_strings_are_refused(token in any::<String>()) {
        prop_assert!(jwt::verify(&token, lookup).is_err());
        let _ = jwt::decode_unverified(&token);
    }

    /// Dot-separated base64url segments of arbitrary bytes: still refused.
    #[test]
    fn arbitrary_segments_are_refused(
        parts in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 1..5),
    ) {
        let token = parts.iter().map(|p| b64(p)).collect::<Vec<_>>().join(".");
        prop_assert!(jwt::verify(&token, lookup).is_err());
        let _ = jwt::decode_unverified(&token);
    }

    /// Forged headers over real claims, with the real token's signature: refused.
    #[test]
    fn forged_headers_are_refused(header in header(), claims in claims()) {
        let genuine = jwt::sign(key(), &claims).unwrap();
        let mut parts = genuine.split('.');
        let (_, payload, signature) = (parts.next(), parts.next().unwrap(), parts.next().unwrap());
        let forged = format!("{}.{payload}.{signature}", b64(header.to_string().as_bytes()));
        prop_assume!(forged != genuine);
        prop_assert!(jwt::verify(&forged, lookup).is_err());
    }

    /// A signed token verifies to its claims, and decodes to them unverified.
    #[test]
    fn a_signed_token_verifies_to_its_claims(claims in claims()) {
        let token = jwt::sign(key(), &claims).unwrap();
        prop_assert_eq!(jwt::verify(&token, lookup).unwrap(), claims.clone());
        let (header, decoded) = jwt::decode_unverified(&token).unwrap();
        prop_assert_eq!(header.kid.as_deref(), Some(key().kid()));
        prop_assert_eq!(decoded, claims);
        prop_assert!(jwt::verify(&token, |_| None).is_err());
    }

    /// Any edit of a signed token makes it fail, unless the edits gave back the same text.
    #[test]
    fn only_the_exact_signed_token_verifies(
        claims in claims(),
        edits in proptest::collection::vec(edit(), 1..4),
    ) {
        let token = jwt::sign(key(), &claims).unwrap();
        let mangled = edits.iter().fold(token.clone(), apply);
        if jwt::verify(&mangled, lookup).is_ok() {
            prop_assert_eq!(mangled, token);
        }
    }

    /// The time, issuer and audience checks take any claims and any clock without panicking.
    #[test]
    fn claim_checks_take_anything(
        claims in claims(),
        exp in prop_oneof![
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            any::<String>().prop_map(Value::from),
        ],
        now in any::<u64>(),
        leeway in any::<u64>(),
        client in any::<Option<String>>(),
    ) {
        let mut claims = claims;
        claims["exp"] = exp.clone();
        claims["nbf"] = exp;
        let checks = ClaimChecks {
            issuer: Some("issuer"),
            client_id: client.as_deref(),
            token_use: Some("access"),
            leeway_secs: leeway,
        };
        let _ = jwt::check_standard_claims(&claims, now, &checks);
    }
}
