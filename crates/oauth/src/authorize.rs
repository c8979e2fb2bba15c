//! `/oauth2/authorize`: checks the request as AWS does (client and redirect URI first: a bad one
//! gets an error page and no redirect; the rest are error redirects to the callback with
//! `state`), then signs in silently with the browser's hosted session or sends it to `/login`.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use cognate_domain::client::AppClient;
use cognate_domain::pool::UserPool;
use cognate_idp::Idp;
use cognate_idp::hosted::oauth_settings::OAuthSettings;

use crate::OAuthState;
use crate::i18n::{self, LANG_COOKIE, Messages};
use crate::params::{Pairs, with_params};
use crate::{cookies, grants, pages};

/// A checked authorization request.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    pub pool: UserPool,
    pub client: AppClient,
    pub redirect_uri: String,
    /// `code` or `token` (implicit).
    pub response_type: String,
    pub state: Option<String>,
    pub scopes: Vec<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    /// The query as received, for `/login` to carry on.
    pub query: Pairs,
    /// The pages' language: `lang` of the query, else English.
    pub t: &'static Messages,
}

impl AuthorizeRequest {
    pub fn implicit(&self) -> bool {
        self.response_type == "token"
    }

    /// An OAuth error sent back to the client's callback, with `state`.
    pub fn error_redirect(&self, error: &str, description: &str) -> Response {
        let state = self.state.as_deref().unwrap_or_default();
        let pairs = [
            ("error", error),
            ("error_description", description),
            ("state", state),
        ];
        pages::redirect(&with_params(&self.redirect_uri, &pairs, self.implicit()))
    }
}

/// Why a request was refused: an error page (no trustworthy redirect URI), or an error redirect.
pub enum Refusal {
    Page(Response),
    Redirect(Response),
}

impl Refusal {
    pub fn response(self) -> Response {
        match self {
            Self::Page(response) | Self::Redirect(response) => response,
        }
    }
}

/// Checks `query` as an authorization request.
pub async fn check(idp: &Idp, query: Pairs) -> Result<AuthorizeRequest, Refusal> {
    let bad_page = |message: &str| Refusal::Page(pages::error_page(400, message));
    let client_id = query
        .get("client_id")
        .ok_or_else(|| bad_page("The request is missing the client_id parameter."))?;
    let client = match idp.client(client_id).await {
        Ok(client) => client,
        Err(error) if error.status.is_server_error() => {
            return Err(Refusal::Page(pages::error_page(
                500,
                "An internal error occurred.",
            )));
        }
        Err(_) => return Err(bad_page("The client_id does not name an app client.")),
    };
    let settings = OAuthSettings::of(&client);
    let redirect_uri = query
        .get("redirect_uri")
        .filter(|uri| settings.callback_urls.iter().any(|cb| cb == uri))
        .ok_or_else(|| {
            bad_page(
                "redirect_mismatch: the redirect_uri is not a callback URL of this app client.",
            )
        })?
        .to_string();
    let pool = idp
        .pool(client.pool_id.as_str())
        .await
        .map_err(|_| bad_page("The app client's user pool does not exist."))?;
    let mut request = AuthorizeRequest {
        pool,
        client,
        redirect_uri,
        response_type: query.get("response_type").unwrap_or_default().to_string(),
        state: query.get("state").map(str::to_string),
        scopes: Vec::new(),
        nonce: query.get("nonce").map(str::to_string),
        code_challenge: query.get("code_challenge").map(str::to_string),
        t: i18n::messages(query.get("lang")),
        query: query.clone(),
    };
    let refuse = |request: &AuthorizeRequest, error: &str, description: &str| {
        Refusal::Redirect(request.error_redirect(error, description))
    };
    let flow = match request.response_type.as_str() {
        "code" => "code",
        "token" => "implicit",
        "" => {
            return Err(refuse(
                &request,
                "invalid_request",
                "response_type is required",
            ));
        }
        _ => {
            return Err(refuse(
                &request,
                "unsupported_response_type",
                "response_type must be code or token",
            ));
        }
    };
    if !settings.allows_flow(flow) {
        return Err(refuse(
            &request,
            "unauthorized_client",
            "Client is not allowed this flow",
        ));
    }
    if let Some(method) = query.get("code_challenge_method")
        && (method != "S256" || request.code_challenge.is_none())
    {
        return Err(refuse(
            &request,
            "invalid_request",
            "code_challenge_method must be S256 with a code_challenge",
        ));
    }
    if request.code_challenge.is_some() && query.get("code_challenge_method").is_none() {
        return Err(refuse(
            &request,
            "invalid_request",
            "code_challenge_method is required",
        ));
    }
    request.scopes = match query.get("scope") {
        None => settings.scopes.clone(),
        Some(asked) => {
            let asked: Vec<String> = asked.split_whitespace().map(str::to_string).collect();
            if let Some(bad) = asked.iter().find(|s| !settings.allows_scope(s)) {
                let description = format!("{bad} is not an allowed scope of this client");
                return Err(refuse(&request, "invalid_scope", &description));
            }
            asked
        }
    };
    Ok(request)
}

/// GET `/oauth2/authorize`.
pub async fn handle(
    State(state): State<OAuthState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let query = Pairs::parse(query.unwrap_or_default().as_bytes());
    let mut request = match check(&state.idp, query).await {
        Ok(request) => request,
        Err(refusal) => return refusal.response(),
    };
    let lang_cookie = remember_language(&state, &headers, &mut request);
    // Federation (identity_provider / idp_identifier naming an external provider).
    if let Some(response) = crate::federation::start(&state, &request).await {
        return response;
    }
    let prompt_login = request.query.get("prompt") == Some("login");
    let response = match cookies::session(&state.idp, &headers, request.pool.id.as_str()) {
        Some(session) if !prompt_login => {
            grants::complete(&state.idp, &request, &session).await.ok()
        }
        _ => None,
    };
    let response =
        response.unwrap_or_else(|| pages::redirect(&format!("/login?{}", request.query.encode())));
    crate::login::with_cookie(response, lang_cookie)
}

/// The language of the pages that follow: `lang` when the request names one (kept in a cookie,
/// English for a code AWS does not offer), else the cookie's, put into the query the pages
/// carry on. Returns the cookie to set.
fn remember_language(
    state: &OAuthState,
    headers: &HeaderMap,
    request: &mut AuthorizeRequest,
) -> Option<axum::http::HeaderValue> {
    if request.query.get("lang").is_some() {
        return cookies::lang_cookie(&state.idp, request.t.lang);
    }
    if let Some(kept) = cookies::get(headers, LANG_COOKIE).and_then(i18n::supported) {
        request.t = kept;
        request
            .query
            .0
            .push(("lang".to_string(), kept.lang.to_string()));
    }
    None
}
