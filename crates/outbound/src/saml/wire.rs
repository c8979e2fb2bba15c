//! The `cognate-saml` helper's protocol: one JSON request per line on its standard input, and
//! one JSON reply per line on its standard output, in the same order. Each reply is the
//! serialized `Result` of its request (`{"Ok": …}` or `{"Err": …}`).

use serde::{Deserialize, Serialize};

use super::{Assertion, AuthnRequest, Expected, IdpMetadata, MetadataError, SamlError};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    /// Answered with a [`MetadataReply`].
    ParseMetadata { xml: String },
    /// Answered with a [`UrlReply`].
    AuthnRequestUrl {
        request: AuthnRequest,
        relay_state: String,
    },
    /// Answered with a [`VerifyReply`]. Replay is not the helper's to judge: the server
    /// remembers the assertions used.
    VerifyResponse {
        metadata_xml: String,
        saml_response: String,
        expected: Expected,
    },
}

pub type MetadataReply = Result<IdpMetadata, MetadataError>;
/// The redirect-binding URL, or why it could not be built.
pub type UrlReply = Result<String, String>;
pub type VerifyReply = Result<Assertion, SamlError>;
