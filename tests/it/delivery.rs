//! Real delivery besides the outbox: email by SMTP to the testkit's SMTP sink (the pool's
//! envelope, a custom message's text, retries while the mail server is down) and SMS POSTed as
//! JSON to a webhook stand-in. The API answers the same whatever delivery does.

use std::sync::{Arc, Mutex};

use aws_sdk_cognitoidentityprovider::types::{
    EmailConfigurationType, EmailSendingAccountType, LambdaConfigType, VerifiedAttributeType,
};
use axum::Json;
use axum::extract::State;
use axum::routing::post;
use cognate_server::Config;
use cognate_testkit::lambda::{Reply, StandInLambda, arn};
use cognate_testkit::smtp_sink::SmtpSink;
use cognate_testkit::{Backend, PASSWORD, TestApp};
use serde_json::{Value, json};

use crate::signup::attr;

cognate_testkit::each_backend!(
    sign_up_code_arrives_by_smtp_with_the_pool_envelope,
    smtp_down_fails_no_call_and_a_retry_delivers,
    custom_message_text_is_what_is_mailed,
    sms_goes_to_the_webhook_as_json,
);

/// The app on `backend`, its configuration adjusted, with retries quick enough for a test
/// (20 ms doubling to 200 ms, plenty of attempts).
async fn spawn(backend: Backend, adjust: impl FnOnce(&mut Config)) -> TestApp {
    TestApp::spawn_with(backend, move |config| {
        config.delivery.attempts = 50;
        config.delivery.backoff_ms = 20;
        config.delivery.max_backoff_ms = 200;
        adjust(config);
    })
    .await
    .expect("the app starts")
}

/// An SMTP sink and an app mailing to it.
async fn mailing(backend: Backend) -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let url = sink.url.clone();
    let app = spawn(backend, move |config| config.email.smtp_url = url).await;
    (app, sink)
}

async fn sign_up(app: &TestApp, client_id: &str, name: &str, attribute: (&str, &str)) {
    app.idp
        .sign_up()
        .client_id(client_id)
        .username(name)
        .password(PASSWORD)
        .user_attributes(attr(attribute.0, attribute.1))
        .send()
        .await
        .expect("SignUp succeeds whatever delivery does");
}

/// A pool auto-verifying (so sending codes to) `verified`, with the EmailConfiguration and
/// LambdaConfig given, and a fixture client: (pool_id, client_id).
async fn pool(
    app: &TestApp,
    verified: VerifiedAttributeType,
    email: Option<EmailConfigurationType>,
    lambda: Option<LambdaConfigType>,
) -> (String, String) {
    let created = app
        .idp
        .create_user_pool()
        .pool_name("delivery")
        .auto_verified_attributes(verified)
        .set_email_configuration(email)
        .set_lambda_config(lambda)
        .send()
        .await
        .unwrap();
    let pool_id = created.user_pool.unwrap().id.unwrap();
    let client_id = app.client_for(&pool_id).await;
    (pool_id, client_id)
}

async fn sign_up_code_arrives_by_smtp_with_the_pool_envelope(backend: Backend) {
    let (app, sink) = mailing(backend).await;
    let ses = EmailConfigurationType::builder()
        .email_sending_account(EmailSendingAccountType::Developer)
        .source_arn("arn:aws:ses:us-east-1:123456789012:identity/sender@example.com")
        .reply_to_email_address("help@example.com")
        .build();
    let (pool_id, client_id) = pool(&app, VerifiedAttributeType::Email, Some(ses), None).await;
    sign_up(&app, &client_id, "alice", ("email", "alice@example.com")).await;
    let code = app.last_code(&pool_id, "alice").await;

    let mail = sink.mail_to("alice@example.com").await;
    assert_eq!(mail.mail_from, "sender@example.com");
    assert_eq!(mail.header("From").as_deref(), Some("sender@example.com"));
    assert_eq!(mail.header("Reply-To").as_deref(), Some("help@example.com"));
    assert_eq!(
        mail.header("Subject").as_deref(),
        Some("Your verification code")
    );
    assert!(
        mail.header("Content-Type")
            .is_some_and(|t| t.starts_with("text/html")),
        "{:?}",
        mail.header("Content-Type")
    );
    assert!(
        mail.body()
            .contains(&format!("Your verification code is {code}")),
        "the code is in the mail: {}",
        mail.body()
    );

    // A pool without an EmailConfiguration sends as AWS's default sender.
    let (plain_pool, plain_client) = pool(&app, VerifiedAttributeType::Email, None, None).await;
    sign_up(&app, &plain_client, "bob", ("email", "bob@example.com")).await;
    let code = app.last_code(&plain_pool, "bob").await;
    let mail = sink.mail_to("bob@example.com").await;
    assert_eq!(
        mail.header("From").as_deref(),
        Some("no-reply@verificationemail.com")
    );
    assert_eq!(mail.header("Reply-To"), None);
    assert!(mail.body().contains(&code));
}

