//! Benchmarks (ignored: run them on purpose, in release, and read the numbers they print; no
//! timed assertions):
//!
//!     cargo test --release -p cognate-testkit --test it -- triggers::bench --ignored --nocapture
//!
//! - `invocation_overhead`: N pre authentication invocations through `Triggers` (event built,
//!   SigV4-signed Invoke API call over `aws-sdk-lambda`, reply parsed, logged) against the
//!   stand-in answering with the event at once, beside N bare HTTP POSTs of the same event to the
//!   same stand-in: the difference is what Cognate adds per invocation.
//! - `sign_in_with_pre_token_generation`: InitiateAuth USER_PASSWORD_AUTH at concurrency 32 in a
//!   pool with a pre token generation function (the stand-in echoing) beside a pool without one.

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, LambdaConfigType};
use cognate_domain::clock::SystemClock;
use cognate_lambda::events::pre_authentication::{self, PreAuthentication};
use cognate_lambda::{LambdaSettings, SdkInvoker, TriggerCall, Triggers};
use cognate_testkit::lambda::{Reply, StandInLambda, arn};
use cognate_testkit::{Backend, PASSWORD, TestApp};
use tokio::task::JoinSet;

use super::pool_with;

const INVOCATIONS: usize = 2_000;
const CONCURRENCY: usize = 32;
const SIGN_INS_PER_TASK: usize = 40;

#[allow(clippy::disallowed_methods)] // latency measurement
fn now() -> std::time::Instant {
    std::time::Instant::now()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run with --ignored --nocapture, in release"]
async fn invocation_overhead() {
    let lambda = StandInLambda::start().await;
    let function = arn("echo");
    lambda.register(&function, Reply::echo());
    let settings = LambdaSettings {
        endpoint: Some(lambda.endpoint.clone()),
        log_capacity: 1_000,
        default_region: "us-east-1".into(),
        ..LambdaSettings::default()
    };
    let invoker = Arc::new(SdkInvoker::new(settings));
    let triggers = Triggers::new(invoker, Arc::new(SystemClock), "us-east-1".into(), 1_000);
    let call = TriggerCall {
        function: &function,
        source: "PreAuthentication_Authentication",
        version: "1",
        pool_id: "us-east-1_bench0000",
        user_name: "alice",
        client_id: Some("bench"),
    };
    let request = pre_authentication::Request {
        user_attributes: [("email".to_string(), "alice@example.com".to_string())].into(),
        validation_data: None,
        user_not_found: None,
    };
    let invoke = || triggers.invoke::<PreAuthentication>(call, &request);
    for _ in 0..100 {
        invoke().await.unwrap();
    }
    let started = now();
    for _ in 0..INVOCATIONS {
        invoke().await.unwrap();
    }
    let through_triggers = started.elapsed();

    // The testkit's HTTP client (spawning an app sets up what reqwest's TLS needs).
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let http = app.http.clone();
    let url = format!(
        "{}/2015-03-31/functions/{function}/invocations",
        lambda.endpoint
    );
    let body = serde_json::to_vec(&lambda.events(&function)[0]).unwrap();
    for _ in 0..100 {
        http.post(&url)
            .body(body.clone())
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
    }
    let started = now();
    for _ in 0..INVOCATIONS {
        http.post(&url)
            .body(body.clone())
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
    }
    let bare = started.elapsed();
    let per = |d: Duration| d.as_secs_f64() * 1e6 / INVOCATIONS as f64;
    println!(
        "invocations: {INVOCATIONS}; through Triggers {:.1} µs each, bare POST {:.1} µs each, \
         overhead {:.1} µs per invocation",
        per(through_triggers),
        per(bare),
        per(through_triggers) - per(bare)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run with --ignored --nocapture, in release"]
async fn sign_in_with_pre_token_generation() {
    let lambda = StandInLambda::start().await;
    let function = arn("pre-token");
    lambda.register(&function, Reply::echo());
    let app = TestApp::spawn_with_lambda(Backend::Sqlite, &lambda)
        .await
        .unwrap();
    let with = LambdaConfigType::builder()
        .pre_token_generation(&function)
        .build();
    for (label, config) in [
        ("without trigger", LambdaConfigType::builder().build()),
        ("with pre token generation", with),
    ] {
        let (pool_id, client_id) = pool_with(&app, config).await;
        for n in 0..CONCURRENCY {
            app.confirmed_user(&pool_id, &format!("user{n}"), PASSWORD)
                .await;
        }
        let started = now();
        let mut tasks = JoinSet::new();
        for n in 0..CONCURRENCY {
            let (idp, client_id) = (app.idp.clone(), client_id.clone());
            tasks.spawn(async move {
                let mut latencies = Vec::with_capacity(SIGN_INS_PER_TASK);
                for _ in 0..SIGN_INS_PER_TASK {
                    let one = now();
                    idp.initiate_auth()
                        .client_id(&client_id)
                        .auth_flow(AuthFlowType::UserPasswordAuth)
                        .auth_parameters("USERNAME", format!("user{n}"))
                        .auth_parameters("PASSWORD", PASSWORD)
                        .send()
                        .await
                        .unwrap();
                    latencies.push(one.elapsed());
                }
                latencies
            });
        }
        let mut latencies: Vec<Duration> = tasks.join_all().await.into_iter().flatten().collect();
        let elapsed = started.elapsed();
        latencies.sort();
        let at =
            |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
        println!(
            "InitiateAuth {label}: {} sign-ins at concurrency {CONCURRENCY}: {:.0}/s, p50 {:.1} ms, p99 {:.1} ms",
            latencies.len(),
            latencies.len() as f64 / elapsed.as_secs_f64(),
            at(0.5).as_secs_f64() * 1e3,
            at(0.99).as_secs_f64() * 1e3,
        );
    }
}
