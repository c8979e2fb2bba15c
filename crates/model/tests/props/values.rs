//! Strategies for request bodies: arbitrary JSON, and values built from the model's constraint
//! tables. The model values aim to be valid (enum values, pattern-shaped strings, lengths and
//! ranges within bounds) but the properties never depend on it: they check what the validator
//! says about each body, and what the decoder does when it says yes.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cognate_model::schema::{Kind, Length, Member, Range, ShapeRef, StringRules};
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{Map, Number, Value};

/// Below this depth optional members and list elements are generated; past it, only what is
/// required (the shapes are not recursive today, but nothing stops a model from being so).
const MAX_DEPTH: u32 = 6;
/// The most list elements or map entries generated, whatever the model allows.
const MAX_ITEMS: u64 = 3;

/// Any text: every kind of character, control characters and U+0000 among them.
pub fn any_text(max_chars: usize) -> BoxedStrategy<String> {
    vec(any::<char>(), 0..=max_chars)
        .prop_map(String::from_iter)
        .boxed()
}

/// Any JSON value; object keys drawn from `keys` (an operation's member names) or random.
pub fn any_json(keys: Vec<&'static str>) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
        any_text(24).prop_map(Value::from),
    ];
    let key = if keys.is_empty() {
        any_text(12).boxed()
    } else {
        prop_oneof![
            3 => proptest::sample::select(keys).prop_map(str::to_string),
            1 => any_text(12),
        ]
        .boxed()
    };
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            vec((key.clone(), inner), 0..6)
                .prop_map(|entries| Value::Object(Map::from_iter(entries))),
        ]
    })
    .boxed()
}

/// A value of `shape` as the model describes it.
pub fn model_value(shape: ShapeRef, depth: u32) -> BoxedStrategy<Value> {
    match &shape.kind {
        Kind::Structure(members) => structure(members, depth),
        Kind::String(rules) => string(rules).prop_map(Value::from).boxed(),
        Kind::Integer(range) => integer(*range, i32::MIN.into(), i32::MAX.into()),
        Kind::Long(range) => integer(*range, i64::MIN, i64::MAX),
        Kind::Boolean => any::<bool>().prop_map(Value::from).boxed(),
        Kind::Double | Kind::Timestamp => prop_oneof![
            (0i64..4_102_444_800).prop_map(Value::from),
            (0.0f64..4.1e9).prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
        ]
        .boxed(),
        Kind::Blob(length) => {
            let (min, max) = bounds(*length, 48);
            vec(any::<u8>(), min..=max)
                .prop_map(|bytes| Value::from(STANDARD.encode(bytes)))
                .boxed()
        }
        Kind::Document => any_json(Vec::new()),
        Kind::List { member, length } => {
            let (min, max) = items(*length, depth);
            vec(model_value(member, depth + 1), min..=max)
                .prop_map(Value::Array)
                .boxed()
        }
        Kind::Map { key, value, length } => {
            let (min, max) = items(*length, depth);
            let key = match &key.kind {
                Kind::String(rules) => string(rules),
                _ => any_text(12),
            };
            // Pairs rather than a map strategy: duplicate keys collapse instead of being
            // rejected (a map of a few enum keys could never reach its size otherwise).
            vec((key, model_value(value, depth + 1)), min..=max)
                .prop_map(|entries| Value::Object(Map::from_iter(entries)))
                .boxed()
        }
    }
}

fn structure(members: &'static [Member], depth: u32) -> BoxedStrategy<Value> {
    let fields: Vec<BoxedStrategy<Option<Value>>> = members
        .iter()
        .map(|member| {
            if member.required {
                model_value(member.shape, depth + 1).prop_map(Some).boxed()
            } else if depth < MAX_DEPTH {
                proptest::option::of(model_value(member.shape, depth + 1)).boxed()
            } else {
                Just(None).boxed()
            }
        })
        .collect();
    fields
        .prop_map(move |values| {
            let present = members
                .iter()
                .zip(values)
                .filter_map(|(member, value)| value.map(|value| (member.name.to_string(), value)));
            Value::Object(Map::from_iter(present))
        })
        .boxed()
}

/// An enum value, a string shaped by the pattern, or any text; cut or padded to the length.
pub fn string(rules: &'static StringRules) -> BoxedStrategy<String> {
    if !rules.enum_values.is_empty() {
        return proptest::sample::select(rules.enum_values)
            .prop_map(str::to_string)
            .boxed();
    }
    let (min, max) = bounds(rules.length, 64);
    let shaped = rules
        .pattern
        .as_ref()
        .and_then(|pattern| pattern_strategy(pattern.source()))
        .unwrap_or_else(|| any_text(max));
    shaped.prop_map(move |s| fit(s, min, max)).boxed()
}

/// Strings matching a model pattern, where proptest can generate from it.
fn pattern_strategy(java: &str) -> Option<BoxedStrategy<String>> {
    let translated = cognate_model::schema::translate_java_regex(java);
    let body = translated.strip_prefix('^').unwrap_or(&translated);
    let body = body.strip_suffix('$').unwrap_or(body);
    proptest::string::string_regex(body).ok().map(|s| s.boxed())
}

fn fit(s: String, min: usize, max: usize) -> String {
    let mut chars: Vec<char> = s.chars().take(max).collect();
    while chars.len() < min {
        chars.push('a');
    }
    chars.into_iter().collect()
}

/// Length bounds as generation bounds: at most `cap` above the minimum.
fn bounds(length: Length, cap: u64) -> (usize, usize) {
    let min = length.min.unwrap_or(0);
    let max = length.max.unwrap_or(u64::MAX).min(min + cap).max(min);
    (min as usize, max as usize)
}

fn items(length: Length, depth: u32) -> (usize, usize) {
    let (min, max) = bounds(length, MAX_ITEMS);
    if depth >= MAX_DEPTH {
        (min, min)
    } else {
        (min, max)
    }
}

fn integer(range: Range, lowest: i64, highest: i64) -> BoxedStrategy<Value> {
    let min = range.min.unwrap_or(lowest).max(lowest);
    let max = range.max.unwrap_or(highest).min(highest).max(min);
    prop_oneof![Just(min), Just(max), min..=max]
        .prop_map(Value::from)
        .boxed()
}

/// JSON values of a type `kind` never accepts (none for a document: anything goes).
pub fn wrong_types(kind: &Kind) -> Vec<Value> {
    let text = Value::from("1");
    let number = Value::from(1);
    let decimal = Value::from(1.5);
    let boolean = Value::from(true);
    let list = Value::Array(vec![]);
    let object = Value::Object(Map::new());
    match kind {
        Kind::Structure(_) | Kind::Map { .. } => vec![text, number, boolean, list],
        Kind::String(_) | Kind::Blob(_) => vec![number, decimal, boolean, list, object],
        Kind::Integer(_) | Kind::Long(_) => vec![text, decimal, boolean, list, object],
        Kind::Boolean => vec![text, number, list, object],
        Kind::Double | Kind::Timestamp => vec![text, boolean, list, object],
        Kind::List { .. } => vec![text, number, boolean, object],
        Kind::Document => Vec::new(),
    }
}
