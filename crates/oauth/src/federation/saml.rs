//! Sign-in through a SAML 2.0 identity provider, SP-initiated as AWS does it: the
//! `AuthnRequest` goes to the IdP's SSO URL by the redirect binding with the sealed,
//! browser-bound state as `RelayState` (its nonce makes the request ID); the IdP posts the
//! signed `SAMLResponse` back to `/saml2/idpresponse`, where it is verified
//! (`cognate_outbound::saml`), and the NameID and attributes sign the federated user in as the
//! OIDC path does. A refusal reaches the app's callback as AWS words it:
//! `error=server_error`, "Invalid SAML response received: …".

use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use cognate_domain::federation::IdentityProvider;
use cognate_idp::Idp;
use cognate_idp::federation::saml::{NAME_ID, SSO_REDIRECT};
use cognate_idp::federation::users::FederatedIdentity;
use cognate_outbound::saml::{self, AuthnRequest, Expected};
use serde_json::{Map, Value};

use super::relying_party::Failure;
use super::state::{FederationState, Return, clear_binding};
use super::{UNSUPPORTED, resume, signed_in};
use crate::authorize::AuthorizeRequest;
use crate::login::with_cookie;
use crate::params::read_page_form;
use crate::{OAuthState, pages};

/// Where IdPs post their responses (the assertion consumer service).
pub const ACS_PATH: &str = "/saml2/idpresponse";
/// Clock skew tolerated on NotBefore and NotOnOrAfter.
const LEEWAY_SECS: i64 = 60;

fn acs_url(idp: &Idp) -> String {
    format!("{}{ACS_PATH}", idp.config.public_url)
}

/// The pool as a SAML service provider: its entity ID, and the audience its assertions name.
pub fn sp_entity_id(pool_id: &str) -> String {
    format!("urn:amazon:cognito:sp:{pool_id}")
}

/// The AuthnRequest's ID: the state's nonce, made an XML NCName.
fn request_id(fed: &FederationState) -> String {
    format!("_{}", fed.nonce)
}

/// The redirect to the IdP with the AuthnRequest (or the refusal, at the app's callback).
pub async fn start(idp: &Idp, request: &AuthorizeRequest, provider: &IdentityProvider) -> Response {
    let pool_id = request.pool.id.as_str();
    let query = request.query.encode();
    let (fed, cookie) = FederationState::new(idp, query, pool_id, &provider.name, Return::SamlPost);
    let sealed = fed.seal(idp);
    // The SSO endpoint was read from the metadata when the provider was stored.
    let destination = idp
        .opened_details(provider)
        .ok()
        .and_then(|mut details| details.remove(SSO_REDIRECT));
    let Some(destination) = destination else {
        return request.error_redirect("invalid_request", "The identity provider is misconfigured");
    };
    let authn = AuthnRequest {
        id: request_id(&fed),
        issue_instant: idp.clock.now(),
        destination,
        acs_url: acs_url(idp),
        issuer: sp_entity_id(pool_id),
    };
    match idp.outbound.saml.authn_request_url(authn, &sealed).await {
        Ok(url) => with_cookie(pages::redirect(&url), cookie),
        Err(error) => {
            tracing::warn!(%error, "SAML AuthnRequest not built");
            request.error_redirect("invalid_request", "The identity provider is misconfigured")
        }
    }
}

/// POST `/saml2/idpresponse`: the IdP's `SAMLResponse` and the `RelayState`.
pub async fn response(State(state): State<OAuthState>, headers: HeaderMap, body: Body) -> Response {
    let idp = &state.idp;
    let params = match read_page_form(&headers, body, state.body_limits).await {
        Ok(params) => params,
        Err(page) => return page,
    };
    let (fed, request) = match resume(idp, &headers, params.get("RelayState")).await {
        Ok(resumed) => resumed,
        Err(page) => return page,
    };
    let answer = match params.get("SAMLResponse") {
        None => Err(Failure("The identity provider sent no SAMLResponse".into())),
        Some(posted) => sign_in(&state, &request, &fed, posted).await,
    };
    let response = answer.unwrap_or_else(|Failure(description)| {
        request.error_redirect("server_error", &description)
    });
    with_cookie(response, clear_binding(idp, Return::SamlPost))
}

async fn sign_in(
    state: &OAuthState,
    request: &AuthorizeRequest,
    fed: &FederationState,
    posted: &str,
) -> Result<Response, Failure> {
    let idp = &state.idp;
    let provider = idp
        .identity_provider(&request.pool.id, &fed.provider)
        .await
        .map_err(|_| Failure(UNSUPPORTED.into()))?;
    let details = idp
        .opened_details(&provider)
        .map_err(|_| Failure("The identity provider is misconfigured".into()))?;
    let document = details
        .get(cognate_idp::federation::saml::METADATA_FILE)
        .cloned()
        .unwrap_or_default();
    let audience = sp_entity_id(request.pool.id.as_str());
    let acs = acs_url(idp);
    let id = request_id(fed);
    let now = idp.clock.now();
    let expected = Expected {
        audience,
        acs_url: acs,
        request_id: id,
        now,
        leeway_secs: LEEWAY_SECS,
    };
    // The XML is parsed and verified by the `cognate-saml` helper process.
    let outbound = &idp.outbound;
    let verified = outbound
        .saml
        .verify_response(&document, posted, expected, &outbound.saml_seen)
        .await;
    let assertion = verified.map_err(refused)?;
    let identity = FederatedIdentity {
        claims: claims(assertion),
    };
    signed_in(state, request, &provider, &identity).await
}

/// A refused response, as AWS words it at the app's callback. The helper missing or failing
/// is ours to fix: logged, and not described to the browser.
fn refused(error: saml::SamlError) -> Failure {
    if let saml::SamlError::Unavailable(why) = &error {
        tracing::error!(%why, "the SAML helper could not check a response");
        return Failure("The SAML response could not be verified".into());
    }
    Failure(format!("Invalid SAML response received: {error}"))
}

/// The assertion as the claims attribute mapping reads: the NameID, and each attribute by its
/// name (several values joined by commas).
fn claims(assertion: saml::Assertion) -> Map<String, Value> {
    let mut claims = Map::new();
    for (name, values) in assertion.attributes {
        claims.insert(name, Value::String(values.join(",")));
    }
    claims.insert(NAME_ID.into(), Value::String(assertion.name_id));
    claims
}
