//! Sign-in through a pool's external identity provider: `/oauth2/authorize` with
//! `identity_provider` (or `idp_identifier`) sends the browser to the provider with a sealed
//! `state` and a `nonce`; the provider sends it back to `/oauth2/idpresponse`, where the code
//! is redeemed and the ID token verified (`relying_party`), the federated user found or made
//! (`cognate_idp::federation::users`), and the app's callback gets a Cognate authorization
//! code, as after a sign-in on the login page.

mod apple;
mod relying_party;
pub mod saml;
mod state;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use cognate_domain::StoreError;
use cognate_domain::federation::IdentityProvider;
use cognate_idp::Idp;
use cognate_idp::federation::details::Kind;
use cognate_idp::federation::users::FederatedIdentity;
use cognate_idp::hosted::oauth_settings::{COGNITO_PROVIDER, OAuthSettings};

use crate::authorize::{self, AuthorizeRequest};
use crate::cookies::{self, HostedSession, SESSION_SECS};
use crate::i18n::Messages;
use crate::login::with_cookie;
use crate::params::{Pairs, read_page_form};
use crate::{OAuthState, grants, pages};
use relying_party::{Failure, Provider};
use state::{FederationState, Return, clear_binding};

/// What the app's callback is told when a provider is not one the client may use.
const UNSUPPORTED: &str = "Unsupported identity provider";

/// Where providers send the browser back.
fn redirect_uri(idp: &Idp) -> String {
    format!("{}/oauth2/idpresponse", idp.config.public_url)
}

/// The provider an authorization request names (`identity_provider`, else `idp_identifier`),
/// or None for the pool's own sign-in. A provider the pool lacks, or the client does not
/// list in `SupportedIdentityProviders`, is refused with an error redirect.
async fn asked_provider(
    idp: &Idp,
    request: &AuthorizeRequest,
) -> Result<Option<IdentityProvider>, Response> {
    let pool_id = &request.pool.id;
    let found = match (
        request.query.get("identity_provider"),
        request.query.get("idp_identifier"),
    ) {
        (Some(name), _) if name.eq_ignore_ascii_case(COGNITO_PROVIDER) => return Ok(None),
        (Some(name), _) => idp.store.get_identity_provider(pool_id, name).await,
        (None, Some(identifier)) => {
            idp.store
                .identity_provider_by_identifier(pool_id, identifier)
                .await
        }
        (None, None) => return Ok(None),
    };
    let provider = match found {
        Ok(provider) => provider,
        Err(StoreError::NotFound) => {
            return Err(request.error_redirect("invalid_request", UNSUPPORTED));
        }
        Err(error) => {
            tracing::error!(%error, "storage failure");
            return Err(pages::error_page(500, "An internal error occurred."));
        }
    };
    let supported = OAuthSettings::of(&request.client).identity_providers;
    if !supported.contains(&provider.name) {
        return Err(request.error_redirect("invalid_request", UNSUPPORTED));
    }
    Ok(Some(provider))
}

/// A "Sign in with …" link of the login page.
pub struct ProviderLink {
    /// "Sign in with <name>" in the page's language.
    pub label: String,
    pub href: String,
}

/// Links to the external providers the request's client supports: the same authorization
/// request, naming the provider.
pub fn links(request: &AuthorizeRequest) -> Vec<ProviderLink> {
    OAuthSettings::of(&request.client)
        .identity_providers
        .into_iter()
        .filter(|name| !name.eq_ignore_ascii_case(COGNITO_PROVIDER))
        .map(|name| {
            let mut query = request.query.clone();
            query
                .0
                .retain(|(key, _)| key != "identity_provider" && key != "idp_identifier");
            query.0.push(("identity_provider".into(), name.clone()));
            let href = format!("/oauth2/authorize?{}", query.encode());
            let label = Messages::fill(request.t.sign_in_with, &[("name", &name)]);
            ProviderLink { label, href }
        })
        .collect()
}

/// For an authorization request naming a provider: the redirect to it (or the refusal).
/// None when the request is for the pool's own sign-in.
pub async fn start(state: &OAuthState, request: &AuthorizeRequest) -> Option<Response> {
    let idp = &state.idp;
    let provider = match asked_provider(idp, request).await {
        Ok(Some(provider)) => provider,
        Ok(None) => return None,
        Err(response) => return Some(response),
    };
    if Kind::named(&provider.provider_type) == Some(Kind::Saml) {
        return Some(saml::start(idp, request, &provider).await);
    }
    let relying_party = match Provider::load(idp, &provider) {
        Ok(relying_party) => relying_party,
        Err(Failure(description)) => {
            return Some(request.error_redirect("invalid_request", &description));
        }
    };
    let query = request.query.encode();
    let pool_id = request.pool.id.as_str();
    let back = if relying_party.posts_back() {
        Return::OAuthPost
    } else {
        Return::OAuth
    };
    let (fed, cookie) = FederationState::new(idp, query, pool_id, &provider.name, back);
    let sealed = fed.seal(idp);
    Some(
        match relying_party.authorize_url(&redirect_uri(idp), &sealed, &fed.nonce) {
            Ok(url) => with_cookie(pages::redirect(&url), cookie),
            Err(Failure(description)) => request.error_redirect("invalid_request", &description),
        },
    )
}

