//! Every hosted page a person meets: sign-in (a wrong password, then the right one), silent
//! sign-in, logout, sign-up with the emailed code, TOTP MFA, forgot password, MFA set-up with
//! the QR code, and an error page.

use aws_sdk_cognitoidentityprovider::types::{
    SoftwareTokenMfaConfigType, SoftwareTokenMfaSettingsType, UserPoolMfaType,
};
use cognate_domain::Clock as _;
use cognate_testkit::PASSWORD;
use cognate_testkit::totp_client::totp_code;
use fantoccini::Locator;

use crate::{Journey, Setup, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hosted_pages_in_chromium() {
    let options = Setup {
        name: "journey",
        ..Setup::default()
    };
    run(options, journey).await;
}

async fn journey(j: &Journey) -> Result<(), String> {
    // Sign-in: a wrong password, then the right one, to the callback; code + PKCE.
    j.client.goto(&j.authorize_url()).await.unwrap();
    j.shot("sign-in").await;
    j.sign_in("alice", "Not-the-passw0rd").await;
    j.shot("sign-in-wrong-password").await;
    let text = j.text().await;
    if !text.contains("Incorrect username or password.") {
        return Err(format!("no error shown: {text}"));
    }
    j.sign_in("alice", PASSWORD).await;
    j.shot("callback").await;
    let tokens = j.exchange_callback().await;
    assert!(tokens["id_token"].is_string() && tokens["refresh_token"].is_string());
    // A second authorize signs in silently.
    j.client.goto(&j.authorize_url()).await.unwrap();
    assert!(
        j.client
            .current_url()
            .await
            .unwrap()
            .as_str()
            .starts_with(&j.rp)
    );
    // Logout ends the session: authorize shows the form again.
    j.logout().await;
    j.shot("signed-out").await;
    j.client.goto(&j.authorize_url()).await.unwrap();
    assert!(
        j.text()
            .await
            .contains("Sign in with your username and password")
    );

    // Sign-up with the code from the outbox.
    j.press("a[href^='/signup']").await;
    j.shot("sign-up").await;
    j.fill("#username", "bob").await;
    j.fill("#email", "bob@example.com").await;
    j.fill("#password", "short").await;
    j.press("button[type=submit]").await;
    j.shot("sign-up-weak-password").await;
    j.fill("#password", PASSWORD).await;
    j.press("button[type=submit]").await;
    j.shot("confirm-account").await;
    let code = j.app.last_code(&j.pool_id, "bob").await;
    j.fill("#code", &code).await;
    // Confirmed in the browser that signed up: signed in, to the app's callback.
    j.press("button[type=submit]").await;
    j.shot("account-confirmed-callback").await;
    j.exchange_callback().await;
    j.logout().await;

    // TOTP MFA.
    let secret = carol_with_totp(j).await;
    j.client.goto(&j.authorize_url()).await.unwrap();
    j.sign_in("carol", PASSWORD).await;
    j.shot("mfa-totp").await;
    j.fill("#answer", "000000").await;
    j.press("button[type=submit]").await;
    j.shot("mfa-totp-wrong-code").await;
    let now = j.app.clock.now().secs();
    j.fill("#answer", &totp_code(&secret, now)).await;
    j.press("button[type=submit]").await;
    j.exchange_callback().await;
    j.logout().await;

    // Forgot password.
    j.client.goto(&j.authorize_url()).await.unwrap();
    j.press("a[href^='/forgotPassword']").await;
    j.shot("forgot-password").await;
    j.fill("#username", "alice").await;
    j.press("button[type=submit]").await;
    j.shot("reset-password").await;
    let code = j.app.last_code(&j.pool_id, "alice").await;
    j.fill("#code", &code).await;
    j.fill("#password", "N3w-Passw0rd!").await;
    j.press("button[type=submit]").await;
    j.shot("password-reset").await;
    j.sign_in("alice", "N3w-Passw0rd!").await;
    j.exchange_callback().await;

    j.logout().await;

    // MFA set-up: the pool now requires MFA, bob has none: the QR code page.
    j.app
        .idp
        .set_user_pool_mfa_config()
        .user_pool_id(&j.pool_id)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .mfa_configuration(UserPoolMfaType::On)
        .send()
        .await
        .unwrap();
    j.client.goto(&j.authorize_url()).await.unwrap();
    j.sign_in("bob", PASSWORD).await;
    j.shot("mfa-setup-qr").await;
    let secret = j
        .client
        .find(Locator::Css(".secret code"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    j.fill("#answer", &totp_code(&secret, j.app.clock.now().secs()))
        .await;
    j.press("button[type=submit]").await;
    j.exchange_callback().await;

    // An error page (unregistered redirect URI).
    let bad = j
        .authorize_url()
        .replace("redirect_uri=", "redirect_uri=https://evil.example");
    j.client.goto(&bad).await.unwrap();
    j.shot("error-page").await;
    Ok(())
}

/// Sets carol up with a verified authenticator and optional TOTP MFA: the secret.
async fn carol_with_totp(j: &Journey) -> String {
    let app = &j.app;
    app.confirmed_user(&j.pool_id, "carol", PASSWORD).await;
    app.idp
        .set_user_pool_mfa_config()
        .user_pool_id(&j.pool_id)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .mfa_configuration(UserPoolMfaType::Optional)
        .send()
        .await
        .unwrap();
    let access = app
        .idp
        .initiate_auth()
        .client_id(&j.api_client)
        .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "carol")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
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
                .preferred_mfa(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    // The verifying code is spent: the sign-in uses the next step's.
    app.clock.advance_secs(30);
    secret
}
