//! Choice-based sign-in with an email code.

use crate::{Journey, Setup, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn choice_based_sign_in_in_chromium() {
    let options = Setup {
        name: "choice",
        choice: true,
        ..Setup::default()
    };
    run(options, choice_journey).await;
}

/// Choice-based sign-in: the name, the factors alice holds, the email code from the outbox.
async fn choice_journey(j: &Journey) -> Result<(), String> {
    j.client.goto(&j.authorize_url()).await.unwrap();
    j.shot("name").await;
    j.fill("#signInFormUsername", "alice").await;
    j.press("button[name=signInSubmitButton]").await;
    j.shot("choose-factor").await;
    let text = j.text().await;
    if !text.contains("Code sent by email") || !text.contains("Password") {
        return Err(format!("no choice of factors: {text}"));
    }
    j.click("input[value=EMAIL_OTP]").await;
    j.press("button[type=submit]").await;
    j.shot("email-code").await;
    let text = j.text().await;
    if !text.contains("Check your email") {
        return Err(format!("no code page: {text}"));
    }
    let code = j.app.last_code(&j.pool_id, "alice").await;
    j.fill("#answer", &code).await;
    j.press("button[type=submit]").await;
    j.shot("callback").await;
    j.exchange_callback().await;
    Ok(())
}
