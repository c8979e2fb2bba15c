//! A stand-in SAML 2.0 identity provider on `127.0.0.1:0`, for federation tests: `/metadata`
//! (its entity ID, SSO and SLO endpoints of the redirect binding, its signing certificate),
//! and `/sso`, which takes a redirect-binding `AuthnRequest` (inflated and recorded) and
//! answers the page an IdP answers: a form that posts the signed `SAMLResponse` and the
//! `RelayState` to the request's AssertionConsumerServiceURL. The response can be spoiled on
//! purpose (`Tamper`) to test a service provider's refusals. Signing is samael's (xmlsec1).

use std::collections::BTreeMap;
use std::io::Read as _;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use samael::attribute::{Attribute, AttributeValue};
use samael::crypto::{CertificateDer, Crypto, CryptoProvider};
use samael::idp::{CertificateParams, IdentityProvider, KeyType, Rsa};
use samael::schema::{
    Assertion, AttributeStatement, AudienceRestriction, AuthnRequest, Conditions, Issuer,
    Response as SamlResponse, Status, StatusCode as SamlStatusCode, Subject, SubjectConfirmation,
    SubjectConfirmationData, SubjectNameID,
};
use samael::signature::{DigestAlgorithm, Signature};
use samael::traits::ToXml;

/// What the IdP spoils in the response it posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tamper {
    /// The Response signed (the default).
    None,
    /// Only the Assertion signed (also valid).
    SignAssertionOnly,
    /// No signature at all.
    Unsigned,
    /// Signed by a key the metadata does not publish.
    ForeignKey,
    /// The NameID changed after signing.
    Altered,
    /// The audience is another service provider.
    WrongAudience,
    /// Recipient and Destination are another endpoint.
    WrongRecipient,
    /// InResponseTo names another request.
    WrongInResponseTo,
    /// The Issuer is another entity.
    WrongIssuer,
    /// Status `Requester` with no assertion (the IdP refused the sign-in).
    FailedStatus,
}

/// An AuthnRequest `/sso` received.
#[derive(Debug, Clone)]
pub struct ReceivedRequest {
    pub id: String,
    pub issuer: String,
    pub destination: String,
    pub acs_url: String,
    pub relay_state: String,
    /// The inflated XML.
    pub xml: String,
}

struct Inner {
    base: String,
    entity_id: String,
    key_der: Vec<u8>,
    cert: CertificateDer,
    forger_key_der: Vec<u8>,
    forger_cert: CertificateDer,
    user: Mutex<(String, BTreeMap<String, String>)>,
    tamper: Mutex<Tamper>,
    requests: Mutex<Vec<ReceivedRequest>>,
}

pub struct StandInSamlIdp {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    pub entity_id: String,
    inner: Arc<Inner>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

fn key_and_cert(name: &str) -> (Vec<u8>, CertificateDer) {
    let idp = IdentityProvider::generate_new(KeyType::Rsa(Rsa::Rsa2048)).expect("an RSA key");
    let params = CertificateParams {
        common_name: name,
        issuer_name: name,
        days_until_expiration: 30,
    };
    let cert = idp.create_certificate(&params).expect("a certificate");
    (idp.export_private_key_der().expect("the key's DER"), cert)
}

/// The server under test verifies SAML with the `cognate-saml` helper, found where the server
/// looks for it: `cargo test` does not build another package's binary.
fn require_saml_helper() {
    if let Err(why) = cognate_outbound::saml::installed_helper() {
        panic!("SAML tests need the helper: {why}");
    }
}

impl StandInSamlIdp {
    pub async fn start() -> Self {
        require_saml_helper();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the stand-in SAML IdP");
        let address = listener.local_addr().expect("a bound address");
        let base = format!("http://{address}");
        let (key_der, cert) = key_and_cert("stand-in idp");
        let (forger_key_der, forger_cert) = key_and_cert("forger");
        let inner = Arc::new(Inner {
            entity_id: format!("{base}/metadata"),
            base: base.clone(),
            key_der,
            cert,
            forger_key_der,
            forger_cert,
            user: Mutex::new((String::new(), BTreeMap::new())),
            tamper: Mutex::new(Tamper::None),
            requests: Mutex::default(),
        });
        let router = Router::new()
            .route("/metadata", get(metadata))
            .route("/sso", get(sso))
            .with_state(inner.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self {
            base,
            entity_id: inner.entity_id.clone(),
            inner,
        }
    }

    /// The user `/sso` signs in: the NameID and the attributes.
    pub fn set_user(&self, name_id: &str, attributes: &[(&str, &str)]) {
        let attributes = attributes
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        *lock(&self.inner.user) = (name_id.to_string(), attributes);
    }

    pub fn tamper(&self, tamper: Tamper) {
        *lock(&self.inner.tamper) = tamper;
    }

    pub fn metadata_url(&self) -> String {
        format!("{}/metadata", self.base)
    }

    /// The metadata document.
    pub fn metadata(&self) -> String {
        metadata_xml(&self.inner)
    }

    /// The AuthnRequests received so far.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        lock(&self.inner.requests).clone()
    }
}

async fn metadata(State(inner): State<Arc<Inner>>) -> Response {
    (
        [("content-type", "application/samlmetadata+xml")],
        metadata_xml(&inner),
    )
        .into_response()
}

fn metadata_xml(inner: &Inner) -> String {
    let cert = STANDARD.encode(inner.cert.der_data());
    let base = &inner.base;
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity}">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{base}/slo"/>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{base}/sso"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{base}/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
"#,
        entity = inner.entity_id,
    )
}