async fn smtp_down_fails_no_call_and_a_retry_delivers(backend: Backend) {
    let (app, sink) = mailing(backend).await;
    sink.set_down(true);
    let (pool_id, client_id) = pool(&app, VerifiedAttributeType::Email, None, None).await;
    sign_up(&app, &client_id, "carol", ("email", "carol@example.com")).await;
    // The outbox has the message at once, delivered or not.
    let code = app.last_code(&pool_id, "carol").await;

    sink.wait_for("a refused delivery attempt", |sink| sink.refused() >= 1)
        .await;
    assert!(sink.received().is_empty());
    sink.set_down(false);
    let mail = sink.mail_to("carol@example.com").await;
    assert!(mail.body().contains(&code));
    assert_eq!(app.messages(&pool_id, "carol", None).await.len(), 1);
    // The delivery is counted once it has ended (just after the sink took the mail).
    let delivered = r#"cognate_message_deliveries_total{channel="smtp",outcome="delivered"} 1"#;
    let counted = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        loop {
            let url = format!("{}/metrics", app.endpoint);
            let text = app
                .http
                .get(url)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            if text.lines().any(|line| line == delivered) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    });
    counted.await.expect("the delivery is counted");
}

async fn custom_message_text_is_what_is_mailed(backend: Backend) {
    let sink = SmtpSink::start().await;
    let lambda = StandInLambda::start().await;
    let function = arn("custom-message");
    lambda.register(
        &function,
        Reply::respond(json!({
            "emailSubject": "Welcome aboard",
            "emailMessage": "<p>Your code: {####}</p>",
            "smsMessage": null,
        })),
    );
    let url = sink.url.clone();
    let endpoint = lambda.endpoint.clone();
    let app = spawn(backend, move |config| {
        config.email.smtp_url = url;
        config.lambda.endpoint = endpoint;
    })
    .await;
    let custom = LambdaConfigType::builder()
        .custom_message(&function)
        .build();
    let (pool_id, client_id) = pool(&app, VerifiedAttributeType::Email, None, Some(custom)).await;
    sign_up(&app, &client_id, "dave", ("email", "dave@example.com")).await;
    let sent = app.last_message(&pool_id, "dave").await;
    let mail = sink.mail_to("dave@example.com").await;
    assert_eq!(mail.header("Subject").as_deref(), Some("Welcome aboard"));
    assert_eq!(
        sent.body,
        format!("<p>Your code: {}</p>", sent.code.unwrap())
    );
    assert!(mail.body().contains(&sent.body), "{}", mail.body());
}

/// A stand-in SMS gateway: records the JSON bodies POSTed to it.
async fn sms_gateway() -> (String, Arc<Mutex<Vec<Value>>>) {
    let received = Arc::new(Mutex::new(Vec::new()));
    let router = axum::Router::new()
        .route(
            "/sms",
            post(
                |State(received): State<Arc<Mutex<Vec<Value>>>>, Json(body): Json<Value>| async move {
                    received.lock().unwrap().push(body);
                    "ok"
                },
            ),
        )
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/sms", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, received)
}

async fn sms_goes_to_the_webhook_as_json(backend: Backend) {
    let (url, received) = sms_gateway().await;
    let app = spawn(backend, move |config| config.sms.webhook_url = url).await;
    let (pool_id, client_id) = pool(&app, VerifiedAttributeType::PhoneNumber, None, None).await;
    sign_up(&app, &client_id, "erin", ("phone_number", "+15555550123")).await;
    let sent = app.last_message(&pool_id, "erin").await;
    assert_eq!(sent.medium, "SMS");

    let body = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        loop {
            if let Some(body) = received.lock().unwrap().first().cloned() {
                return body;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the webhook receives the SMS");
    assert_eq!(body["phone_number"], "+15555550123");
    assert_eq!(body["pool_id"], pool_id.as_str());
    assert_eq!(body["username"], "erin");
    assert_eq!(body["kind"], "SIGN_UP");
    assert_eq!(body["outbox_id"], sent.id);
    assert_eq!(body["message"], sent.body.as_str());
}
