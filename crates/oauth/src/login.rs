//! `/login`: the sign-in form (GET) and its submission (POST), then the challenge pages the
//! sign-in code asks for (new password, TOTP, SMS and email codes, and the steps of
//! choice-based sign-in in `choice`). The authorization request rides in the query string, as
//! on AWS, and is checked again on every step.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use cognate_awsjson::ApiError;
use cognate_idp::auth::hosted::HostedOutcome;
use cognate_model::idp::ChallengeNameType;

use crate::authorize::{self, AuthorizeRequest};
use crate::cookies::{self, HostedSession, SESSION_SECS};
use crate::pages::{self, ChallengePage, LoginPage, MfaSetupPage, Page};
use crate::params::{Pairs, read_page_form};
use crate::{OAuthState, choice, grants};

pub async fn checked(
    state: &OAuthState,
    query: Option<String>,
) -> Result<AuthorizeRequest, Response> {
    let query = Pairs::parse(query.unwrap_or_default().as_bytes());
    authorize::check(&state.idp, query)
        .await
        .map_err(authorize::Refusal::response)
}

pub fn action(request: &AuthorizeRequest) -> String {
    format!("/login?{}", request.query.encode())
}

pub async fn page(state: &OAuthState, request: &AuthorizeRequest, csrf: String) -> Page {
    let ids = (&request.pool.id, &request.client.client_id);
    Page::for_client(&state.idp, ids, csrf, request.t).await
}

pub fn with_cookie(mut response: Response, cookie: Option<axum::http::HeaderValue>) -> Response {
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// What the sign-in page shows besides the form.
#[derive(Default)]
pub struct Said<'a> {
    pub error: Option<String>,
    pub notice: Option<&'a str>,
}

/// The sign-in page: name and password, or (choice-based sign-in) the name first.
pub async fn login_page(
    state: &OAuthState,
    request: &AuthorizeRequest,
    csrf: String,
    username: &str,
    said: Said<'_>,
) -> Response {
    let page = page(state, request, csrf).await;
    let nonce = page.nonce.clone();
    let action = action(request);
    let status = if said.error.is_some() { 400 } else { 200 };
    let query = request.query.encode();
    let template = LoginPage {
        page,
        action: &action,
        username,
        error: said.error,
        notice: said.notice,
        forgot: format!("/forgotPassword?{query}"),
        signup: crate::account::self_sign_up(&request.pool).then(|| format!("/signup?{query}")),
        choice: choice::is_choice_based(request),
        providers: crate::federation::links(request),
    };
    pages::render(&template, &nonce, status, Some(&request.redirect_uri))
}

/// GET `/login`.
pub async fn show(
    State(state): State<OAuthState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let request = match checked(&state, query).await {
        Ok(request) => request,
        Err(response) => return response,
    };
    let (csrf, cookie) = cookies::csrf(&state.idp, &headers);
    with_cookie(
        login_page(&state, &request, csrf, "", Said::default()).await,
        cookie,
    )
}

/// A sign-in step posted from a page: the request, the form and the browser's CSRF token.
pub struct Posted<'a> {
    pub request: &'a AuthorizeRequest,
    pub form: &'a Pairs,
    pub csrf: String,
    pub username: &'a str,
}

