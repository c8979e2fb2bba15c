//! Id newtypes. Their formats are AWS's: a pool id is `<region>_<9 alphanumerics>`, a client id
//! 26 lowercase alphanumerics, a `sub` a UUID v4.

use serde::{Deserialize, Serialize};

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

string_id!(
    /// `us-east-1_AbCdEfGhI`
    UserPoolId
);
string_id!(
    /// 26 lowercase alphanumerics.
    ClientId
);
string_id!(
    /// A user's immutable UUID.
    Sub
);

impl UserPoolId {
    /// The region part of the id (before the underscore).
    pub fn region(&self) -> &str {
        self.0
            .split_once('_')
            .map(|(region, _)| region)
            .unwrap_or("us-east-1")
    }
}
