//! The samael (xmlsec1) side of SAML. samael verifies the signatures, keeps only the signed
//! content, and checks Status, Issuer, Destination, Recipient, Audience and InResponseTo; its
//! own time checks read the wall clock, so they are opened wide here and the validity window
//! is checked again below on the server's injected clock.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, TimeZone, Utc};
use samael::crypto::AllowedSignatureAlgorithm;
use samael::metadata::EntityDescriptor;
use samael::schema::{self, Issuer};
use samael::service_provider::{Error as SpError, ServiceProvider};

use cognate_outbound::check_provider_url;
use cognate_outbound::saml::{
    Assertion, AuthnRequest, Expected, IdpMetadata, MetadataError, REDIRECT_BINDING, SamlError,
};

const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
const BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
const POST_BINDING: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
/// Wide enough that samael's wall-clock checks never decide; ours do.
const WIDE_OPEN_DAYS: i64 = 36_500;
/// Signature algorithms accepted: no SHA-1, so no digest substitution.
const ALGORITHMS: [AllowedSignatureAlgorithm; 6] = [
    AllowedSignatureAlgorithm::RsaSha256,
    AllowedSignatureAlgorithm::RsaSha384,
    AllowedSignatureAlgorithm::RsaSha512,
    AllowedSignatureAlgorithm::EcdsaSha256,
    AllowedSignatureAlgorithm::EcdsaSha384,
    AllowedSignatureAlgorithm::EcdsaSha512,
];

fn descriptor(xml: &str) -> Result<EntityDescriptor, MetadataError> {
    xml.trim()
        .parse::<EntityDescriptor>()
        .map_err(|error| MetadataError::Unparsable(error.to_string()))
}

fn binding_location(endpoints: &[samael::metadata::Endpoint]) -> Option<String> {
    endpoints
        .iter()
        .find(|endpoint| endpoint.binding == REDIRECT_BINDING)
        .map(|endpoint| endpoint.location.clone())
}

pub fn parse_metadata(xml: &str) -> Result<IdpMetadata, MetadataError> {
    let entity = descriptor(xml)?;
    let entity_id = entity
        .entity_id
        .clone()
        .filter(|id| !id.is_empty())
        .ok_or(MetadataError::NoEntityId)?;
    let idp = entity
        .idp_sso_descriptors
        .as_deref()
        .and_then(<[_]>::first)
        .ok_or(MetadataError::NoIdpDescriptor)?;
    let sso_redirect =
        binding_location(&idp.single_sign_on_services).ok_or(MetadataError::NoRedirectBinding)?;
    check_provider_url(&sso_redirect)
        .map_err(|error| MetadataError::Endpoint(format!("SingleSignOnService: {error}")))?;
    let slo_redirect = binding_location(&idp.single_logout_services);
    if let Some(url) = &slo_redirect {
        check_provider_url(url)
            .map_err(|error| MetadataError::Endpoint(format!("SingleLogoutService: {error}")))?;
    }
    let certificates = sp_for(entity.clone(), "", "")
        .idp_signing_certs()
        .map_err(|error| MetadataError::Unparsable(error.to_string()))?;
    if certificates.is_none_or(|certs| certs.is_empty()) {
        return Err(MetadataError::NoSigningCertificate);
    }
    Ok(IdpMetadata {
        entity_id,
        sso_redirect,
        slo_redirect,
    })
}

fn instant(at: cognate_domain::Timestamp) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(at.millis())
        .single()
        .unwrap_or_default()
}

pub fn authn_request_url(request: &AuthnRequest, relay_state: &str) -> Result<String, String> {
    let authn = schema::AuthnRequest {
        id: request.id.clone(),
        version: "2.0".to_string(),
        issue_instant: instant(request.issue_instant),
        destination: Some(request.destination.clone()),
        issuer: Some(Issuer {
            value: Some(request.issuer.clone()),
            ..Issuer::default()
        }),
        assertion_consumer_service_url: Some(request.acs_url.clone()),
        protocol_binding: Some(POST_BINDING.to_string()),
        ..schema::AuthnRequest::default()
    };
    authn
        .redirect(relay_state)
        .map_err(|error| error.to_string())?
        .map(|url| url.to_string())
        .ok_or_else(|| "The AuthnRequest has no destination".to_string())
}

/// A service provider that checks everything but time (see the module comment).
fn sp_for(idp_metadata: EntityDescriptor, audience: &str, acs_url: &str) -> ServiceProvider {
    ServiceProvider {
        entity_id: Some(audience.to_string()),
        acs_url: Some(acs_url.to_string()),
        idp_metadata,
        allow_idp_initiated: false,
        max_issue_delay: Duration::days(WIDE_OPEN_DAYS),
        max_clock_skew: Duration::days(WIDE_OPEN_DAYS),
        allowed_signature_algorithms: Some(ALGORITHMS.to_vec()),
        ..ServiceProvider::default()
    }
}