/// The redirect binding's `SAMLRequest`: base64 of raw DEFLATE.
fn inflate(encoded: &str) -> Option<String> {
    let deflated = STANDARD.decode(encoded).ok()?;
    let mut xml = String::new();
    flate2::read::DeflateDecoder::new(deflated.as_slice())
        .read_to_string(&mut xml)
        .ok()?;
    Some(xml)
}

async fn sso(State(inner): State<Arc<Inner>>, RawQuery(query): RawQuery) -> Response {
    let pairs: BTreeMap<String, String> =
        form_urlencoded_pairs(query.unwrap_or_default().as_bytes());
    let Some(xml) = pairs.get("SAMLRequest").and_then(|s| inflate(s)) else {
        return (StatusCode::BAD_REQUEST, "no SAMLRequest").into_response();
    };
    let Ok(request) = xml.parse::<AuthnRequest>() else {
        return (StatusCode::BAD_REQUEST, "unreadable AuthnRequest").into_response();
    };
    let received = ReceivedRequest {
        id: request.id.clone(),
        issuer: request
            .issuer
            .as_ref()
            .and_then(|i| i.value.clone())
            .unwrap_or_default(),
        destination: request.destination.clone().unwrap_or_default(),
        acs_url: request
            .assertion_consumer_service_url
            .clone()
            .unwrap_or_default(),
        relay_state: pairs.get("RelayState").cloned().unwrap_or_default(),
        xml,
    };
    lock(&inner.requests).push(received.clone());
    let tamper = *lock(&inner.tamper);
    let posted = signed_response(&inner, &received, tamper);
    Html(format!(
        r#"<!DOCTYPE html><html><body onload="document.forms[0].submit()">
<form method="post" action="{acs}">
<input type="hidden" name="SAMLResponse" value="{posted}"/>
<input type="hidden" name="RelayState" value="{relay}"/>
<noscript><button type="submit">Continue</button></noscript>
</form></body></html>"#,
        acs = received.acs_url,
        relay = received.relay_state,
    ))
    .into_response()
}

fn form_urlencoded_pairs(text: &[u8]) -> BTreeMap<String, String> {
    reqwest::Url::parse(&format!("http://x/?{}", String::from_utf8_lossy(text)))
        .map(|url| url.query_pairs().into_owned().collect())
        .unwrap_or_default()
}