/// POST `/login`: a password, a name (choice-based sign-in), or a challenge's answer.
pub async fn submit(
    State(state): State<OAuthState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Body,
) -> Response {
    let request = match checked(&state, query).await {
        Ok(request) => request,
        Err(response) => return response,
    };
    let form = match read_page_form(&headers, body, state.body_limits).await {
        Ok(form) => form,
        Err(page) => return page,
    };
    let (csrf, cookie) = cookies::csrf(&state.idp, &headers);
    if !cookies::csrf_ok(&headers, form.get("_csrf")) {
        let said = Said {
            error: Some(request.t.session_expired.to_string()),
            notice: None,
        };
        return with_cookie(login_page(&state, &request, csrf, "", said).await, cookie);
    }
    let username = form.get("username").unwrap_or_default().to_string();
    let posted = Posted {
        request: &request,
        form: &form,
        csrf,
        username: &username,
    };
    let outcome = match (form.get("challenge"), form.get("flow")) {
        (None, Some("USER_AUTH")) => choice::start(&state, &request, &username).await,
        (None, _) => {
            let password = form.get("password").unwrap_or_default();
            state
                .idp
                .hosted_password_sign_in(&request.pool, &request.client, &username, password)
                .await
        }
        (Some("SELECT_CHALLENGE"), _) if choice::wants_password_page(&form) => {
            let session = form.get("session").unwrap_or_default();
            let step = ("SELECT_CHALLENGE", session);
            let page = choice::password_page(&state, &posted, step, None).await;
            return with_cookie(page, cookie);
        }
        (Some(name), _) => answer(&state, &request, &form, name, &username).await,
    };
    with_cookie(respond(&state, posted, outcome).await, cookie)
}

/// The page that follows a sign-in step: the callback, the next challenge, or the step again
/// with the sign-in code's refusal.
pub async fn respond(
    state: &OAuthState,
    posted: Posted<'_>,
    outcome: Result<HostedOutcome, ApiError>,
) -> Response {
    let (request, t) = (posted.request, posted.request.t);
    match outcome {
        Ok(HostedOutcome::SignedIn {
            username,
            auth_time,
        }) => signed_in(state, request, username, auth_time).await,
        Ok(HostedOutcome::Challenge {
            name: ChallengeNameType::MfaSetup,
            session,
            ..
        }) => mfa_setup_page(state, &posted, &session).await,
        Ok(HostedOutcome::Challenge {
            name: name @ (ChallengeNameType::SelectChallenge | ChallengeNameType::Password),
            session,
            available,
            ..
        }) => choice::step_page(state, &posted, (&name, &session), &available).await,
        Ok(HostedOutcome::Challenge {
            name,
            session,
            parameters,
            ..
        }) => {
            let step = Step {
                name: &name,
                session: &session,
                choices: mfa_choices(parameters.get("MFAS_CAN_CHOOSE")),
                destination: parameters.get("CODE_DELIVERY_DESTINATION").cloned(),
            };
            challenge_page(state, &posted, step, None).await
        }
        Err(error) if error.status.is_server_error() => {
            pages::error_page(500, "An internal error occurred.")
        }
        Err(error) => refused(state, posted, &error, t.error(&error)).await,
    }
}

/// The step that was refused, again with the refusal; a wrong password or a refusal of the
/// first step goes back to the sign-in page.
async fn refused(
    state: &OAuthState,
    posted: Posted<'_>,
    error: &ApiError,
    message: String,
) -> Response {
    let form = posted.form;
    let wrong_secret = error.code == "NotAuthorizedException";
    match form.get("challenge") {
        Some("MFA_SETUP") if !wrong_secret => {
            let again = SetupAgain {
                session: form.get("session").unwrap_or_default(),
                secret: form.get("secret").unwrap_or_default(),
                error: message,
            };
            setup_page(state, &posted, again).await
        }
        Some("SELECT_CHALLENGE" | "PASSWORD") if form.get("password").is_some() => {
            choice::password_again(state, &posted, message).await
        }
        Some(name) if name != "SELECT_CHALLENGE" && !wrong_secret => {
            let name = challenge_name(name);
            let step = Step {
                name: &name,
                session: form.get("session").unwrap_or_default(),
                choices: form
                    .get("choices")
                    .unwrap_or_default()
                    .split_whitespace()
                    .map(str::to_string)
                    .collect(),
                destination: None,
            };
            challenge_page(state, &posted, step, Some(message)).await
        }
        _ => {
            let said = Said {
                error: Some(message),
                notice: None,
            };
            login_page(state, posted.request, posted.csrf, posted.username, said).await
        }
    }
}

pub fn challenge_name(name: &str) -> ChallengeNameType {
    serde_json::from_value(serde_json::Value::String(name.to_string()))
        .unwrap_or(ChallengeNameType::SoftwareTokenMfa)
}