pub fn verify_response(
    metadata_xml: &str,
    saml_response: &str,
    expected: &Expected,
) -> Result<Assertion, SamlError> {
    let compact: String = saml_response.split_whitespace().collect();
    let bytes = STANDARD.decode(compact).map_err(|_| SamlError::Malformed)?;
    let xml = String::from_utf8(bytes).map_err(|_| SamlError::Malformed)?;
    refuse_failed_status(&xml)?;
    let metadata = descriptor(metadata_xml).map_err(|_| SamlError::Signature)?;
    let sp = sp_for(metadata, &expected.audience, &expected.acs_url);
    // Without certificates samael would skip the signature check: never let it.
    if sp
        .idp_signing_certs()
        .ok()
        .flatten()
        .is_none_or(|certs| certs.is_empty())
    {
        return Err(SamlError::Signature);
    }
    let assertion = sp
        .parse_xml_response(&xml, Some(&[expected.request_id.as_str()]))
        .map_err(refusal)?;
    check_assertion(&assertion, expected)
}

/// A Response whose Status is not Success names why (the IdP refused the sign-in). Read before
/// the signature check, as IdPs often leave failures unsigned: it only words the refusal.
fn refuse_failed_status(xml: &str) -> Result<(), SamlError> {
    let Ok(response) = xml.parse::<schema::Response>() else {
        return Ok(());
    };
    let code = response
        .status
        .and_then(|status| status.status_code.value)
        .unwrap_or_else(|| SUCCESS.to_string());
    if code == SUCCESS {
        return Ok(());
    }
    Err(SamlError::Status(code))
}

fn refusal(error: SpError) -> SamlError {
    match error {
        SpError::FailedToValidateSignature | SpError::CryptoXmlError(_) => SamlError::Signature,
        SpError::DestinationValidationError { .. } | SpError::AssertionRecipientMismatch { .. } => {
            SamlError::Recipient
        }
        SpError::AssertionConditionAudienceRestrictionFailed { .. } => SamlError::Audience,
        SpError::AssertionInResponseToInvalid { .. }
        | SpError::ResponseInResponseToInvalid { .. } => SamlError::InResponseTo,
        SpError::ResponseIssuerMismatch { .. } | SpError::AssertionIssuerMismatch { .. } => {
            SamlError::Issuer
        }
        SpError::ResponseBadStatusCode { code } => SamlError::Status(code),
        SpError::AssertionBearerSubjectConfirmationMissing
        | SpError::AssertionSubjectConfirmationMissing => SamlError::SubjectConfirmation,
        SpError::AssertionExpired { .. }
        | SpError::AssertionSubjectConfirmationExpired { .. }
        | SpError::AssertionSubjectConfirmationExpiredBefore { .. }
        | SpError::AssertionConditionExpired { .. }
        | SpError::AssertionConditionExpiredBefore { .. }
        | SpError::ResponseExpired { .. } => SamlError::Expired,
        _ => SamlError::Malformed,
    }
}

/// The checks samael leaves to us: an audience restriction is required (samael passes an
/// assertion without one), the window on the injected clock, a NameID.
fn check_assertion(
    assertion: &schema::Assertion,
    expected: &Expected,
) -> Result<Assertion, SamlError> {
    let conditions = assertion.conditions.as_ref().ok_or(SamlError::Audience)?;
    let audiences = conditions.audience_restrictions.as_deref().unwrap_or(&[]);
    if audiences.is_empty()
        || !audiences
            .iter()
            .all(|restriction| restriction.audience.contains(&expected.audience))
    {
        return Err(SamlError::Audience);
    }
    let now = expected.now.secs();
    let leeway = expected.leeway_secs;
    let mut deadlines = Vec::new();
    if let Some(not_before) = conditions.not_before
        && now + leeway < not_before.timestamp()
    {
        return Err(SamlError::Expired);
    }
    deadlines.extend(conditions.not_on_or_after.map(|t| t.timestamp()));
    let subject = assertion.subject.as_ref().ok_or(SamlError::NoNameId)?;
    for confirmation in subject.subject_confirmations.iter().flatten() {
        if confirmation.method.as_deref() != Some(BEARER) {
            continue;
        }
        let Some(data) = &confirmation.subject_confirmation_data else {
            continue;
        };
        if let Some(not_before) = data.not_before
            && now + leeway < not_before.timestamp()
        {
            return Err(SamlError::Expired);
        }
        deadlines.extend(data.not_on_or_after.map(|t| t.timestamp()));
    }
    // samael requires a bearer NotOnOrAfter, so there is at least one deadline.
    if deadlines.is_empty() || deadlines.iter().any(|deadline| now - leeway >= *deadline) {
        return Err(SamlError::Expired);
    }
    let name_id = subject
        .name_id
        .as_ref()
        .map(|name| name.value.trim().to_string())
        .filter(|value| !value.is_empty())
        .ok_or(SamlError::NoNameId)?;
    Ok(Assertion {
        id: assertion.id.clone(),
        issuer: assertion.issuer.value.clone().unwrap_or_default(),
        name_id,
        attributes: attributes(assertion),
        valid_until: deadlines.into_iter().max().unwrap_or(now),
    })
}

fn attributes(assertion: &schema::Assertion) -> BTreeMap<String, Vec<String>> {
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let statements = assertion.attribute_statements.iter().flatten();
    for attribute in statements.flat_map(|statement| &statement.attributes) {
        let Some(name) = attribute.name.clone() else {
            continue;
        };
        let values = attribute
            .values
            .iter()
            .filter_map(|value| value.value.clone());
        found.entry(name).or_default().extend(values);
    }
    found
}
