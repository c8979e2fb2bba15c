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
use crate::i18n::Messages;
use crate::login::{Posted, Said, checked, login_page, page, respond, with_cookie};
use crate::pages::{self, Field, FormPage};
use crate::params::{Pairs, read_page_form};
use crate::sealed::SignUpTicket;

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
struct Submitted {
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
) -> Result<Submitted, Response> {
    let request = checked(state, query).await?;
    let form = read_page_form(headers, body, state.body_limits).await?;
    let (csrf, cookie) = cookies::csrf(&state.idp, headers);
    if !cookies::csrf_ok(headers, form.get("_csrf")) {
        let said = Said {
            error: Some(request.t.session_expired.to_string()),
            notice: None,
        };
        let page = login_page(state, &request, csrf, "", said).await;
        return Err(with_cookie(page, cookie));
    }
    Ok(Submitted {
        request,
        form,
        csrf,
        cookie,
    })
}

/// The message a refused operation shows, in the page's language; never the details of a
/// server error.
fn shown(request: &AuthorizeRequest, error: &ApiError) -> String {
    request.t.error(error)
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
    // The confirmation may end at the app's callback (so the page sets no CSP form-action).
    pages::render(&template, &nonce, status, Some(&request.redirect_uri))
}

fn sign_up_form(t: &'static Messages, username: &str, email: &str) -> Form<'static> {
    let mut fields = vec![
        field("username", t.username, "text", "username"),
        field("email", t.email, "email", "email"),
        field("password", t.password, "password", "new-password"),
    ];
    fields[0].value = username.to_string();
    fields[1].value = email.to_string();
    Form {
        heading: t.sign_up,
        hint: t.sign_up_hint.to_string(),
        path: "/signup",
        form_name: "signUpForm",
        hidden: Vec::new(),
        fields,
        submit: t.sign_up_button,
    }
}

/// The confirmation form; `ticket` (from the sign-up just done here) signs the user in once
/// the code is accepted.
fn confirm_form(
    t: &'static Messages,
    username: &str,
    destination: Option<&str>,
    ticket: Option<String>,
) -> Form<'static> {
    let hint = match destination {
        Some(to) => Messages::fill(t.confirm_hint_to, &[("destination", to)]),
        None => t.confirm_hint.to_string(),
    };
    let mut hidden = vec![("username", username.to_string())];
    hidden.extend(ticket.map(|ticket| ("ticket", ticket)));
    Form {
        heading: t.confirm_account,
        hint,
        path: "/confirmUser",
        form_name: "confirmForm",
        hidden,
        fields: vec![field("code", t.verification_code, "text", "one-time-code")],
        submit: t.confirm_button,
    }
}

fn forgot_form(t: &'static Messages) -> Form<'static> {
    Form {
        heading: t.forgot_password,
        hint: t.forgot_hint.to_string(),
        path: "/forgotPassword",
        form_name: "forgotPasswordForm",
        hidden: Vec::new(),
        fields: vec![field("username", t.username, "text", "username")],
        submit: t.reset_button,
    }
}

fn reset_form(t: &'static Messages, username: &str, destination: Option<&str>) -> Form<'static> {
    let hint = match destination {
        Some(to) => Messages::fill(t.reset_hint_to, &[("destination", to)]),
        None => t.reset_hint.to_string(),
    };
    Form {
        heading: t.reset_password,
        hint,
        path: "/confirmForgotPassword",
        form_name: "confirmForgotPasswordForm",
        hidden: vec![("username", username.to_string())],
        fields: vec![
            field("code", t.code, "text", "one-time-code"),
            field("password", t.new_password, "password", "new-password"),
        ],
        submit: t.change_password_button,
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
    let page = form_page(
        &state,
        &request,
        csrf,
        sign_up_form(request.t, "", ""),
        None,
    )
    .await;
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
                notice: Some(p.request.t.account_ready),
            };
            login_page(&state, &p.request, p.csrf, &username, said).await
        }
        Ok(done) => {
            let ids = (
                p.request.pool.id.as_str(),
                p.request.client.client_id.as_str(),
            );
            let ticket = SignUpTicket::new(&state.idp, ids, &username, &done.sub).seal(&state.idp);
            let form = confirm_form(p.request.t, &username, done.destination.as_deref(), ticket);
            form_page(&state, &p.request, p.csrf, form, None).await
        }
        Err(error) => {
            let form = sign_up_form(p.request.t, &username, &email);
            form_page(
                &state,
                &p.request,
                p.csrf,
                form,
                Some(shown(&p.request, &error)),
            )
            .await
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
    let ticket = p.form.get("ticket").map(str::to_string);
    let response = match outcome {
        Ok(()) => match ticket.and_then(|t| opened_ticket(&state, &p.request, &t, &username)) {
            Some(ticket) => sign_in_confirmed(&state, &p, ticket).await,
            None => {
                let said = Said {
                    error: None,
                    notice: Some(p.request.t.account_confirmed),
                };
                login_page(&state, &p.request, p.csrf, &username, said).await
            }
        },
        Err(error) => {
            let message = Some(shown(&p.request, &error));
            let form = confirm_form(p.request.t, &username, None, ticket);
            form_page(&state, &p.request, p.csrf, form, message).await
        }
    };
    with_cookie(response, p.cookie)
}

fn opened_ticket(
    state: &OAuthState,
    request: &AuthorizeRequest,
    text: &str,
    username: &str,
) -> Option<SignUpTicket> {
    let ids = (request.pool.id.as_str(), request.client.client_id.as_str());
    SignUpTicket::open(&state.idp, text, ids, username)
}

/// A confirmation in the browser that signed up: the new user is signed in (MFA and all, as
/// after a password) and sent to the app's callback, as AWS's hosted UI does.
async fn sign_in_confirmed(state: &OAuthState, p: &Submitted, ticket: SignUpTicket) -> Response {
    let request = &p.request;
    let outcome = state
        .idp
        .hosted_sign_in_after_sign_up(
            &request.pool,
            &request.client,
            &ticket.username,
            &ticket.sub,
        )
        .await;
    let posted = Posted {
        request,
        form: &p.form,
        csrf: p.csrf.clone(),
        username: &ticket.username,
    };
    respond(state, posted, outcome).await
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
    let page = form_page(&state, &request, csrf, forgot_form(request.t), None).await;
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
            let form = reset_form(p.request.t, &username, destination.as_deref());
            form_page(&state, &p.request, p.csrf, form, None).await
        }
        Err(error) => {
            form_page(
                &state,
                &p.request,
                p.csrf,
                forgot_form(p.request.t),
                Some(shown(&p.request, &error)),
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
                notice: Some(p.request.t.password_was_reset),
            };
            login_page(&state, &p.request, p.csrf, &username, said).await
        }
        Err(error) => {
            let form = reset_form(p.request.t, &username, None);
            form_page(
                &state,
                &p.request,
                p.csrf,
                form,
                Some(shown(&p.request, &error)),
            )
            .await
        }
    };
    with_cookie(response, p.cookie)
}
