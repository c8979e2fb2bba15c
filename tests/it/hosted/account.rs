//! The account pages: sign-up and confirmation with the code from the outbox, forgot and reset
//! password, their refusals, and sign-in afterwards.

use aws_sdk_cognitoidentityprovider::types::VerifiedAttributeType;
use cognate_testkit::{PASSWORD, TestApp, backend_tests};

use super::{
    Authorize, Browser, Page, VERIFIER, action, callback_code, exchange, oauth_client, submit,
};

backend_tests!(
    sign_up_confirm_then_sign_in,
    confirmation_elsewhere_returns_to_sign_in,
    sign_up_refusals_keep_the_form,
    forgot_then_reset_password,
);

/// A pool that verifies email by code, with a code-flow client: (pool_id, client_id).
async fn self_service_pool(app: &TestApp) -> (String, String) {
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("self-service")
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client_id = oauth_client(app, &pool_id).await;
    (pool_id, client_id)
}

fn link(page: &Page, text: &str) -> String {
    let end = page.body.find(&format!("\">{text}</a>")).unwrap();
    let start = page.body[..end].rfind("href=\"").unwrap() + "href=\"".len();
    page.body[start..end]
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

async fn sign_up_confirm_then_sign_in(app: TestApp) {
    let (pool_id, client_id) = self_service_pool(&app).await;
    let browser = Browser::new(&app);
    let authorize = Authorize::code(&client_id);
    let (_, login) = browser.login_page(&authorize).await;
    let sign_up = browser.get(&link(&login, "Sign up")).await;
    assert_eq!(sign_up.status, 200);
    assert!(sign_up.body.contains("Sign up with a new account"));
    let confirm = submit(
        &browser,
        &sign_up,
        &[
            ("username", "bob"),
            ("email", "bob@example.com"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(confirm.status, 200, "{}", confirm.body);
    assert!(confirm.body.contains("Confirm your account"));
    let code = app.last_code(&pool_id, "bob").await;
    let wrong = submit(&browser, &confirm, &[("code", "000000")]).await;
    assert_eq!(wrong.status, 400);
    assert!(wrong.alerts("Invalid verification code provided, please try again."));
    // Confirmed in the browser that signed up: signed in, to the app's callback, as AWS's
    // hosted UI does.
    let signed = submit(&browser, &wrong, &[("code", &code)]).await;
    let code = callback_code(&signed);
    let tokens = exchange(&app, &client_id, &code, VERIFIER).await;
    assert_eq!(tokens.status, 200);
    let id_token = tokens.json()["id_token"].as_str().unwrap().to_string();
    assert_eq!(
        crate::auth::claims(&id_token)["cognito:username"],
        "bob",
        "the new user's tokens"
    );
    // And the browser has its hosted session: a second authorize is silent.
    let again = browser.get(&authorize.path()).await;
    callback_code(&again);
}

/// A confirmation without the sign-up's ticket (another browser, a link kept for later) or
/// with another user's confirms the account and asks for the password, as before.
async fn confirmation_elsewhere_returns_to_sign_in(app: TestApp) {
    let (pool_id, client_id) = self_service_pool(&app).await;
    let browser = Browser::new(&app);
    let path = Authorize::code(&client_id)
        .path()
        .replace("/oauth2/authorize", "/signup");
    let sign_up = browser.get(&path).await;
    let mut tickets = Vec::new();
    for name in ["bob", "carol"] {
        let email = format!("{name}@example.com");
        let fields = [
            ("username", name),
            ("email", &email),
            ("password", PASSWORD),
        ];
        let confirm = submit(&browser, &sign_up, &fields).await;
        assert_eq!(confirm.status, 200, "{}", confirm.body);
        tickets.push((confirm.field("ticket").unwrap(), confirm));
    }
    let (bob_ticket, _) = &tickets[0];
    let (_, carol_page) = &tickets[1];
    // Carol's confirmation with Bob's ticket, then with none.
    let code = app.last_code(&pool_id, "carol").await;
    let crossed = submit(
        &browser,
        carol_page,
        &[("code", &code), ("ticket", bob_ticket)],
    )
    .await;
    assert_eq!(crossed.status, 200, "{}", crossed.body);
    assert!(crossed.body.contains("Your account has been confirmed."));
    assert!(crossed.location.is_none());
    let code = app.last_code(&pool_id, "bob").await;
    let (_, bob_page) = &tickets[0];
    let csrf = bob_page.field("_csrf").unwrap();
    let bare = browser
        .post(
            &action(bob_page),
            &[("_csrf", &csrf), ("username", "bob"), ("code", &code)],
        )
        .await;
    assert!(
        bare.body.contains("Your account has been confirmed."),
        "{}",
        bare.body
    );
    let done = browser
        .submit_password(&action(&bare), &bare, "bob", PASSWORD)
        .await;
    callback_code(&done);
}

async fn sign_up_refusals_keep_the_form(app: TestApp) {
    let (pool_id, client_id) = self_service_pool(&app).await;
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    let browser = Browser::new(&app);
    let path = Authorize::code(&client_id)
        .path()
        .replace("/oauth2/authorize", "/signup");
    let page = browser.get(&path).await;
    let taken = submit(
        &browser,
        &page,
        &[
            ("username", "alice"),
            ("email", "a@example.com"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(taken.status, 400);
    assert!(taken.alerts("User already exists"), "{}", taken.body);
    let weak = submit(
        &browser,
        &taken,
        &[
            ("username", "carol"),
            ("email", "c@example.com"),
            ("password", "short"),
        ],
    )
    .await;
    assert_eq!(weak.status, 400);
    assert!(
        weak.alerts("Password did not conform with policy"),
        "{}",
        weak.body
    );
    assert!(
        weak.body.contains("value=\"c@example.com\""),
        "the form keeps its values"
    );
    // No CSRF token, no sign-up.
    let forged = browser
        .post(
            &path,
            &[
                ("username", "dave"),
                ("email", "d@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert!(forged.alerts("Your session has expired."));
    assert!(app.messages(&pool_id, "dave", None).await.is_empty());
}

async fn forgot_then_reset_password(app: TestApp) {
    let (pool_id, client_id) = self_service_pool(&app).await;
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    let browser = Browser::new(&app);
    let (_, login) = browser.login_page(&Authorize::code(&client_id)).await;
    let forgot = browser.get(&link(&login, "Forgot your password?")).await;
    assert_eq!(forgot.status, 200);
    let reset = submit(&browser, &forgot, &[("username", "alice")]).await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    assert!(reset.body.contains("password reset code"));
    let code = app.last_code(&pool_id, "alice").await;
    let new_password = "N3w-Passw0rd!";
    let wrong = submit(
        &browser,
        &reset,
        &[("code", "000000"), ("password", new_password)],
    )
    .await;
    assert!(wrong.alerts("Invalid verification code provided, please try again."));
    let done = submit(
        &browser,
        &wrong,
        &[("code", &code), ("password", new_password)],
    )
    .await;
    assert!(
        done.body.contains("Your password has been reset."),
        "{}",
        done.body
    );
    let login_path = action(&done);
    let old = browser
        .submit_password(&login_path, &done, "alice", PASSWORD)
        .await;
    assert!(old.alerts("Incorrect username or password."));
    let signed = browser
        .submit_password(&login_path, &old, "alice", new_password)
        .await;
    callback_code(&signed);
}