/// The response name the sign-in code expects for a challenge's one answer.
fn answer_name(challenge: &ChallengeNameType) -> Option<&'static str> {
    match challenge {
        ChallengeNameType::NewPasswordRequired => Some("NEW_PASSWORD"),
        ChallengeNameType::SoftwareTokenMfa => Some("SOFTWARE_TOKEN_MFA_CODE"),
        ChallengeNameType::SmsMfa => Some("SMS_MFA_CODE"),
        ChallengeNameType::EmailOtp => Some("EMAIL_OTP_CODE"),
        ChallengeNameType::SmsOtp => Some("SMS_OTP_CODE"),
        ChallengeNameType::SelectMfaType | ChallengeNameType::SelectChallenge => Some("ANSWER"),
        ChallengeNameType::Password => Some("PASSWORD"),
        _ => None,
    }
}

async fn answer(
    state: &OAuthState,
    request: &AuthorizeRequest,
    form: &Pairs,
    name: &str,
    username: &str,
) -> Result<HostedOutcome, ApiError> {
    let challenge = challenge_name(name);
    let session = form.get("session").unwrap_or_default();
    if challenge == ChallengeNameType::MfaSetup {
        let code = form.get("answer").unwrap_or_default();
        let (pool, client) = (&request.pool, &request.client);
        return state
            .idp
            .hosted_finish_mfa_setup(pool, client, session, username, code)
            .await;
    }
    let answer = answer_name(&challenge).ok_or_else(|| {
        cognate_model::idp::ErrorCode::UnsupportedOperationException
            .msg("This step is not available on the hosted pages.")
    })?;
    // The password step names its input `password`, as password managers expect.
    let value = match challenge {
        ChallengeNameType::Password => form.get("password"),
        _ => form.get("answer"),
    };
    let mut answers = vec![(answer.to_string(), value.unwrap_or_default().to_string())];
    if challenge == ChallengeNameType::SelectChallenge
        && let Some(password) = form.get("password")
    {
        answers.push(("PASSWORD".to_string(), password.to_string()));
    }
    state
        .idp
        .hosted_respond(
            &request.pool,
            &request.client,
            &challenge,
            session,
            username,
            answers,
        )
        .await
}

async fn signed_in(
    state: &OAuthState,
    request: &AuthorizeRequest,
    username: String,
    auth_time: i64,
) -> Response {
    let session = HostedSession {
        pool_id: request.pool.id.to_string(),
        username,
        auth_time,
        expires_at: state.idp.clock.now().secs() + SESSION_SECS,
    };
    let response = match grants::complete(&state.idp, request, &session).await {
        Ok(response) => response,
        Err(error) if error.status >= 500 => pages::error_page(500, "An internal error occurred."),
        Err(_) => return pages::error_page(400, request.t.cannot_sign_in_here),
    };
    with_cookie(response, cookies::session_cookie(&state.idp, &session))
}

/// The challenge a page shows: its name, session, for SELECT_MFA_TYPE the factors offered,
/// and where a code went.
struct Step<'a> {
    name: &'a ChallengeNameType,
    session: &'a str,
    choices: Vec<String>,
    destination: Option<String>,
}

/// SELECT_MFA_TYPE's `MFAS_CAN_CHOOSE` (a JSON list, e.g. `["SMS_MFA","SOFTWARE_TOKEN_MFA"]`).
fn mfa_choices(parameter: Option<&String>) -> Vec<String> {
    parameter
        .and_then(|text| serde_json::from_str::<Vec<String>>(text).ok())
        .unwrap_or_default()
}

