//! `/login`: the sign-in form (GET) and its submission (POST), then the challenge pages the
//! sign-in code asks for (new password, TOTP, SMS and email codes). The authorization request
//! rides in the query string, as on AWS, and is checked again on every step.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use cognate_idp::auth::hosted::HostedOutcome;
use cognate_model::idp::ChallengeNameType;

use crate::authorize::{self, AuthorizeRequest};
use crate::cookies::{self, HostedSession, SESSION_SECS};
use crate::pages::{self, ChallengePage, LoginPage, MfaSetupPage, Page};
use crate::params::{Pairs, read_body};
use crate::{OAuthState, grants};

pub async fn checked(
    state: &OAuthState,
    query: Option<String>,
) -> Result<AuthorizeRequest, Response> {
    let query = Pairs::parse(query.unwrap_or_default().as_bytes());
    authorize::check(&state.idp, query)
        .await
        .map_err(authorize::Refusal::response)
}

fn action(request: &AuthorizeRequest) -> String {
    format!("/login?{}", request.query.encode())
}

pub async fn page(state: &OAuthState, request: &AuthorizeRequest, csrf: String) -> Page {
    Page::for_client(
        &state.idp,
        &request.pool.id,
        &request.client.client_id,
        csrf,
    )
    .await
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

/// POST `/login`: a password, or a challenge's answer.
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
    let form = match read_body(body, state.max_body_bytes).await {
        Ok(bytes) => Pairs::parse(&bytes),
        Err(_) => return pages::error_page(413, "The form is too large."),
    };
    let (csrf, cookie) = cookies::csrf(&state.idp, &headers);
    if !cookies::csrf_ok(&headers, form.get("_csrf")) {
        let said = Said {
            error: Some("Your session has expired. Please sign in again.".to_string()),
            notice: None,
        };
        return with_cookie(login_page(&state, &request, csrf, "", said).await, cookie);
    }
    let username = form.get("username").unwrap_or_default().to_string();
    let outcome = match form.get("challenge") {
        None => {
            let password = form.get("password").unwrap_or_default();
            state
                .idp
                .hosted_password_sign_in(&request.pool, &request.client, &username, password)
                .await
        }
        Some(name) => answer(&state, &request, &form, name, &username).await,
    };
    let response = match outcome {
        Ok(HostedOutcome::SignedIn {
            username,
            auth_time,
        }) => signed_in(&state, &request, username, auth_time).await,
        Ok(HostedOutcome::Challenge {
            name: ChallengeNameType::MfaSetup,
            session,
            ..
        }) => mfa_setup_page(&state, &request, csrf, &session, &username).await,
        Ok(HostedOutcome::Challenge {
            name,
            session,
            parameters,
        }) => {
            let step = Step {
                name: &name,
                session: &session,
                choices: mfa_choices(parameters.get("MFAS_CAN_CHOOSE")),
            };
            challenge_page(&state, &request, csrf, step, &username, None).await
        }
        Err(error) if error.status.is_server_error() => {
            pages::error_page(500, "An internal error occurred.")
        }
        Err(error) => match form.get("challenge") {
            Some("MFA_SETUP") if error.code != "NotAuthorizedException" => {
                let again = SetupAgain {
                    session: form.get("session").unwrap_or_default(),
                    secret: form.get("secret").unwrap_or_default(),
                    error: error.message.clone(),
                };
                setup_page(&state, &request, csrf, &username, again).await
            }
            Some(name) if error.code != "NotAuthorizedException" => {
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
                };
                let message = Some(error.message.clone());
                challenge_page(&state, &request, csrf, step, &username, message).await
            }
            _ => {
                let said = Said {
                    error: Some(error.message),
                    notice: None,
                };
                login_page(&state, &request, csrf, &username, said).await
            }
        },
    };
    with_cookie(response, cookie)
}

fn challenge_name(name: &str) -> ChallengeNameType {
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
        ChallengeNameType::SelectMfaType => Some("ANSWER"),
        _ => None,
    }
}

async fn answer(
    state: &OAuthState,
    request: &AuthorizeRequest,
    form: &Pairs,
    name: &str,
    username: &str,
) -> Result<HostedOutcome, cognate_awsjson::ApiError> {
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
    let answers = vec![(
        answer.to_string(),
        form.get("answer").unwrap_or_default().to_string(),
    )];
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
        Err(_) => return pages::error_page(400, "This account cannot sign in here."),
    };
    with_cookie(response, cookies::session_cookie(&state.idp, &session))
}

