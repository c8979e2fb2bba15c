//! `/login`: the password form (wrong then right, CSRF), the TOTP page, and the token triggers
//! of a hosted sign-in (each once, at the token endpoint).

use aws_sdk_cognitoidentityprovider::types::{
    LambdaConfigType, SmsMfaSettingsType, SoftwareTokenMfaConfigType, SoftwareTokenMfaSettingsType,
    UserPoolMfaType,
};
use cognate_domain::Clock as _;
use cognate_testkit::lambda::{Reply, StandInLambda, arn};
use cognate_testkit::totp_client::totp_code;
use cognate_testkit::{PASSWORD, TestApp, backend_tests};

use super::{Authorize, Browser, VERIFIER, callback_code, exchange, hosted_pool, oauth_client};
use crate::auth::password_auth;
use crate::lambda_tests;
use crate::triggers::pool_with;

backend_tests!(
    wrong_password_then_the_right_one,
    forms_without_the_csrf_token_are_refused,
    totp_page_takes_the_authenticator_code,
    select_mfa_type_page_offers_the_factors,
    mfa_setup_page_shows_a_qr_code,
);

lambda_tests!(hosted_sign_in_runs_the_token_triggers_once);

async fn wrong_password_then_the_right_one(app: TestApp) {
    let (_, client_id) = hosted_pool(&app).await;
    let browser = Browser::new(&app);
    let authorize = Authorize::code(&client_id);
    let (login, page) = browser.login_page(&authorize).await;
    assert!(page.body.contains("name=\"username\"") && page.body.contains("name=\"password\""));
    let refused = browser
        .submit_password(&login, &page, "alice", "Wrong-passw0rd!")
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.location.is_none());
    assert!(refused.alerts("Incorrect username or password."));
    assert!(browser.cookie("cognito").is_none(), "no session yet");
    // The username stays filled in.
    assert!(refused.body.contains("value=\"alice\""));
    let done = browser
        .submit_password(&login, &refused, "alice", PASSWORD)
        .await;
    let code = callback_code(&done);
    let session = done
        .set_cookies
        .iter()
        .find(|c| c.starts_with("cognito="))
        .unwrap();
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"));
    assert!(session.contains("Max-Age=3600"));
    let tokens = exchange(&app, &client_id, &code, VERIFIER).await;
    assert_eq!(tokens.status, 200, "{}", tokens.text);
}

