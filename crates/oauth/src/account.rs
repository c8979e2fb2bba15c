//! The account pages, at AWS's paths: sign-up and its confirmation (`/signup`, `/confirmUser`),
//! forgot and reset password (`/forgotPassword`, `/confirmForgotPassword`). Each runs the public
//! operation it stands for through `cognate-idp` (policies, triggers, codes through the pool's
//! messaging) and shows the operation's message when it refuses. The authorization request rides
//! in the query string, as on `/login`, and sign-in continues there.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use cognate_awsjson::ApiError;
use cognate_domain::pool::UserPool;
use serde_json::Value;

use crate::OAuthState;
use crate::authorize::AuthorizeRequest;
use crate::cookies;
use crate::login::{Said, checked, login_page, page, with_cookie};
use crate::pages::{self, Field, FormPage};
use crate::params::{Pairs, read_body};

/// Whether users may sign themselves up (AdminCreateUserConfig.AllowAdminCreateUserOnly off).
pub fn self_sign_up(pool: &UserPool) -> bool {
    !pool
        .settings
        .get("AdminCreateUserConfig")
        .and_then(|c| c.get("AllowAdminCreateUserOnly"))
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// A checked form submission.
struct Posted {
    request: AuthorizeRequest,
    form: Pairs,
    csrf: String,
    cookie: Option<HeaderValue>,
}

/// The request, the form and the CSRF check every POST starts with; the page to answer
/// instead when one fails.
async fn posted(
    state: &OAuthState,
    headers: &HeaderMap,
    query: Option<String>,
    body: Body,
) -> Result<Posted, Response> {
    let request = checked(state, query).await?;
    let form = match read_body(body, state.max_body_bytes).await {
        Ok(bytes) => Pairs::parse(&bytes),
        Err(_) => return Err(pages::error_page(413, "The form is too large.")),
    };
    let (csrf, cookie) = cookies::csrf(&state.idp, headers);
    if !cookies::csrf_ok(headers, form.get("_csrf")) {
        let said = Said {
            error: Some("Your session has expired. Please sign in again.".to_string()),
            notice: None,
        };
        let page = login_page(state, &request, csrf, "", said).await;
        return Err(with_cookie(page, cookie));
    }
    Ok(Posted {
        request,
        form,
        csrf,
        cookie,
    })
}

/// The message a refused operation shows; never the details of a server error.
fn shown(error: &ApiError) -> String {
    if error.status.is_server_error() {
        "An internal error occurred. Please try again.".to_string()
    } else {
        error.message.clone()
    }
}

fn field(name: &'static str, label: &'static str, kind: &'static str, auto: &'static str) -> Field {
    Field {
        name,
        label,
        kind,
        autocomplete: auto,
        value: String::new(),
        focus: false,
    }
}

/// What differs between the account pages.
struct Form<'a> {
    heading: &'a str,
    hint: String,
    path: &'a str,
    form_name: &'a str,
    hidden: Vec<(&'static str, String)>,
    fields: Vec<Field>,
    submit: &'a str,
}

async fn form_page(
    state: &OAuthState,
    request: &AuthorizeRequest,
    csrf: String,
    form: Form<'_>,
    error: Option<String>,
) -> Response {
    let page = page(state, request, csrf).await;
    let nonce = page.nonce.clone();
    let query = request.query.encode();
    let status = if error.is_some() { 400 } else { 200 };
    let mut fields = form.fields;
    if let Some(first_empty) = fields.iter_mut().find(|f| f.value.is_empty()) {
        first_empty.focus = true;
    }
    let template = FormPage {
        page,
        heading: form.heading,
        hint: form.hint,
        action: format!("{}?{query}", form.path),
        form_name: form.form_name,
        hidden: form.hidden,
        fields,
        submit: form.submit,
        error,
        back: Some(format!("/login?{query}")),
    };
    pages::render(&template, &nonce, status, None)
}

fn sign_up_form(username: &str, email: &str) -> Form<'static> {
    let mut fields = vec![
        field("username", "Username", "text", "username"),
        field("email", "Email", "email", "email"),
        field("password", "Password", "password", "new-password"),
    ];
    fields[0].value = username.to_string();
    fields[1].value = email.to_string();
    Form {
        heading: "Sign up",
        hint: "Sign up with a new account".to_string(),
        path: "/signup",
        form_name: "signUpForm",
        hidden: Vec::new(),
        fields,
        submit: "Sign up",
    }
}

fn confirm_form(username: &str, destination: Option<&str>) -> Form<'static> {
    let hint = match destination {
        Some(to) => format!("We have sent a code to {to}. Enter it below to confirm your account."),
        None => "Enter the code we sent you to confirm your account.".to_string(),
    };
    Form {
        heading: "Confirm your account",
        hint,
        path: "/confirmUser",
        form_name: "confirmForm",
        hidden: vec![("username", username.to_string())],
        fields: vec![field("code", "Verification Code", "text", "one-time-code")],
        submit: "Confirm Account",
    }
}

fn forgot_form() -> Form<'static> {
    Form {
        heading: "Forgot your password?",
        hint: "Enter your Username below and we will send a message to reset your password"
            .to_string(),
        path: "/forgotPassword",
        form_name: "forgotPasswordForm",
        hidden: Vec::new(),
        fields: vec![field("username", "Username", "text", "username")],
        submit: "Reset my password",
    }
}