/// The response to `request` as `tamper` says, base64 as the POST binding sends it.
fn signed_response(inner: &Inner, request: &ReceivedRequest, tamper: Tamper) -> String {
    let (name_id, attributes) = lock(&inner.user).clone();
    let now = Utc::now();
    let audience = match tamper {
        Tamper::WrongAudience => "urn:amazon:cognito:sp:us-east-1_Another1".to_string(),
        _ => request.issuer.clone(),
    };
    let recipient = match tamper {
        Tamper::WrongRecipient => "https://elsewhere.example.com/saml2/idpresponse".to_string(),
        _ => request.acs_url.clone(),
    };
    let in_response_to = match tamper {
        Tamper::WrongInResponseTo => "_another-request".to_string(),
        _ => request.id.clone(),
    };
    let issuer = Issuer {
        value: Some(match tamper {
            Tamper::WrongIssuer => "https://impostor.example.com".to_string(),
            _ => inner.entity_id.clone(),
        }),
        ..Issuer::default()
    };
    let (key, cert) = match tamper {
        Tamper::ForeignKey => (&inner.forger_key_der, &inner.forger_cert),
        _ => (&inner.key_der, &inner.cert),
    };
    let assertion_id = format!("_a{}", uuid::Uuid::new_v4().simple());
    let response_id = format!("_r{}", uuid::Uuid::new_v4().simple());
    let mut assertion = assertion(
        &assertion_id,
        issuer.clone(),
        &name_id,
        &attributes,
        (&audience, &recipient, &in_response_to),
        now,
    );
    let mut response = SamlResponse {
        id: response_id.clone(),
        in_response_to: Some(in_response_to.clone()),
        version: "2.0".into(),
        issue_instant: now,
        destination: Some(recipient.clone()),
        consent: None,
        issuer: Some(issuer),
        signature: None,
        status: Some(status("urn:oasis:names:tc:SAML:2.0:status:Success")),
        encrypted_assertion: None,
        assertion: None,
    };
    match tamper {
        Tamper::Unsigned => {}
        Tamper::SignAssertionOnly => assertion.signature = Some(template(&assertion_id, cert)),
        Tamper::FailedStatus => {
            response.status = Some(status("urn:oasis:names:tc:SAML:2.0:status:Requester"));
        }
        _ => response.signature = Some(template(&response_id, cert)),
    }
    if tamper != Tamper::FailedStatus {
        response.assertion = Some(assertion);
    }
    let unsigned = response.to_string().expect("the response as XML");
    let mut xml = if tamper == Tamper::Unsigned || tamper == Tamper::FailedStatus {
        unsigned
    } else {
        Crypto::sign_xml(unsigned.as_str(), key).expect("signing the response")
    };
    if tamper == Tamper::Altered {
        xml = xml.replace(&format!(">{name_id}<"), ">someone-else<");
    }
    STANDARD.encode(xml)
}

fn status(code: &str) -> Status {
    Status {
        status_code: SamlStatusCode {
            value: Some(code.to_string()),
        },
        status_message: None,
        status_detail: None,
    }
}

/// samael's signature template, with a SHA-256 digest (its default is SHA-1).
fn template(id: &str, cert: &CertificateDer) -> Signature {
    let mut signature = Signature::template(id, cert);
    for reference in &mut signature.signed_info.reference {
        reference.digest_method.algorithm = DigestAlgorithm::Sha256;
    }
    signature
}

fn assertion(
    id: &str,
    issuer: Issuer,
    name_id: &str,
    attributes: &BTreeMap<String, String>,
    (audience, recipient, in_response_to): (&str, &str, &str),
    now: DateTime<Utc>,
) -> Assertion {
    let until = now + Duration::minutes(5);
    Assertion {
        id: id.to_string(),
        issue_instant: now,
        version: "2.0".into(),
        issuer,
        signature: None,
        subject: Some(Subject {
            name_id: Some(SubjectNameID {
                format: Some("urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified".into()),
                value: name_id.to_string(),
            }),
            subject_confirmations: Some(vec![SubjectConfirmation {
                method: Some("urn:oasis:names:tc:SAML:2.0:cm:bearer".into()),
                name_id: None,
                subject_confirmation_data: Some(SubjectConfirmationData {
                    not_before: None,
                    not_on_or_after: Some(until),
                    recipient: Some(recipient.to_string()),
                    in_response_to: Some(in_response_to.to_string()),
                    address: None,
                    content: None,
                }),
            }]),
        }),
        conditions: Some(Conditions {
            not_before: Some(now - Duration::seconds(5)),
            not_on_or_after: Some(until),
            audience_restrictions: Some(vec![AudienceRestriction {
                audience: vec![audience.to_string()],
            }]),
            one_time_use: None,
            proxy_restriction: None,
        }),
        authn_statements: None,
        attribute_statements: Some(vec![AttributeStatement {
            attributes: attributes
                .iter()
                .map(|(name, value)| Attribute {
                    friendly_name: None,
                    name: Some(name.clone()),
                    name_format: None,
                    values: vec![AttributeValue {
                        attribute_type: Some("xs:string".into()),
                        value: Some(value.clone()),
                    }],
                })
                .collect(),
        }]),
    }
}
