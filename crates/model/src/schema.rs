//! The constraint table of the wire model: every shape reachable from an operation's input, with
//! its kind and the constraints botocore gives it. The tables themselves are generated
//! (`<service>::shapes`); [`crate::validate`] walks request bodies against them.

use std::fmt;
use std::sync::OnceLock;

use regex::Regex;

/// Shapes live in `static`s and point at each other, so a shape is named by reference.
pub type ShapeRef = &'static Shape;

/// The input of an operation the model declares without one: any object.
pub static EMPTY: Shape = Shape::new("Empty", false, Kind::Structure(&[]));

pub struct Shape {
    /// The botocore shape name, e.g. `UserPoolIdType`.
    pub name: &'static str,
    /// `"sensitive": true` in the model: the value is never echoed in an error message.
    pub sensitive: bool,
    pub kind: Kind,
}

#[derive(Debug)]
pub enum Kind {
    Structure(&'static [Member]),
    String(StringRules),
    /// A 32-bit integer.
    Integer(Range),
    /// A 64-bit integer.
    Long(Range),
    Boolean,
    /// `double` and `float`: any JSON number.
    Double,
    /// Epoch seconds as a JSON number.
    Timestamp,
    /// Base64 text; the length bounds are on the decoded bytes.
    Blob(Length),
    /// A free-form JSON document: anything goes.
    Document,
    List {
        member: ShapeRef,
        length: Length,
    },
    Map {
        key: ShapeRef,
        value: ShapeRef,
        length: Length,
    },
}

pub struct Member {
    /// The exact member name on the wire, e.g. `CallbackURLs`.
    pub name: &'static str,
    /// The name used in validation messages: the first letter lowercased (`callbackURLs`).
    pub path: &'static str,
    pub shape: ShapeRef,
    pub required: bool,
}

/// Inclusive length bounds: characters of a string, elements of a list or map, bytes of a blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Length {
    pub min: Option<u64>,
    pub max: Option<u64>,
}

/// Inclusive value bounds of an integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub min: Option<i64>,
    pub max: Option<i64>,
}

#[derive(Debug)]
pub struct StringRules {
    pub length: Length,
    pub pattern: Option<Pattern>,
    /// The allowed values in model order; empty when the string is free.
    pub enum_values: &'static [&'static str],
}

/// A Java regular expression of the model, matched against the whole value, compiled on first use.
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<Option<Compiled>>,
}

struct Compiled {
    regex: Regex,
    /// For a pattern that is one character class repeated (`[A-Za-z0-9-_=.]+`, an access
    /// token's, run over a kilobyte on every token-checked call): which ASCII bytes the class
    /// takes, so that an ASCII value is checked by a table lookup per byte instead of the
    /// regex engine (a tenth of GetUser's CPU time). Non-ASCII values still go to the regex.
    ascii_class: Option<AsciiClass>,
}

struct AsciiClass {
    allowed: [bool; 128],
    /// Whether the empty value matches (`*` rather than `+`).
    empty: bool,
}

impl AsciiClass {
    /// The table of `regex`, when `source` is a single bracket class (no nested or escaped
    /// brackets) under `+` or `*`, optionally anchored. Each entry is the regex's own answer
    /// for that one character, so the table cannot disagree with it.
    fn of(source: &str, regex: &Regex) -> Option<Self> {
        let body = source.strip_prefix('^').unwrap_or(source);
        let body = body.strip_suffix('$').unwrap_or(body);
        let class = body
            .strip_suffix("]+")
            .or_else(|| body.strip_suffix("]*"))?
            .strip_prefix('[')?;
        if class.contains(['[', ']']) || class.contains("&&") {
            return None;
        }
        let mut allowed = [false; 128];
        let mut one = [0u8; 1];
        for (byte, slot) in (0u8..).zip(allowed.iter_mut()) {
            one[0] = byte;
            *slot = std::str::from_utf8(&one).is_ok_and(|c| regex.is_match(c));
        }
        Some(Self {
            allowed,
            empty: regex.is_match(""),
        })
    }

    /// The answer for an ASCII `value`; `None` for any other.
    fn matches(&self, value: &str) -> Option<bool> {
        if !value.is_ascii() {
            return None;
        }
        if value.is_empty() {
            return Some(self.empty);
        }
        Some(value.bytes().all(|b| self.allowed[usize::from(b)]))
    }
}

impl Shape {
    pub const fn new(name: &'static str, sensitive: bool, kind: Kind) -> Self {
        Self {
            name,
            sensitive,
            kind,
        }
    }