fn reset_form(username: &str, destination: Option<&str>) -> Form<'static> {
    let hint = match destination {
        Some(to) => format!(
            "We have sent a password reset code to {to}. Enter it below to reset your password."
        ),
        None => "Enter the code we sent you to reset your password.".to_string(),
    };
    Form {
        heading: "Reset your password",
        hint,
        path: "/confirmForgotPassword",
        form_name: "confirmForgotPasswordForm",
        hidden: vec![("username", username.to_string())],
        fields: vec![
            field("code", "Code", "text", "one-time-code"),
            field("password", "New Password", "password", "new-password"),
        ],
        submit: "Change Password",
    }
}

/// GET `/signup`.
pub async fn sign_up_page(
    State(state): State<OAuthState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let request = match checked(&state, query).await {
        Ok(request) => request,
        Err(response) => return response,
    };
    if !self_sign_up(&request.pool) {
        return pages::error_page(400, "SignUp is not permitted for this user pool");
    }
    let (csrf, cookie) = cookies::csrf(&state.idp, &headers);
    let page = form_page(&state, &request, csrf, sign_up_form("", ""), None).await;
    with_cookie(page, cookie)
}

/// POST `/signup`: SignUp, then the confirmation page (or sign-in, when no code is needed).
pub async fn sign_up(
    State(state): State<OAuthState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Body,
) -> Response {
    let p = match posted(&state, &headers, query, body).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let username = p.form.get("username").unwrap_or_default().to_string();
    let email = p.form.get("email").unwrap_or_default().to_string();
    let password = p.form.get("password").unwrap_or_default();
    let attributes = vec![("email".to_string(), email.clone())];
    let outcome = state
        .idp
        .hosted_sign_up(&p.request.client, &username, password, attributes)
        .await;
    let response = match outcome {
        Ok(done) if done.confirmed => {
            let said = Said {
                error: None,
                notice: Some("Your account is ready. Sign in to continue."),
            };
            login_page(&state, &p.request, p.csrf, &username, said).await
        }
        Ok(done) => {
            let form = confirm_form(&username, done.destination.as_deref());
            form_page(&state, &p.request, p.csrf, form, None).await
        }
        Err(error) => {
            let form = sign_up_form(&username, &email);
            form_page(&state, &p.request, p.csrf, form, Some(shown(&error))).await
        }
    };
    with_cookie(response, p.cookie)
}

/// POST `/confirmUser`: ConfirmSignUp, then sign-in.
pub async fn confirm(
    State(state): State<OAuthState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Body,
) -> Response {
    let p = match posted(&state, &headers, query, body).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let username = p.form.get("username").unwrap_or_default().to_string();
    let code = p.form.get("code").unwrap_or_default();
    let outcome = state
        .idp
        .hosted_confirm_sign_up(&p.request.client, &username, code)
        .await;
    let response = match outcome {
        Ok(()) => {
            let said = Said {
                error: None,
                notice: Some("Your account has been confirmed. Sign in to continue."),
            };
            login_page(&state, &p.request, p.csrf, &username, said).await
        }
        Err(error) => {
            let form = confirm_form(&username, None);
            form_page(&state, &p.request, p.csrf, form, Some(shown(&error))).await
        }
    };
    with_cookie(response, p.cookie)
}

/// GET `/forgotPassword`.
pub async fn forgot_page(
    State(state): State<OAuthState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let request = match checked(&state, query).await {
        Ok(request) => request,
        Err(response) => return response,
    };
    let (csrf, cookie) = cookies::csrf(&state.idp, &headers);
    let page = form_page(&state, &request, csrf, forgot_form(), None).await;
    with_cookie(page, cookie)
}

/// POST `/forgotPassword`: ForgotPassword, then the reset page.
pub async fn forgot(
    State(state): State<OAuthState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Body,
) -> Response {
    let p = match posted(&state, &headers, query, body).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let username = p.form.get("username").unwrap_or_default().to_string();
    let outcome = state
        .idp
        .hosted_forgot_password(&p.request.client, &username)
        .await;
    let response = match outcome {
        Ok(destination) => {
            let form = reset_form(&username, destination.as_deref());
            form_page(&state, &p.request, p.csrf, form, None).await
        }
        Err(error) => {
            form_page(
                &state,
                &p.request,
                p.csrf,
                forgot_form(),
                Some(shown(&error)),
            )
            .await
        }
    };
    with_cookie(response, p.cookie)
}

/// POST `/confirmForgotPassword`: ConfirmForgotPassword, then sign-in with the new password.
pub async fn reset(
    State(state): State<OAuthState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Body,
) -> Response {
    let p = match posted(&state, &headers, query, body).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let username = p.form.get("username").unwrap_or_default().to_string();
    let code = p.form.get("code").unwrap_or_default();
    let password = p.form.get("password").unwrap_or_default();
    let outcome = state
        .idp
        .hosted_reset_password(&p.request.client, &username, code, password)
        .await;
    let response = match outcome {
        Ok(()) => {
            let said = Said {
                error: None,
                notice: Some("Your password has been reset. Sign in with your new password."),
            };
            login_page(&state, &p.request, p.csrf, &username, said).await
        }
        Err(error) => {
            let form = reset_form(&username, None);
            form_page(&state, &p.request, p.csrf, form, Some(shown(&error))).await
        }
    };
    with_cookie(response, p.cookie)
}