/// The challenge a page shows: its name, session, and for SELECT_MFA_TYPE the factors offered.
struct Step<'a> {
    name: &'a ChallengeNameType,
    session: &'a str,
    choices: Vec<String>,
}

/// SELECT_MFA_TYPE's `MFAS_CAN_CHOOSE` (a JSON list, e.g. `["SMS_MFA","SOFTWARE_TOKEN_MFA"]`).
fn mfa_choices(parameter: Option<&String>) -> Vec<String> {
    parameter
        .and_then(|text| serde_json::from_str::<Vec<String>>(text).ok())
        .unwrap_or_default()
}

/// How the hosted UI names a factor.
fn factor_label(factor: &str) -> &'static str {
    match factor {
        "SMS_MFA" => "Text message (SMS)",
        "SOFTWARE_TOKEN_MFA" => "Authenticator app",
        "EMAIL_OTP" => "Email",
        _ => "Other",
    }
}

async fn challenge_page(
    state: &OAuthState,
    request: &AuthorizeRequest,
    csrf: String,
    step: Step<'_>,
    username: &str,
    error: Option<String>,
) -> Response {
    let (heading, hint, label, secret) = match step.name {
        ChallengeNameType::SelectMfaType => (
            "Choose an MFA method",
            "Choose how you want to receive your sign-in code.",
            "MFA method",
            false,
        ),
        ChallengeNameType::NewPasswordRequired => (
            "Change password",
            "Please enter a new password.",
            "New password",
            true,
        ),
        ChallengeNameType::SoftwareTokenMfa => (
            "Multi-factor authentication",
            "Enter the code from your authenticator app.",
            "Authentication code",
            false,
        ),
        ChallengeNameType::SmsMfa | ChallengeNameType::SmsOtp => (
            "Check your phone",
            "We texted you a code. Enter it below.",
            "Code",
            false,
        ),
        ChallengeNameType::EmailOtp => (
            "Check your email",
            "We emailed you a code. Enter it below.",
            "Code",
            false,
        ),
        _ => {
            return pages::error_page(
                400,
                "This account needs a sign-in step the hosted pages do not offer yet.",
            );
        }
    };
    let page = page(state, request, csrf).await;
    let nonce = page.nonce.clone();
    let action = action(request);
    let template = ChallengePage {
        page,
        action: &action,
        heading,
        hint,
        label,
        secret,
        challenge: step.name.as_str(),
        session: step.session,
        username,
        error,
        choice_list: step.choices.join(" "),
        choices: step
            .choices
            .iter()
            .map(|c| (c.clone(), factor_label(c)))
            .collect(),
    };
    pages::render(&template, &nonce, 200, Some(&request.redirect_uri))
}

/// MFA_SETUP: a new authenticator secret for the sign-in, then its page.
async fn mfa_setup_page(
    state: &OAuthState,
    request: &AuthorizeRequest,
    csrf: String,
    session: &str,
    username: &str,
) -> Response {
    match state.idp.hosted_associate_token(session).await {
        Ok((secret, next)) => {
            let fresh = SetupAgain {
                session: &next,
                secret: &secret,
                error: String::new(),
            };
            setup_page(state, request, csrf, username, fresh).await
        }
        Err(error) if error.status.is_server_error() => {
            pages::error_page(500, "An internal error occurred.")
        }
        Err(error) => {
            let said = Said {
                error: Some(error.message),
                notice: None,
            };
            login_page(state, request, csrf, username, said).await
        }
    }
}

/// The set-up page's state: its session and secret, and the error of a refused code.
struct SetupAgain<'a> {
    session: &'a str,
    secret: &'a str,
    error: String,
}

async fn setup_page(
    state: &OAuthState,
    request: &AuthorizeRequest,
    csrf: String,
    username: &str,
    setup: SetupAgain<'_>,
) -> Response {
    let issuer = request.pool.name.clone();
    let Some(qr_data_url) = pages::totp_qr(&issuer, username, setup.secret) else {
        return pages::error_page(500, "An internal error occurred.");
    };
    let page = page(state, request, csrf).await;
    let nonce = page.nonce.clone();
    let action = action(request);
    let status = if setup.error.is_empty() { 200 } else { 400 };
    let template = MfaSetupPage {
        page,
        action: &action,
        qr_data_url,
        secret: setup.secret,
        session: setup.session,
        username,
        error: (!setup.error.is_empty()).then_some(setup.error),
    };
    pages::render(&template, &nonce, status, Some(&request.redirect_uri))
}
