//! `/logout`: ends the hosted session, then redirects to a registered `logout_uri`, or (with
//! `redirect_uri` and `response_type`) back to sign-in. Anything else is an error page: an
//! unregistered URI is never redirected to.

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::Response;
use cognate_idp::hosted::oauth_settings::OAuthSettings;

use crate::OAuthState;
use crate::params::Pairs;
use crate::{cookies, pages};

pub async fn handle(State(state): State<OAuthState>, RawQuery(query): RawQuery) -> Response {
    let query = Pairs::parse(query.unwrap_or_default().as_bytes());
    let Some(client_id) = query.get("client_id") else {
        return pages::error_page(400, "The request is missing the client_id parameter.");
    };
    let Ok(client) = state.idp.client(client_id).await else {
        return pages::error_page(400, "The client_id does not name an app client.");
    };
    let settings = OAuthSettings::of(&client);
    let target = match (query.get("logout_uri"), query.get("redirect_uri")) {
        (Some(uri), _) if settings.logout_urls.iter().any(|u| u == uri) => uri.to_string(),
        (None, Some(_)) if query.get("response_type").is_some() => {
            format!("/oauth2/authorize?{}", query.encode())
        }
        _ => {
            return pages::error_page(
                400,
                "The logout_uri is not a sign-out URL of this app client.",
            );
        }
    };
    let mut response = pages::redirect(&target);
    if let Some(cookie) = cookies::clear_session(&state.idp) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}
