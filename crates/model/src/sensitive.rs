//! A string that must never reach a log: passwords, tokens, secrets, usernames and the like.

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

/// What `Debug` prints instead of a sensitive value (the AWS SDKs print the same).
pub const REDACTED: &str = "*** Sensitive Data Redacted ***";

/// A sensitive string of the wire model (a shape marked `"sensitive": true`).
///
/// Serialises as a plain JSON string; `Debug` prints [`REDACTED`]; there is deliberately no
/// `Display`. Read it with [`Sensitive::expose`] or through `Deref<Target = str>`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Default, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sensitive(String);

impl Sensitive {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself. Named so that every read is visible in review.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(REDACTED, f)
    }
}

impl Deref for Sensitive {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Sensitive {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<String> for Sensitive {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Sensitive {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl From<Sensitive> for String {
    fn from(value: Sensitive) -> Self {
        value.0
    }
}

impl PartialEq<str> for Sensitive {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Sensitive {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted_and_serde_is_transparent() {
        let secret = Sensitive::from("hunter2");
        assert_eq!(format!("{secret:?}"), "\"*** Sensitive Data Redacted ***\"");
        assert!(!format!("{:?}", Some(&secret)).contains("hunter2"));
        assert_eq!(secret.expose(), "hunter2");
        assert_eq!(secret.len(), 7);
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"hunter2\"");
        let back: Sensitive = serde_json::from_str("\"hunter2\"").unwrap();
        assert_eq!(back, secret);
        assert_eq!(back, "hunter2");
        assert_eq!(back.into_inner(), "hunter2");
    }
}
