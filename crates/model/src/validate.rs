//! Checks a request body (as parsed JSON) against the model before it is deserialised, the way
//! AWS does:
//! - unknown members are ignored, and a JSON `null` member counts as absent;
//! - a value of the wrong JSON type is a `SerializationException` naming the member (the first
//!   one found ends the walk, as a deserialisation failure would);
//! - every broken constraint (required, length, range, enum, pattern) is collected in member
//!   order into one error of the service's code (`op::CONSTRAINT_ERROR`: cognito-idp's
//!   `InvalidParameterException`, cognito-identity's `ValidationException`), worded as AWS
//!   words it:
//!   `2 validation errors detected: Value 'x' at 'userPoolId' failed to satisfy constraint: …; …`.
//!
//! Sensitive values are never echoed (`Value at 'password' failed to …`). Paths are the member
//! names with their first letter lowercased, joined by dots; list elements are
//! `<list>.<1-based index>.member`, map values `<map>.<key>`. String lengths count Unicode
//! characters. A pattern the `regex` crate cannot express is skipped (see
//! [`crate::schema::Pattern::regex`]; a test keeps that list explicit — currently empty).
//!
//! The success path allocates nothing: paths are rendered only when an error is reported.

use std::fmt::{self, Write as _};

use cognate_awsjson::ApiError;
use serde_json::Value;

use crate::schema::{Kind, Length, Range, ShapeRef, StringRules};

/// Validates `body` against the input shape `root`; broken constraints are answered with `code`.
pub fn validate(root: ShapeRef, body: &Value, code: &'static str) -> Result<(), ApiError> {
    let mut validator = Validator { errors: Vec::new() };
    validator.check(root, body, Path::ROOT, false)?;
    if validator.errors.is_empty() {
        return Ok(());
    }
    Err(ApiError::new(code, validation_message(&validator.errors)))
}

/// AWS's summary line for a list of violations.
pub fn validation_message(errors: &[String]) -> String {
    let n = errors.len();
    let noun = if n == 1 { "error" } else { "errors" };
    format!("{n} validation {noun} detected: {}", errors.join("; "))
}

#[derive(Clone, Copy)]
enum Segment<'a> {
    Root,
    Member(&'static str),
    /// 1-based.
    Index(usize),
    Key(&'a str),
}

/// A path into the body, kept on the stack; rendered only for error messages.
#[derive(Clone, Copy)]
struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    segment: Segment<'a>,
}

impl<'a> Path<'a> {
    const ROOT: Path<'static> = Path {
        parent: None,
        segment: Segment::Root,
    };

    fn child(&'a self, segment: Segment<'a>) -> Path<'a> {
        Path {
            parent: Some(self),
            segment,
        }
    }

    fn is_root(&self) -> bool {
        matches!(self.segment, Segment::Root)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent
            && !parent.is_root()
        {
            write!(f, "{parent}.")?;
        }
        match self.segment {
            Segment::Root => Ok(()),
            Segment::Member(name) => f.write_str(name),
            Segment::Index(i) => write!(f, "{i}.member"),
            Segment::Key(key) => f.write_str(key),
        }
    }
}

