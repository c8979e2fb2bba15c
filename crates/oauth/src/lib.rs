//! The web side of user pools: the OAuth 2.0 / OpenID Connect authorization server
//! (`/oauth2/authorize`, `/oauth2/token`, `/oauth2/userInfo`, `/oauth2/revoke`), the hosted
//! sign-in pages (`/login`), `/logout`, and the hosted-UI logo. One port serves every pool: the
//! pool is found from `client_id`. Sign-in goes through `cognate-idp`'s auth code.

mod account;
mod authorize;
mod choice;
mod cookies;
mod endpoints;
mod federation;
mod grants;
mod i18n;
mod login;
mod logout;
mod pages;
mod params;
mod sealed;

use axum::Router;
use axum::routing::get;
use cognate_idp::Idp;

/// What the handlers share.
#[derive(Clone)]
pub struct OAuthState {
    pub idp: Idp,
    /// The server's body limits (size and time), which the forms are read within.
    pub body_limits: cognate_awsjson::BodyLimits,
}

/// The routes of the authorization server, ready to be merged into the server's router.
pub fn router(state: OAuthState) -> Router {
    Router::new()
        .route(
            "/oauth2/userInfo",
            get(endpoints::user_info).post(endpoints::user_info),
        )
        .route("/oauth2/token", axum::routing::post(endpoints::token))
        .route("/oauth2/revoke", axum::routing::post(endpoints::revoke))
        .route("/oauth2/authorize", get(authorize::handle))
        .route(
            "/oauth2/idpresponse",
            get(federation::response).post(federation::response_form),
        )
        .route(
            federation::saml::ACS_PATH,
            axum::routing::post(federation::saml::response),
        )
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", get(logout::handle))
        .route("/signup", get(account::sign_up_page).post(account::sign_up))
        .route("/confirmUser", axum::routing::post(account::confirm))
        .route(
            "/forgotPassword",
            get(account::forgot_page).post(account::forgot),
        )
        .route(
            "/confirmForgotPassword",
            axum::routing::post(account::reset),
        )
        .route("/assets/logo/{pool_id}/{client_key}", get(pages::logo))
        .with_state(state)
}