/// GET `/oauth2/idpresponse`: the provider's answer in the query.
pub async fn response(
    State(state): State<OAuthState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Pairs::parse(query.unwrap_or_default().as_bytes());
    finish(&state, &headers, &params).await
}

/// POST `/oauth2/idpresponse`: the answer as a form (`response_mode=form_post`).
pub async fn response_form(
    State(state): State<OAuthState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match read_page_form(&headers, body, state.body_limits).await {
        Ok(params) => finish(&state, &headers, &params).await,
        Err(page) => page,
    }
}

/// The sign-in a provider's answer belongs to (its sealed state, opened in this browser) and
/// the app's authorization request, checked again; else the page to answer.
async fn resume(
    idp: &Idp,
    headers: &HeaderMap,
    sealed: Option<&str>,
) -> Result<(FederationState, AuthorizeRequest), Response> {
    let Some(fed) = sealed.and_then(|sealed| FederationState::open(idp, sealed, headers)) else {
        return Err(pages::error_page(
            400,
            "The sign-in at the identity provider is unknown, expired, or was started in another browser.",
        ));
    };
    let query = Pairs::parse(fed.query.as_bytes());
    match authorize::check(idp, query).await {
        Ok(request) if request.pool.id.as_str() == fed.pool_id => Ok((fed, request)),
        Ok(_) => Err(pages::error_page(
            400,
            "The sign-in does not belong to this pool.",
        )),
        Err(refusal) => Err(refusal.response()),
    }
}

async fn finish(state: &OAuthState, headers: &HeaderMap, params: &Pairs) -> Response {
    let idp = &state.idp;
    let (fed, request) = match resume(idp, headers, params.get("state")).await {
        Ok(resumed) => resumed,
        Err(page) => return page,
    };
    let response = match params.get("error") {
        Some("access_denied") => {
            let description = params.get("error_description").unwrap_or("access_denied");
            request.error_redirect("access_denied", description)
        }
        Some(error) => {
            let description = params.get("error_description").unwrap_or(error);
            request.error_redirect("invalid_request", description)
        }
        None => match sign_in(state, &request, &fed, params).await {
            Ok(response) => response,
            Err(Failure(description)) => request.error_redirect("invalid_request", &description),
        },
    };
    with_cookie(response, clear_binding(idp, Return::OAuth))
}

/// The code redeemed, the user found or made, the app's code (and the hosted session).
async fn sign_in(
    state: &OAuthState,
    request: &AuthorizeRequest,
    fed: &FederationState,
    params: &Pairs,
) -> Result<Response, Failure> {
    let idp = &state.idp;
    let code = params
        .get("code")
        .ok_or_else(|| Failure("The identity provider sent no code".into()))?;
    let provider = idp
        .identity_provider(&request.pool.id, &fed.provider)
        .await
        .map_err(|_| Failure(UNSUPPORTED.into()))?;
    let relying_party = Provider::load(idp, &provider)?;
    let identity: FederatedIdentity = relying_party
        .sign_in(idp, code, &redirect_uri(idp), fed, params.get("user"))
        .await?;
    signed_in(state, request, &provider, &identity).await
}

/// After any provider vouched for `identity`: the federated user found or made, the app's
/// code, and the hosted session.
async fn signed_in(
    state: &OAuthState,
    request: &AuthorizeRequest,
    provider: &IdentityProvider,
    identity: &FederatedIdentity,
) -> Result<Response, Failure> {
    let idp = &state.idp;
    let user = idp
        .federated_sign_in(&request.pool, &request.client, provider, identity)
        .await
        .map_err(|error| Failure(error.message))?;
    let now = idp.clock.now().secs();
    let session = HostedSession {
        pool_id: request.pool.id.to_string(),
        username: user.username,
        auth_time: now,
        expires_at: now + SESSION_SECS,
    };
    let response = grants::complete(idp, request, &session)
        .await
        .map_err(|error| Failure(error.description))?;
    Ok(with_cookie(
        response,
        cookies::session_cookie(idp, &session),
    ))
}