    /// The members of a structure shape (empty for other kinds).
    pub fn members(&self) -> &'static [Member] {
        match self.kind {
            Kind::Structure(members) => members,
            _ => &[],
        }
    }

    /// The member named `name` (exact wire name) of a structure shape.
    pub fn member(&self, name: &str) -> Option<&'static Member> {
        self.members().iter().find(|m| m.name == name)
    }
}

impl Member {
    pub const fn new(
        name: &'static str,
        path: &'static str,
        shape: ShapeRef,
        required: bool,
    ) -> Self {
        Self {
            name,
            path,
            shape,
            required,
        }
    }
}

impl Length {
    pub const NONE: Self = Self {
        min: None,
        max: None,
    };

    pub const fn new(min: Option<u64>, max: Option<u64>) -> Self {
        Self { min, max }
    }
}

impl Range {
    pub const NONE: Self = Self {
        min: None,
        max: None,
    };

    pub const fn new(min: Option<i64>, max: Option<i64>) -> Self {
        Self { min, max }
    }
}

impl StringRules {
    pub const fn new(
        length: Length,
        pattern: Option<Pattern>,
        enum_values: &'static [&'static str],
    ) -> Self {
        Self {
            length,
            pattern,
            enum_values,
        }
    }
}

impl Pattern {
    pub const fn new(source: &'static str) -> Self {
        Self {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// The pattern exactly as the model writes it (and as error messages quote it).
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// The compiled whole-value matcher, or `None` if the pattern cannot be expressed with the
    /// `regex` crate (the check is then skipped; a unit test keeps that list explicit).
    pub fn regex(&self) -> Option<&Regex> {
        self.compiled().map(|compiled| &compiled.regex)
    }

    /// Whether `value`, whole, matches; `None` when the pattern cannot be checked (see `regex`).
    pub fn is_match(&self, value: &str) -> Option<bool> {
        let compiled = self.compiled()?;
        let fast = compiled.ascii_class.as_ref().and_then(|c| c.matches(value));
        Some(fast.unwrap_or_else(|| compiled.regex.is_match(value)))
    }

    fn compiled(&self) -> Option<&Compiled> {
        self.compiled
            .get_or_init(|| {
                let regex = compile_java_regex(self.source).ok()?;
                let ascii_class = AsciiClass::of(self.source, &regex);
                Some(Compiled { regex, ascii_class })
            })
            .as_ref()
    }
}

impl fmt::Debug for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shape")
            .field("name", &self.name)
            .field("sensitive", &self.sensitive)
            .field("kind", &self.kind)
            .finish()
    }
}

impl fmt::Debug for Member {
    // Only the shape's name: shapes may be recursive.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Member")
            .field("name", &self.name)
            .field("shape", &self.shape.name)
            .field("required", &self.required)
            .finish()
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pattern").field(&self.source).finish()
    }
}

/// Java patterns the generic translation cannot express (look-around), rewritten by hand into
/// an equivalent for `matches()` semantics.
const REWRITES: &[(&str, &str)] = &[
    // S3BucketType: "no trailing dot" by a negative look-behind.
    (
        r"^[0-9A-Za-z\.\-_]*(?<!\.)$",
        r"^(?:[0-9A-Za-z\.\-_]*[0-9A-Za-z\-_])?$",
    ),
];

/// Compiles a Java pattern as `Matcher.matches()` uses it: anchored at both ends.
pub fn compile_java_regex(java: &str) -> Result<Regex, regex::Error> {
    let translated = match REWRITES.iter().find(|(from, _)| *from == java) {
        Some((_, to)) => (*to).to_owned(),
        None => translate_java_regex(java),
    };
    Regex::new(&format!("^(?:{translated})$"))
}

