//! SAML 2.0 as a user pool's service provider speaks it, SP-initiated only: the IdP's metadata
//! read (its SSO and SLO endpoints of the HTTP-Redirect binding, its signing certificates),
//! the `AuthnRequest` sent by the redirect binding, and the `Response` posted back verified
//! (XML signature on the Response or the Assertion against the metadata's certificates, Status,
//! Issuer, Audience, Recipient/Destination, InResponseTo, validity window on the injected
//! clock, assertion replay). The XML and signature work is samael's (xmlsec1), behind the
//! `saml` feature; without it every entry point answers [`SamlError::Unsupported`].

mod replay;
#[cfg(feature = "saml")]
mod service_provider;

use std::collections::BTreeMap;

use cognate_domain::Timestamp;

pub use replay::SeenAssertions;

/// Whether this build verifies SAML at all.
pub const SUPPORTED: bool = cfg!(feature = "saml");

/// The redirect binding, the only one Cognate sends requests by (as AWS).
pub const REDIRECT_BINDING: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";

/// What the metadata of an IdP says, as a sign-in needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpMetadata {
    pub entity_id: String,
    /// `SingleSignOnService` of the HTTP-Redirect binding.
    pub sso_redirect: String,
    /// `SingleLogoutService` of the HTTP-Redirect binding, when the IdP has one.
    pub slo_redirect: Option<String>,
}

/// Why metadata is unusable; the message is AWS's `InvalidParameterException` text where known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    #[error("Cognate was built without SAML support")]
    Unsupported,
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
#[derive(Debug, Clone)]
pub struct AuthnRequest<'a> {
    /// Also what the Response's InResponseTo must be (an XML NCName).
    pub id: &'a str,
    pub issue_instant: Timestamp,
    /// The IdP's SSO URL of the redirect binding.
    pub destination: &'a str,
    /// The ACS URL, `<public_url>/saml2/idpresponse`.
    pub acs_url: &'a str,
    /// `urn:amazon:cognito:sp:<userPoolId>`.
    pub issuer: &'a str,
}

/// What a posted Response must agree with.
#[derive(Debug, Clone)]
pub struct Expected<'a> {
    /// The audience, `urn:amazon:cognito:sp:<userPoolId>`.
    pub audience: &'a str,
    /// Recipient and Destination: the ACS URL.
    pub acs_url: &'a str,
    /// The AuthnRequest's ID bound in the sign-in's state.
    pub request_id: &'a str,
    pub now: Timestamp,
    /// Clock skew tolerated on NotBefore and NotOnOrAfter.
    pub leeway_secs: i64,
}

/// A verified assertion: who signed in, what the IdP said about them.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SamlError {
    #[error("Cognate was built without SAML support")]
    Unsupported,
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

/// The IdP's metadata read and checked: an entityID, a redirect-binding SSO endpoint that may
/// be fetched, at least one signing certificate (an IdP without one could not be verified).
pub fn parse_metadata(xml: &str) -> Result<IdpMetadata, MetadataError> {
    #[cfg(feature = "saml")]
    {
        service_provider::parse_metadata(xml)
    }
    #[cfg(not(feature = "saml"))]
    {
        let _ = xml;
        Err(MetadataError::Unsupported)
    }
}

/// The redirect-binding URL of an AuthnRequest: the deflated, base64 `SAMLRequest` and the
/// `RelayState`, on the IdP's SSO URL.
pub fn authn_request_url(request: &AuthnRequest<'_>, relay_state: &str) -> Result<String, String> {
    #[cfg(feature = "saml")]
    {
        service_provider::authn_request_url(request, relay_state)
    }
    #[cfg(not(feature = "saml"))]
    {
        let _ = (request, relay_state);
        Err(SamlError::Unsupported.to_string())
    }
}

/// A posted `SAMLResponse` (base64) verified against the IdP's metadata and `expected`; the
/// assertion's ID is remembered in `seen` so it signs in only once.
pub fn verify_response(
    metadata_xml: &str,
    saml_response: &str,
    expected: &Expected<'_>,
    seen: &SeenAssertions,
) -> Result<Assertion, SamlError> {
    #[cfg(feature = "saml")]
    {
        let assertion = service_provider::verify_response(metadata_xml, saml_response, expected)?;
        let key = format!("{}\n{}", assertion.issuer, assertion.id);
        let until = assertion.valid_until + expected.leeway_secs;
        if !seen.first_use(key, until, expected.now.secs()) {
            return Err(SamlError::Replayed);
        }
        Ok(assertion)
    }
    #[cfg(not(feature = "saml"))]
    {
        let _ = (metadata_xml, saml_response, expected, seen);
        Err(SamlError::Unsupported)
    }
}
