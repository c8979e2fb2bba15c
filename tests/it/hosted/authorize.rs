//! `/oauth2/authorize`'s refusals (an error page when the client or redirect URI cannot be
//! trusted, else an error redirect with `state`), the silent second sign-in with the hosted
//! session, and `/logout`.

use cognate_testkit::{PASSWORD, TestApp, backend_tests};

use super::{Authorize, Browser, CALLBACK, LOGOUT, STATE, callback_code, hosted_pool};

backend_tests!(
    untrusted_clients_and_redirects_get_an_error_page,
    bad_requests_are_redirected_with_their_state,
    a_second_authorize_signs_in_silently,
    logout_ends_the_session,
);

async fn untrusted_clients_and_redirects_get_an_error_page(app: TestApp) {
    let (_, client_id) = hosted_pool(&app).await;
    let browser = Browser::new(&app);
    let cases = [
        Authorize::code("unknownclient1234567890abc"),
        Authorize::code(&client_id).set("redirect_uri", "https://evil.example/callback"),
        Authorize::code(&client_id).without("redirect_uri"),
        Authorize::code(&client_id).without("client_id"),
    ];
    for case in cases {
        let page = browser.get(&case.path()).await;
        assert_eq!(page.status, 400, "{}", case.path());
        assert!(page.location.is_none(), "never redirected: {}", case.path());
        assert!(page.body.contains("role=\"alert\""));
        assert!(!page.body.contains("evil.example"));
    }
    // /login checks the request again.
    let login = Authorize::code(&client_id)
        .set("redirect_uri", "https://evil.example/callback")
        .path()
        .replace("/oauth2/authorize", "/login");
    let page = browser.get(&login).await;
    assert_eq!((page.status, page.location.is_none()), (400, true));
}

async fn bad_requests_are_redirected_with_their_state(app: TestApp) {
    let (_, client_id) = hosted_pool(&app).await;
    let browser = Browser::new(&app);
    let base = || Authorize::code(&client_id);
    let cases = [
        (base().without("response_type"), "invalid_request"),
        (
            base().set("response_type", "id_token"),
            "unsupported_response_type",
        ),
        // The client allows the code flow only.
        (base().set("response_type", "token"), "unauthorized_client"),
        (
            base().set("scope", "openid admin:everything"),
            "invalid_scope",
        ),
        (
            base().set("code_challenge_method", "plain"),
            "invalid_request",
        ),
        (base().without("code_challenge_method"), "invalid_request"),
        (base().without("code_challenge"), "invalid_request"),
        (base().set("identity_provider", "Google"), "invalid_request"),
    ];
    for (case, error) in cases {
        let page = browser.get(&case.path()).await;
        assert_eq!(page.status, 302, "{}", case.path());
        let location = page.location.clone().unwrap();
        assert!(location.starts_with(CALLBACK), "{location}");
        assert_eq!(page.param("error").as_deref(), Some(error), "{location}");
        assert!(page.param("error_description").is_some());
        assert_eq!(page.param("state").as_deref(), Some(STATE));
        assert!(page.param("code").is_none());
    }
    // Without PKCE at all, a public client may still sign in.
    let plain = base()
        .without("code_challenge")
        .without("code_challenge_method");
    let page = browser.get(&plain.path()).await;
    assert!(page.location.unwrap().starts_with("/login?"));
}

async fn a_second_authorize_signs_in_silently(app: TestApp) {
    let (_, client_id) = hosted_pool(&app).await;
    let browser = Browser::new(&app);
    let first = browser
        .sign_in(&Authorize::code(&client_id), "alice", PASSWORD)
        .await;
    let again = browser.get(&Authorize::code(&client_id).path()).await;
    let second = callback_code(&again);
    assert_ne!(first, second);
    // prompt=login asks for the password again.
    let forced = browser
        .get(&Authorize::code(&client_id).set("prompt", "login").path())
        .await;
    assert!(forced.location.unwrap().starts_with("/login?"));
    // Another browser has no session.
    let other = Browser::new(&app);
    let page = other.get(&Authorize::code(&client_id).path()).await;
    assert!(page.location.unwrap().starts_with("/login?"));
}

async fn logout_ends_the_session(app: TestApp) {
    let (_, client_id) = hosted_pool(&app).await;
    let browser = Browser::new(&app);
    browser
        .sign_in(&Authorize::code(&client_id), "alice", PASSWORD)
        .await;
    assert!(browser.cookie("cognito").is_some());
    let unregistered = browser
        .get(&format!(
            "/logout?client_id={client_id}&logout_uri=https%3A%2F%2Fevil.example%2F"
        ))
        .await;
    assert_eq!(unregistered.status, 400);
    assert!(unregistered.location.is_none());
    assert!(
        browser.cookie("cognito").is_some(),
        "a refused logout keeps the session"
    );
    let encoded: String = url_param(LOGOUT);
    let out = browser
        .get(&format!(
            "/logout?client_id={client_id}&logout_uri={encoded}"
        ))
        .await;
    assert_eq!(out.status, 302);
    assert_eq!(out.location.as_deref(), Some(LOGOUT));
    assert!(browser.cookie("cognito").is_none());
    let page = browser.get(&Authorize::code(&client_id).path()).await;
    assert!(page.location.unwrap().starts_with("/login?"));
    // Signed in again, logout with redirect_uri + response_type goes back to sign-in.
    browser
        .sign_in(&Authorize::code(&client_id), "alice", PASSWORD)
        .await;
    let relogin = Authorize::code(&client_id)
        .path()
        .replace("/oauth2/authorize", "/logout");
    let out = browser.get(&relogin).await;
    assert!(out.location.unwrap().starts_with("/oauth2/authorize?"));
    assert!(browser.cookie("cognito").is_none());
}

fn url_param(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