/// How the hosted UI names an MFA factor.
fn factor_label(t: &'static crate::i18n::Messages, factor: &str) -> &'static str {
    match factor {
        "SMS_MFA" => t.factor_sms,
        "SOFTWARE_TOKEN_MFA" => t.factor_totp,
        "EMAIL_OTP" => t.factor_email,
        _ => "Other",
    }
}

/// A code step's hint: where the code went, when the sign-in code says.
fn code_hint(t: &'static crate::i18n::Messages, general: &str, to: Option<&str>) -> String {
    match to {
        Some(to) => crate::i18n::Messages::fill(t.code_sent_to, &[("destination", to)]),
        None => general.to_string(),
    }
}

async fn challenge_page(
    state: &OAuthState,
    posted: &Posted<'_>,
    step: Step<'_>,
    error: Option<String>,
) -> Response {
    let (request, t) = (posted.request, posted.request.t);
    let to = step.destination.as_deref();
    let (heading, hint, label, secret) = match step.name {
        ChallengeNameType::SelectMfaType => (
            t.choose_mfa,
            t.choose_mfa_hint.to_string(),
            t.mfa_method,
            false,
        ),
        ChallengeNameType::NewPasswordRequired => (
            t.change_password,
            t.change_password_hint.to_string(),
            t.new_password,
            true,
        ),
        ChallengeNameType::SoftwareTokenMfa => (
            t.mfa_heading,
            t.totp_hint.to_string(),
            t.authentication_code,
            false,
        ),
        ChallengeNameType::SmsMfa | ChallengeNameType::SmsOtp => {
            (t.check_phone, code_hint(t, t.sms_hint, to), t.code, false)
        }
        ChallengeNameType::EmailOtp => {
            (t.check_email, code_hint(t, t.email_hint, to), t.code, false)
        }
        _ => return pages::error_page(400, t.step_unavailable),
    };
    let page = page(state, request, posted.csrf.clone()).await;
    let nonce = page.nonce.clone();
    let action = action(request);
    let status = if error.is_some() { 400 } else { 200 };
    let template = ChallengePage {
        page,
        action: &action,
        heading,
        hint: &hint,
        label,
        secret,
        challenge: step.name.as_str(),
        session: step.session,
        username: posted.username,
        error,
        choice_list: step.choices.join(" "),
        choices: step
            .choices
            .iter()
            .map(|c| (c.clone(), factor_label(t, c)))
            .collect(),
    };
    pages::render(&template, &nonce, status, Some(&request.redirect_uri))
}

/// MFA_SETUP: a new authenticator secret for the sign-in, then its page.
async fn mfa_setup_page(state: &OAuthState, posted: &Posted<'_>, session: &str) -> Response {
    match state.idp.hosted_associate_token(session).await {
        Ok((secret, next)) => {
            let fresh = SetupAgain {
                session: &next,
                secret: &secret,
                error: String::new(),
            };
            setup_page(state, posted, fresh).await
        }
        Err(error) if error.status.is_server_error() => {
            pages::error_page(500, "An internal error occurred.")
        }
        Err(error) => {
            let said = Said {
                error: Some(posted.request.t.error(&error)),
                notice: None,
            };
            let csrf = posted.csrf.clone();
            login_page(state, posted.request, csrf, posted.username, said).await
        }
    }
}

/// The set-up page's state: its session and secret, and the error of a refused code.
struct SetupAgain<'a> {
    session: &'a str,
    secret: &'a str,
    error: String,
}

async fn setup_page(state: &OAuthState, posted: &Posted<'_>, setup: SetupAgain<'_>) -> Response {
    let request = posted.request;
    let issuer = request.pool.name.clone();
    let Some(qr_data_url) = pages::totp_qr(&issuer, posted.username, setup.secret) else {
        return pages::error_page(500, "An internal error occurred.");
    };
    let page = page(state, request, posted.csrf.clone()).await;
    let nonce = page.nonce.clone();
    let action = action(request);
    let status = if setup.error.is_empty() { 200 } else { 400 };
    let template = MfaSetupPage {
        page,
        action: &action,
        qr_data_url,
        secret: setup.secret,
        session: setup.session,
        username: posted.username,
        error: (!setup.error.is_empty()).then_some(setup.error),
    };
    pages::render(&template, &nonce, status, Some(&request.redirect_uri))
}