/// Rewrites the Java-only parts of a pattern into `regex` crate syntax:
/// - `\w \d \s` (and negations) are ASCII in Java, Unicode in `regex`: mapped to ASCII classes;
/// - `\uXXXX` becomes `\x{XXXX}`;
/// - `.` excludes all Java line terminators (unless the pattern turns on `(?s)`).
///
/// Everything else (`\p{L}`, classes, groups, repetitions) means the same in both.
pub fn translate_java_regex(java: &str) -> String {
    let dotall = java.contains("(?s)");
    let chars: Vec<char> = java.chars().collect();
    let mut out = String::with_capacity(java.len() + 16);
    let mut class_depth = 0usize;
    // Set after a shorthand class inside `[...]`: a following `-` cannot start a range.
    let mut after_class_item = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let was_after_class_item = std::mem::take(&mut after_class_item);
        match c {
            '\\' if i + 1 < chars.len() => {
                let e = chars[i + 1];
                i += 2;
                let ascii = match e {
                    'w' => Some("word"),
                    'W' => Some("^word"),
                    'd' => Some("digit"),
                    'D' => Some("^digit"),
                    's' => Some("space"),
                    'S' => Some("^space"),
                    _ => None,
                };
                if let Some(name) = ascii {
                    if class_depth > 0 {
                        out.push_str(&format!("[:{name}:]"));
                        after_class_item = true;
                    } else {
                        out.push_str(&format!("[[:{name}:]]"));
                    }
                    continue;
                }
                if e == 'u'
                    && i + 4 <= chars.len()
                    && chars[i..i + 4].iter().all(char::is_ascii_hexdigit)
                {
                    let hex: String = chars[i..i + 4].iter().collect();
                    out.push_str(&format!("\\x{{{hex}}}"));
                    i += 4;
                    continue;
                }
                match e {
                    'a' => out.push_str("\\x07"),
                    'e' => out.push_str("\\x1B"),
                    _ => {
                        out.push('\\');
                        out.push(e);
                    }
                }
            }
            '[' => {
                class_depth += 1;
                out.push('[');
                i += 1;
                // A leading `^` negates the class in both syntaxes.
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(']');
                i += 1;
            }
            '-' if class_depth > 0 && was_after_class_item && chars.get(i + 1) != Some(&']') => {
                out.push_str("\\-");
                i += 1;
            }
            '.' if class_depth == 0 && !dotall => {
                out.push_str("[^\\n\\r\\x{85}\\x{2028}\\x{2029}]");
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(java: &str, value: &str) -> bool {
        compile_java_regex(java).unwrap().is_match(value)
    }

    /// The per-byte table of a repeated class answers exactly as the regex does.
    #[test]
    fn single_class_patterns_check_ascii_by_table() {
        let values = [
            "",
            "a",
            "eyJ.abc-_=",
            "a b",
            "ab\0",
            "é",
            "x\u{7f}",
            "A-Z",
            "tab\there",
            "]",
            "^",
        ];
        for source in [
            "[A-Za-z0-9-_=.]+",
            "^[a-zA-Z0-9_-]+$",
            r"[\S]*",
            r"[\w+=,.@-]+",
            r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+",
            "[^abc]+",
        ] {
            let pattern = Pattern::new(source);
            let compiled = pattern.compiled().unwrap();
            assert!(compiled.ascii_class.is_some(), "{source} has a table");
            for value in values {
                assert_eq!(
                    pattern.is_match(value),
                    Some(compiled.regex.is_match(value)),
                    "{source} on {value:?}"
                );
            }
        }
        for source in ["[a-z]+[0-9]+", "x[a-z]+", "(?s).*", "[a-z]"] {
            let pattern = Pattern::new(source);
            assert!(
                pattern.compiled().unwrap().ascii_class.is_none(),
                "{source}"
            );
        }
    }

    #[test]
    fn java_shorthands_are_ascii() {
        assert!(matches(r"[\w-]+_[0-9a-zA-Z]+", "us-east-1_abc123XYZ"));
        assert!(!matches(r"[\w-]+_[0-9a-zA-Z]+", "ús-east-1_abc"));
        assert!(!matches(r"[\w-]+_[0-9a-zA-Z]+", "not a pool id!"));
        assert!(matches(r"[\S]+", "abc"));
        assert!(!matches(r"[\S]+", "a c"));
        assert!(matches(r"\d+", "0123"));
        assert!(!matches(r"\d+", "٣"));
        assert!(matches(r"[\w-x]+", "a-x"));
    }

    #[test]
    fn whole_value_and_anchors() {
        assert!(!matches(r"[0-9]+", "12a"));
        assert!(matches(
            r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$",
            "my-domain"
        ));
        assert!(matches("(un)?authenticated", "unauthenticated"));
        assert!(!matches("(un)?authenticated", "xauthenticated"));
    }

    #[test]
    fn dot_excludes_line_terminators_unless_dotall() {
        assert!(matches(r".*\{####\}.*", "code {####} here"));
        assert!(!matches(r".*\{####\}.*", "code\n{####}"));
        assert!(matches(r"(?s).*", "a\nb"));
    }

    #[test]
    fn unicode_escapes_and_categories() {
        let sts_arn =
            r"[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+";
        assert!(matches(sts_arn, "arn:aws:iam::123456789012:role/x"));
        assert!(matches(r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+", "José"));
        assert!(!matches(r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+", "a b"));
    }

    #[test]
    fn s3_bucket_rewrite_keeps_the_look_behind_meaning() {
        let java = r"^[0-9A-Za-z\.\-_]*(?<!\.)$";
        assert!(matches(java, ""));
        assert!(matches(java, "my.bucket-1"));
        assert!(!matches(java, "my.bucket."));
        assert!(!matches(java, "."));
    }
}
