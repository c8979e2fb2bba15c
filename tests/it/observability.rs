//! Operations: `/metrics` (counters and histograms moving with calls, trigger invocations,
//! gauges), `/health` and `/ready` (refusing while a migration is pending), and the three probes
//! answering unsigned in the SigV4-guarded mode.

use aws_sdk_cognitoidentityprovider::types::LambdaConfigType;
use cognate_server::Config;
use cognate_server::config::AccessKey;
use cognate_testkit::database::KeptDatabase;
use cognate_testkit::lambda::{Reply, StandInLambda, arn};
use cognate_testkit::{Backend, PASSWORD, TestApp, backend_tests, test_config};
use serde_json::json;

use crate::oidc::get_json;
use crate::signup::attr;

backend_tests!(metrics_move_with_calls, health_and_ready_answer);
backend_tests!(config = guarded; probes_need_no_signature_in_sigv4_mode);
cognate_testkit::each_backend!(ready_refuses_while_a_migration_is_pending);
crate::lambda_tests!(trigger_invocations_are_counted);

fn guarded(config: &mut Config) {
    config.security.auth = "sigv4".into();
    config.security.credentials = vec![AccessKey {
        access_key_id: "test".into(),
        secret_access_key: "test".into(),
    }];
}

/// The value of the sample `series` (name and labels exactly as exposed); 0 when absent.
fn sample(exposition: &str, series: &str) -> f64 {
    exposition
        .lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map_or(0.0, |value| value.trim().parse().unwrap())
}

async fn metrics(app: &TestApp) -> String {
    let response = app
        .http
        .get(format!("{}/metrics", app.endpoint))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    let text = response.text().await.unwrap();
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    assert!(text.ends_with("# EOF\n"), "{text}");
    text
}

const CREATED: &str =
    r#"cognate_requests_total{service="cognito-idp",operation="CreateUserPool",outcome="success"}"#;
const NOT_FOUND: &str = r#"cognate_requests_total{service="cognito-idp",operation="DescribeUserPool",outcome="client_error"}"#;
const TIMED: &str =
    r#"cognate_request_duration_seconds_count{service="cognito-idp",operation="CreateUserPool"}"#;

async fn metrics_move_with_calls(app: TestApp) {
    let before = metrics(&app).await;
    assert_eq!(sample(&before, CREATED), 0.0);
    app.pool_with_client().await;
    app.pool_with_client().await;
    let missing = app
        .idp
        .describe_user_pool()
        .user_pool_id("us-east-1_Missing00")
        .send()
        .await;
    assert!(missing.is_err());

    let after = metrics(&app).await;
    assert_eq!(sample(&after, CREATED), 2.0);
    assert_eq!(sample(&after, TIMED), 2.0);
    assert_eq!(sample(&after, NOT_FOUND), 1.0);
    // Every request is counted, the scrape before included.
    let scrapes = r#"cognate_requests_total{service="http",operation="metrics",outcome="success"}"#;
    assert_eq!(sample(&after, scrapes), 1.0);
    for gauge in [
        "cognate_password_hash_queue_depth",
        "cognate_password_hash_running",
        r#"cognate_database_connections{state="idle"}"#,
        r#"cognate_database_connections{state="in_use"}"#,
    ] {
        assert!(
            after.lines().any(|l| l.starts_with(&format!("{gauge} "))),
            "{gauge}:\n{after}"
        );
    }
    assert!(sample(&after, "cognate_database_connections_max") >= 1.0);
}

async fn trigger_invocations_are_counted(app: TestApp, lambda: StandInLambda) {
    let function = arn("pre-sign-up");
    lambda.register(&function, Reply::echo());
    let (_, client_id) = crate::triggers::pool_with(
        &app,
        LambdaConfigType::builder().pre_sign_up(&function).build(),
    )
    .await;
    app.idp
        .sign_up()
        .client_id(&client_id)
        .username("alice")
        .password(PASSWORD)
        .user_attributes(attr("email", "alice@example.com"))
        .send()
        .await
        .unwrap();
    let text = metrics(&app).await;
    let invoked = r#"cognate_trigger_invocations_total{trigger="PreSignUp",outcome="ok"}"#;
    assert_eq!(sample(&text, invoked), 1.0, "{text}");
    let timed = r#"cognate_trigger_duration_seconds_count{trigger="PreSignUp",outcome="ok"}"#;
    assert_eq!(sample(&text, timed), 1.0);
}

async fn health_and_ready_answer(app: TestApp) {
    assert_eq!(
        get_json(&app, "/health").await,
        (200, json!({"status": "ok"}))
    );
    assert_eq!(
        get_json(&app, "/ready").await,
        (200, json!({"status": "ready"}))
    );
}

async fn probes_need_no_signature_in_sigv4_mode(app: TestApp) {
    for path in ["/health", "/ready"] {
        assert_eq!(get_json(&app, path).await.0, 200, "{path}");
    }
    metrics(&app).await;
    // The extensions stay guarded.
    assert_ne!(get_json(&app, "/_cognate/outbox").await.0, 200);
}

/// Takes this build's newest migration back out of the database's record, as if the database
/// were one migration behind.
async fn forget_newest_migration(url: &str) {
    use sqlx::Connection;
    let forget =
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)";
    if url.starts_with("sqlite:") {
        let mut connection = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query(forget).execute(&mut connection).await.unwrap();
    } else {
        let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query(forget).execute(&mut connection).await.unwrap();
    }
}

async fn ready_refuses_while_a_migration_is_pending(backend: Backend) {
    let Some(database) = KeptDatabase::new(backend).await else {
        return;
    };
    let mut config = test_config();
    config.database.url = database.url.clone();
    let app = TestApp::start(config).await;
    assert_eq!(get_json(&app, "/ready").await.0, 200);

    forget_newest_migration(&database.url).await;
    let pending = json!({"status": "not ready", "reason": "1 database migrations pending"});
    assert_eq!(get_json(&app, "/ready").await, (503, pending));
    // Liveness is not readiness: the process still answers.
    assert_eq!(get_json(&app, "/health").await.0, 200);
}