/// How the offending value appears in a message.
enum Echo<'v> {
    Null,
    Hidden,
    Value(&'v Value),
    Key(&'v str),
}

struct Validator {
    errors: Vec<String>,
}

impl Validator {
    fn check(
        &mut self,
        shape: ShapeRef,
        value: &Value,
        path: Path<'_>,
        sensitive: bool,
    ) -> Result<(), ApiError> {
        let sensitive = sensitive || shape.sensitive;
        let echo = || {
            if sensitive {
                Echo::Hidden
            } else {
                Echo::Value(value)
            }
        };
        match &shape.kind {
            Kind::Structure(members) => {
                let Value::Object(object) = value else {
                    return Err(type_error(&path, "a structure", value));
                };
                for member in *members {
                    let child = path.child(Segment::Member(member.path));
                    match object.get(member.name) {
                        None | Some(Value::Null) => {
                            if member.required {
                                self.push(&child, Echo::Null, "Member must not be null");
                            }
                        }
                        Some(v) => self.check(member.shape, v, child, sensitive)?,
                    }
                }
            }
            Kind::String(rules) => {
                let Value::String(s) = value else {
                    return Err(type_error(&path, "a string", value));
                };
                string_violations(rules, s, |constraint| self.push(&path, echo(), constraint));
            }
            Kind::Integer(range) => {
                let n = value
                    .as_i64()
                    .filter(|n| i32::try_from(*n).is_ok())
                    .ok_or_else(|| type_error(&path, "a 32-bit integer", value))?;
                self.range(&path, echo(), n, range);
            }
            Kind::Long(range) => {
                let n = value
                    .as_i64()
                    .ok_or_else(|| type_error(&path, "a 64-bit integer", value))?;
                self.range(&path, echo(), n, range);
            }
            Kind::Boolean => {
                if !value.is_boolean() {
                    return Err(type_error(&path, "a boolean", value));
                }
            }
            Kind::Double => {
                if !value.is_number() {
                    return Err(type_error(&path, "a number", value));
                }
            }
            Kind::Timestamp => {
                if !value.is_number() {
                    return Err(type_error(&path, "a timestamp (epoch seconds)", value));
                }
            }
            Kind::Blob(length) => {
                let Value::String(s) = value else {
                    return Err(type_error(&path, "a base64 string", value));
                };
                let bytes = base64_decoded_len(s);
                length_violations(*length, || bytes, |c| self.push(&path, echo(), c));
            }
            Kind::Document => {}
            Kind::List { member, length } => {
                let Value::Array(items) = value else {
                    return Err(type_error(&path, "a list", value));
                };
                length_violations(*length, || items.len(), |c| self.push(&path, echo(), c));
                for (i, item) in items.iter().enumerate() {
                    let child = path.child(Segment::Index(i + 1));
                    if item.is_null() {
                        self.push(&child, Echo::Null, "Member must not be null");
                    } else {
                        self.check(member, item, child, sensitive)?;
                    }
                }
            }
            Kind::Map {
                key,
                value: value_shape,
                length,
            } => {
                let Value::Object(entries) = value else {
                    return Err(type_error(&path, "a map", value));
                };
                length_violations(*length, || entries.len(), |c| self.push(&path, echo(), c));
                for (k, v) in entries {
                    if let Kind::String(rules) = &key.kind {
                        let key_echo = || {
                            if sensitive {
                                Echo::Hidden
                            } else {
                                Echo::Key(k)
                            }
                        };
                        string_violations(rules, k, |c| {
                            self.push(
                                &path,
                                key_echo(),
                                format_args!("Map keys must satisfy constraint: [{c}]"),
                            );
                        });
                    }
                    let child = path.child(Segment::Key(k));
                    if v.is_null() {
                        self.push(&child, Echo::Null, "Member must not be null");
                    } else {
                        self.check(value_shape, v, child, sensitive)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn range(&mut self, path: &Path<'_>, echo: Echo<'_>, n: i64, range: &Range) {
        if let Some(min) = range.min
            && n < min
        {
            self.push(
                path,
                echo,
                format_args!("Member must have value greater than or equal to {min}"),
            );
        } else if let Some(max) = range.max
            && n > max
        {
            self.push(
                path,
                echo,
                format_args!("Member must have value less than or equal to {max}"),
            );
        }
    }

    #[cold]
    fn push(&mut self, path: &Path<'_>, echo: Echo<'_>, constraint: impl fmt::Display) {
        let mut message = String::new();
        // Writing into a String cannot fail.
        let _ = match echo {
            Echo::Null => write!(message, "Value null at '{path}'"),
            Echo::Hidden => write!(message, "Value at '{path}'"),
            Echo::Value(v) => write!(message, "Value '{}' at '{path}'", JavaText(v)),
            Echo::Key(k) => write!(message, "Value '{k}' at '{path}'"),
        };
        let _ = write!(message, " failed to satisfy constraint: {constraint}");
        self.errors.push(message);
    }
}

/// Enum, then pattern, then length: the order AWS reports them in.
fn string_violations(rules: &StringRules, s: &str, mut report: impl FnMut(fmt::Arguments<'_>)) {
    if !rules.enum_values.is_empty() && !rules.enum_values.contains(&s) {
        report(format_args!(
            "Member must satisfy enum value set: [{}]",
            EnumSet(rules.enum_values)
        ));
    }
    let pattern_broken = rules
        .pattern
        .as_ref()
        .is_some_and(|pattern| pattern.is_match(s) == Some(false));
    if let Some(pattern) = rules.pattern.as_ref().filter(|_| pattern_broken) {
        report(format_args!(
            "Member must satisfy regular expression pattern: {}",
            pattern.source()
        ));
    } else if s.contains('\0') {
        // U+0000 is refused in every string the model types, even where its pattern allows it:
        // Postgres cannot store it in text, and one answer on both backends (a 400 here,
        // before any handler) beats a store error deep in one. Other control characters are
        // kept as given.
        report(format_args!("Member must not contain the null character"));
    }
    let chars = || {
        if s.is_ascii() {
            s.len()
        } else {
            s.chars().count()
        }
    };
    length_violations(rules.length, chars, |c| report(format_args!("{c}")));
}

fn length_violations(
    length: Length,
    count: impl FnOnce() -> usize,
    mut report: impl FnMut(fmt::Arguments<'_>),
) {
    if length.min.is_none() && length.max.is_none() {
        return;
    }
    let n = count() as u64;
    if let Some(min) = length.min
        && n < min
    {
        report(format_args!(
            "Member must have length greater than or equal to {min}"
        ));
    }
    if let Some(max) = length.max
        && n > max
    {
        report(format_args!(
            "Member must have length less than or equal to {max}"
        ));
    }
}

#[cold]
fn type_error(path: &Path<'_>, expected: &str, found: &Value) -> ApiError {
    let found = match found {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a decimal number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    };
    if path.is_root() {
        ApiError::serialization(format!(
            "Expected the request body to be {expected}, found {found}"
        ))
    } else {
        ApiError::serialization(format!("Expected '{path}' to be {expected}, found {found}"))
    }
}

/// The decoded size of base64 text (padding aware, whitespace not expected).
fn base64_decoded_len(s: &str) -> usize {
    let s = s.trim_end_matches('=');
    s.len() * 3 / 4
}

struct EnumSet(&'static [&'static str]);

impl fmt::Display for EnumSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(v)?;
        }
        Ok(())
    }
}

/// A JSON value printed as Java's `toString` would print the deserialised value:
/// strings bare, lists `[a, b]`, maps `{k=v}`.
struct JavaText<'v>(&'v Value);

impl fmt::Display for JavaText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Value::String(s) => f.write_str(s),
            Value::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", JavaText(item))?;
                }
                f.write_str("]")
            }
            Value::Object(entries) => {
                f.write_str("{")?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}={}", JavaText(v))?;
                }
                f.write_str("}")
            }
            other => write!(f, "{other}"),
        }
    }
}
