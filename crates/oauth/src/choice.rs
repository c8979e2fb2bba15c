//! Choice-based sign-in on the pages, as AWS's managed login runs it when the pool's
//! SignInPolicy allows first factors beyond PASSWORD and the app client allows
//! ALLOW_USER_AUTH: the name first (USER_AUTH through `cognate-idp`, as InitiateAuth runs it),
//! then the factors the user may pick from (SELECT_CHALLENGE's `AvailableChallenges`), then the
//! password or the code page. One factor only is taken at once.
//!
//! The password step keeps the choice's session and answers SELECT_CHALLENGE with `ANSWER`
//! PASSWORD and the password, as a client of the API does; a wrong password starts a PASSWORD
//! step again (USER_AUTH with PREFERRED_CHALLENGE), the choice's session being used up.
//! PASSWORD_SRP needs a client-side computation and is not offered here; WEB_AUTHN (passkeys)
//! would need JavaScript and is not offered by the sign-in code at all.

use axum::response::Response;
use cognate_awsjson::ApiError;
use cognate_idp::auth::hosted::HostedOutcome;
use cognate_idp::auth::user_auth::allowed_first_factors;
use cognate_model::idp::{AuthFactorType, AuthFlowType, ChallengeNameType};

use crate::OAuthState;
use crate::authorize::AuthorizeRequest;
use crate::i18n::Messages;
use crate::login::{Posted, Said, action, login_page, page};
use crate::pages::{self, ChallengePage, PasswordPage};
use crate::params::Pairs;

/// Whether the pages sign in by choice: the pool allows a first factor beyond PASSWORD and the
/// client allows USER_AUTH.
pub fn is_choice_based(request: &AuthorizeRequest) -> bool {
    allowed_first_factors(&request.pool)
        .iter()
        .any(|factor| *factor != AuthFactorType::Password)
        && cognate_idp::auth::flow_enabled(&request.client, &AuthFlowType::UserAuth)
}

/// The factors the pages offer, of those the sign-in code makes available.
fn page_factors(available: &[ChallengeNameType]) -> Vec<ChallengeNameType> {
    available
        .iter()
        .copied()
        .filter(|factor| {
            matches!(
                factor,
                ChallengeNameType::Password
                    | ChallengeNameType::EmailOtp
                    | ChallengeNameType::SmsOtp
            )
        })
        .collect()
}

fn factor_label(t: &'static Messages, factor: ChallengeNameType) -> &'static str {
    match factor {
        ChallengeNameType::EmailOtp => t.factor_email_otp,
        ChallengeNameType::SmsOtp => t.factor_sms_otp,
        _ => t.factor_password,
    }
}

/// The name step: USER_AUTH for `username`, as InitiateAuth runs it.
pub async fn start(
    state: &OAuthState,
    request: &AuthorizeRequest,
    username: &str,
) -> Result<HostedOutcome, ApiError> {
    let (pool, client) = (&request.pool, &request.client);
    state
        .idp
        .hosted_user_auth(pool, client, username, None)
        .await
}

/// Whether a choice posted PASSWORD without one: the password page comes next.
pub fn wants_password_page(form: &Pairs) -> bool {
    form.get("answer") == Some("PASSWORD") && form.get("password").is_none()
}

/// The page of a choice-based step: the choice, or the password (alone offered, or asked for).
pub async fn step_page(
    state: &OAuthState,
    posted: &Posted<'_>,
    (name, session): (&ChallengeNameType, &str),
    available: &[ChallengeNameType],
) -> Response {
    if *name == ChallengeNameType::Password {
        return password_page(state, posted, ("PASSWORD", session), None).await;
    }
    let factors = page_factors(available);
    match factors.as_slice() {
        [] => pages::error_page(400, posted.request.t.step_unavailable),
        [ChallengeNameType::Password] => {
            password_page(state, posted, ("SELECT_CHALLENGE", session), None).await
        }
        _ => choice_page(state, posted, session, &factors).await,
    }
}

/// SELECT_CHALLENGE: the factors as radio buttons.
async fn choice_page(
    state: &OAuthState,
    posted: &Posted<'_>,
    session: &str,
    factors: &[ChallengeNameType],
) -> Response {
    let (request, t) = (posted.request, posted.request.t);
    let page = page(state, request, posted.csrf.clone()).await;
    let nonce = page.nonce.clone();
    let action = action(request);
    // Who is signing in above the question, so the page does not ask it twice.
    let hint = Messages::fill(t.signing_in_as, &[("username", posted.username)]);
    let template = ChallengePage {
        page,
        action: &action,
        heading: t.choose_method,
        hint: &hint,
        label: t.choose_method_hint,
        secret: false,
        challenge: ChallengeNameType::SelectChallenge.as_str(),
        session,
        username: posted.username,
        error: None,
        choice_list: factors
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        choices: factors
            .iter()
            .map(|f| (f.as_str().to_string(), factor_label(t, *f)))
            .collect(),
    };
    pages::render(&template, &nonce, 200, Some(&request.redirect_uri))
}

/// The password step of `challenge` (SELECT_CHALLENGE answered with PASSWORD, or PASSWORD).
pub async fn password_page(
    state: &OAuthState,
    posted: &Posted<'_>,
    (challenge, session): (&str, &str),
    error: Option<String>,
) -> Response {
    let (request, t) = (posted.request, posted.request.t);
    let page = page(state, request, posted.csrf.clone()).await;
    let nonce = page.nonce.clone();
    let action = action(request);
    let query = request.query.encode();
    let status = if error.is_some() { 400 } else { 200 };
    let template = PasswordPage {
        page,
        action: &action,
        signing_in_as: Messages::fill(t.signing_in_as, &[("username", posted.username)]),
        challenge,
        session,
        username: posted.username,
        error,
        forgot: format!("/forgotPassword?{query}"),
        restart: format!("/login?{query}"),
    };
    pages::render(&template, &nonce, status, Some(&request.redirect_uri))
}

/// A refused password: the password step again, under a new PASSWORD session (the refused
/// one is used up), with the refusal; the sign-in page when even that is refused.
pub async fn password_again(state: &OAuthState, posted: &Posted<'_>, message: String) -> Response {
    let request = posted.request;
    let restarted = state
        .idp
        .hosted_user_auth(
            &request.pool,
            &request.client,
            posted.username,
            Some(ChallengeNameType::Password),
        )
        .await;
    if let Ok(HostedOutcome::Challenge {
        name: ChallengeNameType::Password,
        session,
        ..
    }) = restarted
    {
        return password_page(state, posted, ("PASSWORD", &session), Some(message)).await;
    }
    let said = Said {
        error: Some(message),
        notice: None,
    };
    login_page(state, request, posted.csrf.clone(), posted.username, said).await
}
