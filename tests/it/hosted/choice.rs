//! Choice-based sign-in on the hosted pages: when the pool's SignInPolicy allows first factors
//! beyond PASSWORD and the client allows USER_AUTH, the name first, then the factors the user
//! holds, then the password or a code from the outbox; the classic form otherwise.

use aws_sdk_cognitoidentityprovider::types::{
    AuthFactorType, ExplicitAuthFlowsType, SignInPolicyType, UserPoolPolicyType,
};
use cognate_testkit::{FIXTURE_FLOWS, PASSWORD, TestApp, backend_tests};

use super::{
    Authorize, Browser, Page, VERIFIER, callback_code, exchange, oauth_client, oauth_client_with,
    submit,
};

backend_tests!(
    choice_sign_in_with_an_email_code,
    choice_sign_in_with_the_password,
    password_alone_goes_straight_to_it,
    classic_form_without_allow_user_auth,
    unknown_name_is_refused_on_the_name_page,
);

/// A pool allowing PASSWORD and EMAIL_OTP first, with a USER_AUTH code-flow client:
/// (pool_id, client_id).
async fn choice_pool(app: &TestApp) -> (String, String) {
    let policy = SignInPolicyType::builder()
        .allowed_first_auth_factors(AuthFactorType::Password)
        .allowed_first_auth_factors(AuthFactorType::EmailOtp)
        .build();
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("choice")
        .policies(UserPoolPolicyType::builder().sign_in_policy(policy).build())
        .send()
        .await
        .unwrap()
        .user_pool
        .and_then(|p| p.id)
        .unwrap();
    let mut flows = FIXTURE_FLOWS.to_vec();
    flows.push(ExplicitAuthFlowsType::AllowUserAuth);
    let client_id = oauth_client_with(app, &pool_id, flows).await;
    (pool_id, client_id)
}

/// The sign-in page asks the name only; posting it gives the next step.
async fn name_step(browser: &Browser, client_id: &str, username: &str) -> Page {
    let (_, login) = browser.login_page(&Authorize::code(client_id)).await;
    assert_eq!(login.field("flow").as_deref(), Some("USER_AUTH"));
    assert!(!login.body.contains("name=\"password\""), "{}", login.body);
    submit(browser, &login, &[("username", username)]).await
}

async fn choice_sign_in_with_an_email_code(app: TestApp) {
    let (pool_id, client_id) = choice_pool(&app).await;
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    let browser = Browser::new(&app);
    let choice = name_step(&browser, &client_id, "alice").await;
    assert_eq!(choice.status, 200, "{}", choice.body);
    assert_eq!(
        choice.field("challenge").as_deref(),
        Some("SELECT_CHALLENGE")
    );
    assert!(choice.body.contains("value=\"PASSWORD\""));
    assert!(choice.body.contains("value=\"EMAIL_OTP\""));
    assert!(choice.body.contains("Code sent by email"));
    let code_page = submit(&browser, &choice, &[("answer", "EMAIL_OTP")]).await;
    assert_eq!(code_page.status, 200, "{}", code_page.body);
    assert_eq!(code_page.field("challenge").as_deref(), Some("EMAIL_OTP"));
    assert!(code_page.body.contains("Check your email"));
    assert!(code_page.body.contains("a***@e***"), "{}", code_page.body);
    let code = app.last_code(&pool_id, "alice").await;
    let wrong = submit(&browser, &code_page, &[("answer", "000000")]).await;
    assert_eq!(wrong.status, 400);
    assert!(
        wrong.alerts("Invalid code or auth state for the user."),
        "{}",
        wrong.body
    );
    let done = submit(&browser, &wrong, &[("answer", &code)]).await;
    let code = callback_code(&done);
    assert_eq!(
        exchange(&app, &client_id, &code, VERIFIER).await.status,
        200
    );
}

async fn choice_sign_in_with_the_password(app: TestApp) {
    let (pool_id, client_id) = choice_pool(&app).await;
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    let browser = Browser::new(&app);
    let choice = name_step(&browser, &client_id, "alice").await;
    let password = submit(&browser, &choice, &[("answer", "PASSWORD")]).await;
    assert_eq!(password.status, 200, "{}", password.body);
    assert!(password.body.contains("Signing in as alice"));
    assert!(password.body.contains("name=\"password\""));
    let wrong = submit(&browser, &password, &[("password", "Wr0ng!Password")]).await;
    assert_eq!(wrong.status, 400);
    assert!(
        wrong.alerts("Incorrect username or password."),
        "{}",
        wrong.body
    );
    // The refused step's session is used up: the page holds a new one, for PASSWORD.
    assert_eq!(wrong.field("challenge").as_deref(), Some("PASSWORD"));
    let done = submit(&browser, &wrong, &[("password", PASSWORD)]).await;
    callback_code(&done);
    assert!(
        app.messages(&pool_id, "alice", None).await.is_empty(),
        "no code was sent for a password sign-in"
    );
}

/// A user with no verified email has the password only: its page follows the name.
async fn password_alone_goes_straight_to_it(app: TestApp) {
    let (pool_id, client_id) = choice_pool(&app).await;
    app.confirmed_user_with(&pool_id, "erin", PASSWORD, &[("email", "erin@example.com")])
        .await;
    let browser = Browser::new(&app);
    let password = name_step(&browser, &client_id, "erin").await;
    assert_eq!(password.status, 200, "{}", password.body);
    assert_eq!(
        password.field("challenge").as_deref(),
        Some("SELECT_CHALLENGE")
    );
    assert!(password.body.contains("name=\"password\""));
    let done = submit(&browser, &password, &[("password", PASSWORD)]).await;
    callback_code(&done);
}

/// Without ALLOW_USER_AUTH the client signs in with the classic form, whatever the pool allows.
async fn classic_form_without_allow_user_auth(app: TestApp) {
    let (pool_id, _) = choice_pool(&app).await;
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    let client_id = oauth_client(&app, &pool_id).await;
    let browser = Browser::new(&app);
    let (login, page) = browser.login_page(&Authorize::code(&client_id)).await;
    assert!(page.field("flow").is_none());
    assert!(page.body.contains("name=\"password\""));
    let done = browser
        .submit_password(&login, &page, "alice", PASSWORD)
        .await;
    callback_code(&done);
}

/// A name that is no user (the client does not hide them) is refused on the name page, with
/// USER_AUTH's answer.
async fn unknown_name_is_refused_on_the_name_page(app: TestApp) {
    let (_, client_id) = choice_pool(&app).await;
    let browser = Browser::new(&app);
    let refused = name_step(&browser, &client_id, "nobody").await;
    assert_eq!(refused.status, 400);
    assert!(refused.alerts("User does not exist."), "{}", refused.body);
    assert_eq!(refused.field("flow").as_deref(), Some("USER_AUTH"));
}