async fn forms_without_the_csrf_token_are_refused(app: TestApp) {
    let (_, client_id) = hosted_pool(&app).await;
    let browser = Browser::new(&app);
    let (login, page) = browser.login_page(&Authorize::code(&client_id)).await;
    assert!(browser.cookie("XSRF-TOKEN").is_some());
    let expired = "Your session has expired. Please sign in again.";
    let missing = browser
        .post(&login, &[("username", "alice"), ("password", PASSWORD)])
        .await;
    assert_eq!(missing.status, 400);
    assert!(missing.location.is_none() && missing.alerts(expired));
    let wrong = "x".repeat(page.field("_csrf").unwrap().len());
    let forged = browser
        .post(
            &login,
            &[
                ("_csrf", &wrong),
                ("username", "alice"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(forged.status, 400);
    assert!(forged.location.is_none() && forged.alerts(expired));
    // A browser without the cookie fails even with a token from the page.
    let other = Browser::new(&app);
    let csrf = page.field("_csrf").unwrap();
    let stolen = other
        .post(
            &login,
            &[
                ("_csrf", &csrf),
                ("username", "alice"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert!(stolen.location.is_none() && stolen.alerts(expired));
}

/// Turns on optional TOTP MFA in the pool and sets alice's authenticator up: its secret.
pub async fn alice_with_totp(app: &TestApp, pool_id: &str, api_client: &str) -> String {
    app.idp
        .set_user_pool_mfa_config()
        .user_pool_id(pool_id)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .mfa_configuration(UserPoolMfaType::Optional)
        .send()
        .await
        .unwrap();
    alice_authenticator(app, api_client, true, false).await
}

/// Associates and verifies alice's authenticator, enabled (`preferred` or not), and SMS MFA
/// enabled too with `sms`: the secret.
async fn alice_authenticator(
    app: &TestApp,
    api_client: &str,
    preferred: bool,
    sms: bool,
) -> String {
    let access = password_auth(app, api_client, "alice", PASSWORD)
        .await
        .unwrap()
        .authentication_result
        .unwrap()
        .access_token
        .unwrap();
    let secret = app
        .idp
        .associate_software_token()
        .access_token(&access)
        .send()
        .await
        .unwrap()
        .secret_code
        .unwrap();
    app.idp
        .verify_software_token()
        .access_token(&access)
        .user_code(totp_code(&secret, app.clock.now().secs()))
        .send()
        .await
        .unwrap();
    app.idp
        .set_user_mfa_preference()
        .access_token(&access)
        .software_token_mfa_settings(
            SoftwareTokenMfaSettingsType::builder()
                .enabled(true)
                .preferred_mfa(preferred)
                .build(),
        )
        .sms_mfa_settings(SmsMfaSettingsType::builder().enabled(sms).build())
        .send()
        .await
        .unwrap();
    secret
}

/// Posts a challenge page's form with `answer`.
async fn answer_page(
    browser: &Browser,
    login: &str,
    page: &super::Page,
    answer: &str,
) -> super::Page {
    let fields = [
        "_csrf",
        "challenge",
        "session",
        "username",
        "choices",
        "secret",
    ];
    let values: Vec<(&str, String)> = fields
        .iter()
        .filter_map(|name| page.field(name).map(|v| (*name, v)))
        .collect();
    let mut form: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    form.push(("answer", answer));
    browser.post(login, &form).await
}

async fn select_mfa_type_page_offers_the_factors(app: TestApp) {
    let (pool_id, api_client) = crate::mfa_codes::sms_pool(&app, UserPoolMfaType::Optional).await;
    let client_id = oauth_client(&app, &pool_id).await;
    let secret = alice_authenticator(&app, &api_client, false, true).await;
    app.clock.advance_secs(30);
    let browser = Browser::new(&app);
    let (login, page) = browser.login_page(&Authorize::code(&client_id)).await;
    let select = browser
        .submit_password(&login, &page, "alice", PASSWORD)
        .await;
    assert_eq!(select.status, 200, "{}", select.body);
    assert_eq!(
        select.field("challenge").as_deref(),
        Some("SELECT_MFA_TYPE")
    );
    assert!(
        select
            .body
            .contains("type=\"radio\" name=\"answer\" value=\"SMS_MFA\"")
    );
    assert!(select.body.contains("value=\"SOFTWARE_TOKEN_MFA\""));
    assert!(select.body.contains("Authenticator app"));
    let refused = answer_page(&browser, &login, &select, "EMAIL_OTP").await;
    assert!(refused.body.contains("role=\"alert\""), "{}", refused.body);
    assert!(
        refused.body.contains("value=\"SOFTWARE_TOKEN_MFA\""),
        "the choices stay"
    );
    let totp = answer_page(&browser, &login, &select, "SOFTWARE_TOKEN_MFA").await;
    assert_eq!(
        totp.field("challenge").as_deref(),
        Some("SOFTWARE_TOKEN_MFA"),
        "{}",
        totp.body
    );
    let code = totp_code(&secret, app.clock.now().secs());
    let done = answer_page(&browser, &login, &totp, &code).await;
    let code = callback_code(&done);
    assert_eq!(
        exchange(&app, &client_id, &code, VERIFIER).await.status,
        200
    );
}

async fn totp_page_takes_the_authenticator_code(app: TestApp) {
    let (pool_id, api_client) = app.pool_with_client().await;
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    let client_id = oauth_client(&app, &pool_id).await;
    let secret = alice_with_totp(&app, &pool_id, &api_client).await;
    // The code used to verify is spent: move to the next 30-second step.
    app.clock.advance_secs(30);
    let browser = Browser::new(&app);
    let (login, page) = browser.login_page(&Authorize::code(&client_id)).await;
    let mfa = browser
        .submit_password(&login, &page, "alice", PASSWORD)
        .await;
    assert_eq!(mfa.status, 200, "{}", mfa.body);
    assert_eq!(
        mfa.field("challenge").as_deref(),
        Some("SOFTWARE_TOKEN_MFA")
    );
    assert!(mfa.body.contains("authenticator app"));
    let now = app.clock.now().secs();
    let wrong = format!(
        "{:06}",
        (totp_code(&secret, now).parse::<u32>().unwrap() + 1) % 1_000_000
    );
    let answer = |page: &super::Page, code: String| {
        vec![
            ("_csrf".to_string(), page.field("_csrf").unwrap()),
            ("challenge".to_string(), page.field("challenge").unwrap()),
            ("session".to_string(), page.field("session").unwrap()),
            ("username".to_string(), "alice".to_string()),
            ("answer".to_string(), code),
        ]
    };
    let form = answer(&mfa, wrong);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let refused = browser.post(&login, &pairs).await;
    assert!(refused.location.is_none());
    assert!(
        refused.alerts("Invalid code received for user"),
        "{}",
        refused.body
    );
    assert_eq!(
        refused.field("challenge").as_deref(),
        Some("SOFTWARE_TOKEN_MFA")
    );
    let form = answer(&refused, totp_code(&secret, now));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let done = browser.post(&login, &pairs).await;
    let code = callback_code(&done);
    assert_eq!(
        exchange(&app, &client_id, &code, VERIFIER).await.status,
        200
    );
}

async fn hosted_sign_in_runs_the_token_triggers_once(app: TestApp, lambda: StandInLambda) {
    let (post_auth, pre_token) = (arn("post-auth"), arn("pre-token"));
    lambda.register(&post_auth, Reply::echo());
    lambda.register(&pre_token, Reply::echo());
    let config = LambdaConfigType::builder()
        .post_authentication(&post_auth)
        .pre_token_generation(&pre_token)
        .build();
    let (pool_id, _) = pool_with(&app, config).await;
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    let client_id = oauth_client(&app, &pool_id).await;
    let browser = Browser::new(&app);
    let code = browser
        .sign_in(&Authorize::code(&client_id), "alice", PASSWORD)
        .await;
    // Signing in on the page issues nothing: the token endpoint does, once.
    assert!(lambda.events(&pre_token).is_empty());
    assert!(lambda.events(&post_auth).is_empty());
    let tokens = exchange(&app, &client_id, &code, VERIFIER).await;
    assert_eq!(tokens.status, 200, "{}", tokens.text);
    let pre = lambda.events(&pre_token);
    assert_eq!(pre.len(), 1);
    assert_eq!(pre[0]["triggerSource"], "TokenGeneration_HostedAuth");
    let post = lambda.events(&post_auth);
    assert_eq!(post.len(), 1);
    assert_eq!(
        post[0]["triggerSource"],
        "PostAuthentication_Authentication"
    );
    // The one refresh token issued is the one the relying party got, and it works.
    let refresh = tokens.json()["refresh_token"].as_str().unwrap().to_string();
    let form = [
        ("grant_type", "refresh_token"),
        ("client_id", client_id.as_str()),
        ("refresh_token", refresh.as_str()),
    ];
    let refreshed = crate::oauth::post_form(&app, "token", &form, None).await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text);
    assert_eq!(lambda.events(&pre_token).len(), 2);
    assert_eq!(
        lambda.events(&pre_token)[1]["triggerSource"],
        "TokenGeneration_RefreshTokens"
    );
}

async fn mfa_setup_page_shows_a_qr_code(app: TestApp) {
    let (pool_id, client_id) = hosted_pool(&app).await;
    app.idp
        .set_user_pool_mfa_config()
        .user_pool_id(&pool_id)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .mfa_configuration(UserPoolMfaType::On)
        .send()
        .await
        .unwrap();
    let browser = Browser::new(&app);
    let (login, page) = browser.login_page(&Authorize::code(&client_id)).await;
    let setup = browser
        .submit_password(&login, &page, "alice", PASSWORD)
        .await;
    assert_eq!(setup.status, 200, "{}", setup.body);
    assert_eq!(setup.field("challenge").as_deref(), Some("MFA_SETUP"));
    assert!(setup.body.contains("src=\"data:image/svg+xml;base64,"));
    let secret = setup.field("secret").unwrap();
    assert!(setup.body.contains(&format!("<code>{secret}</code>")));
    let now = app.clock.now().secs();
    let wrong = format!(
        "{:06}",
        (totp_code(&secret, now).parse::<u32>().unwrap() + 1) % 1_000_000
    );
    let refused = answer_page(&browser, &login, &setup, &wrong).await;
    assert!(refused.location.is_none());
    assert!(refused.body.contains("role=\"alert\""), "{}", refused.body);
    assert_eq!(refused.field("secret").as_deref(), Some(secret.as_str()));
    let right = totp_code(&secret, now);
    let done = answer_page(&browser, &login, &refused, &right).await;
    let code = callback_code(&done);
    assert_eq!(
        exchange(&app, &client_id, &code, VERIFIER).await.status,
        200
    );
}
