//! SAML 2.0 as a user pool's service provider speaks it, SP-initiated only: the IdP's metadata
//! read (its SSO and SLO endpoints of the HTTP-Redirect binding, its signing certificates),
//! the `AuthnRequest` sent by the redirect binding, and the `Response` posted back verified
//! (XML signature on the Response or the Assertion against the metadata's certificates, Status,
//! Issuer, Audience, Recipient/Destination, InResponseTo, validity window on the injected
//! clock, assertion replay).
//!
//! The XML and signature work is samael's (xmlsec1, libxml2, OpenSSL), done by the
//! `cognate-saml` helper process ([`SamlHelper`], the `crates/saml` binary), not in the server:
//! the server then loads none of those C libraries (about 3 MiB of its idle memory), and XML
//! from the internet is parsed in a process that holds no keys, tokens or database. Without the
//! `saml` feature, or without the helper, every entry point answers an error saying so.

mod helper;
mod replay;
pub mod wire;

use std::collections::BTreeMap;

use cognate_domain::Timestamp;
use serde::{Deserialize, Serialize};

pub use helper::{SamlHelper, installed_helper};
pub use replay::SeenAssertions;

/// Whether this build verifies SAML at all (with the `cognate-saml` helper).
pub const SUPPORTED: bool = cfg!(feature = "saml");

/// The redirect binding, the only one Cognate sends requests by (as AWS).
pub const REDIRECT_BINDING: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";

/// What the metadata of an IdP says, as a sign-in needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdpMetadata {
    pub entity_id: String,
    /// `SingleSignOnService` of the HTTP-Redirect binding.
    pub sso_redirect: String,
    /// `SingleLogoutService` of the HTTP-Redirect binding, when the IdP has one.
    pub slo_redirect: Option<String>,
}

/// Why metadata is unusable; the message is AWS's `InvalidParameterException` text where known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum MetadataError {
    #[error("Cognate was built without SAML support")]
    Unsupported,
    /// The `cognate-saml` helper could not be run or did not answer.
    #[error("SAML metadata could not be checked: {0}")]
    Unavailable(String),
    #[error("Unable to parse the SAML metadata: {0}")]
    Unparsable(String),
    #[error("The SAML metadata has no IDPSSODescriptor.")]
    NoIdpDescriptor,
    #[error("No SingleSignOn Http redirect binding location found in metadata.")]
    NoRedirectBinding,
    #[error("No signing certificate found in metadata.")]
    NoSigningCertificate,
    #[error("The SAML metadata names no entityID.")]
    NoEntityId,
    #[error("{0}")]
    Endpoint(String),
}

/// The `AuthnRequest` Cognate sends.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthnRequest {
    /// Also what the Response's InResponseTo must be (an XML NCName).
    pub id: String,
    pub issue_instant: Timestamp,
    /// The IdP's SSO URL of the redirect binding.
    pub destination: String,
    /// The ACS URL, `<public_url>/saml2/idpresponse`.
    pub acs_url: String,
    /// `urn:amazon:cognito:sp:<userPoolId>`.
    pub issuer: String,
}

/// What a posted Response must agree with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Expected {
    /// The audience, `urn:amazon:cognito:sp:<userPoolId>`.
    pub audience: String,
    /// Recipient and Destination: the ACS URL.
    pub acs_url: String,
    /// The AuthnRequest's ID bound in the sign-in's state.
    pub request_id: String,
    pub now: Timestamp,
    /// Clock skew tolerated on NotBefore and NotOnOrAfter.
    pub leeway_secs: i64,
}

/// A verified assertion: who signed in, what the IdP said about them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assertion {
    pub id: String,
    pub issuer: String,
    pub name_id: String,
    /// Attribute name → values, in document order.
    pub attributes: BTreeMap<String, Vec<String>>,
    /// Epoch seconds until which the assertion could be presented (its latest NotOnOrAfter).
    pub valid_until: i64,
}

/// Why a posted Response is refused. The messages follow AWS's "Invalid SAML response
/// received: …" descriptions (the caller adds the prefix).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum SamlError {
    #[error("Cognate was built without SAML support")]
    Unsupported,
    /// The `cognate-saml` helper could not be run or did not answer.
    #[error("The SAML response could not be checked: {0}")]
    Unavailable(String),
    #[error("The SAML response could not be read.")]
    Malformed,
    #[error("SAML Assertion signature is invalid.")]
    Signature,
    #[error("The SAML response status is {0}.")]
    Status(String),
    #[error("The issuer of the SAML response is not the identity provider.")]
    Issuer,
    #[error("The SAML Assertion audience is not this user pool.")]
    Audience,
    #[error("The SAML response recipient or destination is not this user pool's endpoint.")]
    Recipient,
    #[error("The SAML response does not answer this sign-in's request.")]
    InResponseTo,
    #[error("The SAML Assertion is expired or not yet valid.")]
    Expired,
    #[error("The SAML Assertion has no bearer subject confirmation.")]
    SubjectConfirmation,
    #[error("The SAML Assertion has no NameID.")]
    NoNameId,
    #[error("The SAML Assertion has already been used.")]
    Replayed,
}
