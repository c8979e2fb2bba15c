//! The pages: askama templates over a base layout, with the security headers every page gets
//! (a strict Content-Security-Policy whose only style is the page's own, by nonce), redirects,
//! and the hosted-UI logo.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use cognate_domain::ids::{ClientId, UserPoolId};
use cognate_idp::Idp;

use crate::OAuthState;
use crate::grants::random;
use crate::i18n::{self, Messages};

/// What the base layout needs.
pub struct Page {
    /// The page's words, in the browser's language.
    pub t: &'static Messages,
    pub nonce: String,
    pub csrf: String,
    /// The pool's or client's CSS from SetUICustomization.
    pub css: String,
    pub logo_url: Option<String>,
}

impl Page {
    /// A page for `client` of `pool`, with its customization, in the language of `t`.
    pub async fn for_client(
        idp: &Idp,
        (pool, client): (&UserPoolId, &ClientId),
        csrf: String,
        t: &'static Messages,
    ) -> Self {
        let ui = idp
            .ui_customization(pool, Some(client))
            .await
            .ok()
            .flatten();
        Self {
            t,
            nonce: random(),
            csrf,
            // `</` would end the style element: customization CSS never needs it.
            css: ui
                .as_ref()
                .and_then(|u| u.css.clone())
                .unwrap_or_default()
                .replace("</", ""),
            logo_url: ui
                .as_ref()
                .filter(|u| u.image_base64.is_some())
                .map(|u| cognate_idp::hosted::ui::logo_url(idp, u)),
        }
    }

    fn plain() -> Self {
        Self {
            t: i18n::ENGLISH,
            nonce: random(),
            csrf: String::new(),
            css: String::new(),
            logo_url: None,
        }
    }
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage<'a> {
    pub page: Page,
    pub action: &'a str,
    pub username: &'a str,
    pub error: Option<String>,
    pub notice: Option<&'a str>,
    pub forgot: String,
    /// The sign-up page, when the pool lets users sign themselves up.
    pub signup: Option<String>,
    /// Choice-based sign-in: the name first, then the factor (no password field here).
    pub choice: bool,
    /// "Sign in with …" links to the client's external identity providers.
    pub providers: Vec<crate::federation::ProviderLink>,
}

/// Choice-based sign-in's password step: the choice's (or PASSWORD's) session, and the name.
#[derive(Template)]
#[template(path = "password.html")]
pub struct PasswordPage<'a> {
    pub page: Page,
    pub action: &'a str,
    pub signing_in_as: String,
    /// SELECT_CHALLENGE (answered with PASSWORD) or PASSWORD.
    pub challenge: &'a str,
    pub session: &'a str,
    pub username: &'a str,
    pub error: Option<String>,
    pub forgot: String,
    /// The sign-in page again, for another name.
    pub restart: String,
}

/// An input of a `FormPage`.
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    /// `text`, `password`, `email`.
    pub kind: &'static str,
    pub autocomplete: &'static str,
    pub value: String,
    /// The field the cursor starts in: the first one still empty.
    pub focus: bool,
}

/// A page with one form: sign-up, confirmation, forgot and reset password.
#[derive(Template)]
#[template(path = "form.html")]
pub struct FormPage<'a> {
    pub page: Page,
    pub heading: &'a str,
    pub hint: String,
    pub action: String,
    pub form_name: &'a str,
    pub hidden: Vec<(&'static str, String)>,
    pub fields: Vec<Field>,
    pub submit: &'a str,
    pub error: Option<String>,
    pub back: Option<String>,
}

#[derive(Template)]
#[template(path = "challenge.html")]
pub struct ChallengePage<'a> {
    pub page: Page,
    pub action: &'a str,
    pub heading: &'a str,
    pub hint: &'a str,
    pub label: &'a str,
    pub secret: bool,
    pub challenge: &'a str,
    pub session: &'a str,
    pub username: &'a str,
    pub error: Option<String>,
    /// SELECT_MFA_TYPE's factors as (value, label): radio buttons instead of a text input.
    pub choices: Vec<(String, &'static str)>,
    pub choice_list: String,
}

/// MFA_SETUP: the authenticator's QR code and key, and the code it shows.
#[derive(Template)]
#[template(path = "mfa_setup.html")]
pub struct MfaSetupPage<'a> {
    pub page: Page,
    pub action: &'a str,
    pub qr_data_url: String,
    pub secret: &'a str,
    pub session: &'a str,
    pub username: &'a str,
    pub error: Option<String>,
}

/// The `otpauth://` URI of a TOTP secret as an SVG QR code, as a `data:` URL (the page's CSP
/// allows images from data: and nothing inline that runs).
pub fn totp_qr(issuer: &str, username: &str, secret: &str) -> Option<String> {
    let enc = |text: &str| form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
    let uri = format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}",
        enc(issuer),
        enc(username),
        enc(issuer)
    );
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    let encoded = base64::engine::general_purpose::STANDARD.encode(svg);
    Some(format!("data:image/svg+xml;base64,{encoded}"))
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    page: Page,
    message: &'a str,
}

/// Renders a page with its security headers; `form_target` is where its form's submission may
/// end up (the callback the sign-in redirects to). Chromium checks CSP's form-action against
/// every redirect that follows a submission, and the callback may redirect again where Cognate
/// cannot know (an app to its home page; a federating server's `/oauth2/idpresponse`, another
/// Cognate or Cognito among them, to its own app's callback), so a page whose form ends at a
/// callback sets no form-action; the others keep `form-action 'self'`.
pub fn render(
    template: &impl Template,
    nonce: &str,
    status: u16,
    form_target: Option<&str>,
) -> Response {
    let html = match template.render() {
        Ok(html) => html,
        Err(error) => {
            tracing::error!(%error, "a page failed to render");
            return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
        }
    };
    let form_action = match form_target {
        Some(_) => "",
        None => " form-action 'self';",
    };
    let csp = format!(
        "default-src 'none'; style-src 'nonce-{nonce}'; img-src 'self' data:;{form_action} \
         frame-ancestors 'none'; base-uri 'none'"
    );
    let mut response = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub fn error_page(status: u16, message: &str) -> Response {
    let page = Page::plain();
    let nonce = page.nonce.clone();
    render(&ErrorPage { page, message }, &nonce, status, None)
}

/// A 302 to `location`.
pub fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::FOUND, [(header::LOCATION, value)]).into_response(),
        Err(_) => error_page(400, "The redirect URI is not a valid URL."),
    }
}

/// GET `/assets/logo/{pool_id}/{client_key}`: the logo SetUICustomization stored.
pub async fn logo(
    State(state): State<OAuthState>,
    Path((pool_id, client_key)): Path<(String, String)>,
) -> Response {
    let client = (client_key != "ALL").then(|| ClientId::new(client_key));
    let stored = state
        .idp
        .store
        .get_ui_customization(&UserPoolId::new(pool_id), client.as_ref())
        .await
        .ok()
        .and_then(|ui| ui.image_base64);
    let Some(bytes) = stored.and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
    else {
        return (StatusCode::NOT_FOUND, "no logo").into_response();
    };
    let kind = if bytes.starts_with(&[0xFF, 0xD8]) {
        "image/jpeg"
    } else {
        "image/png"
    };
    ([(header::CONTENT_TYPE, kind)], bytes).into_response()
}
