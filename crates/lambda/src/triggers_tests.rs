//! `Triggers` against scripted invokers: the error mapping and the retry policy.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use async_trait::async_trait;
use cognate_domain::TestClock;

use super::*;
use crate::events::pre_sign_up::{PreSignUp, Request};

type Script = Box<dyn Fn(&[u8]) -> Result<Reply, InvokeFailure> + Send>;

struct Scripted {
    calls: AtomicU32,
    reply: Mutex<Script>,
}

#[async_trait]
impl Invoker for Scripted {
    async fn invoke(&self, _function: &str, payload: Vec<u8>) -> Result<Reply, InvokeFailure> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let reply = self.reply.lock().map(|f| f(&payload));
        reply.unwrap_or(Err(InvokeFailure::Transport("poisoned".into())))
    }
}

fn triggers(
    reply: impl Fn(&[u8]) -> Result<Reply, InvokeFailure> + Send + 'static,
) -> (Triggers, Arc<Scripted>) {
    let invoker = Arc::new(Scripted {
        calls: AtomicU32::new(0),
        reply: Mutex::new(Box::new(reply)),
    });
    let triggers = Triggers::new(
        invoker.clone(),
        Arc::new(TestClock::default()),
        "us-east-1".into(),
        10,
    );
    (triggers, invoker)
}

fn call() -> TriggerCall<'static> {
    TriggerCall {
        function: "arn:aws:lambda:us-east-1:123456789012:function:f",
        source: "PreSignUp_SignUp",
        version: "1",
        pool_id: "us-east-1_abc",
        user_name: "alice",
        client_id: None,
    }
}

fn request() -> Request {
    Request {
        user_attributes: [("email".to_string(), "a@example.com".to_string())].into(),
        validation_data: None,
        client_metadata: None,
    }
}

fn ok(body: &str) -> Result<Reply, InvokeFailure> {
    Ok(Reply {
        payload: body.as_bytes().to_vec(),
        function_error: None,
    })
}

#[tokio::test]
async fn the_event_carries_the_common_parameters_and_the_response_is_read() {
    let (triggers, _) = triggers(|payload| {
        let mut event: Value = serde_json::from_slice(payload).unwrap();
        assert_eq!(event["callerContext"]["clientId"], NO_CLIENT);
        assert_eq!(event["userName"], "alice");
        assert_eq!(event["response"]["autoConfirmUser"], false);
        event["response"]["autoConfirmUser"] = Value::Bool(true);
        ok(&event.to_string())
    });
    let response = triggers
        .invoke::<PreSignUp>(call(), &request())
        .await
        .unwrap();
    assert_eq!(response.auto_confirm_user, Some(true));
}

#[tokio::test]
async fn a_function_error_is_a_user_lambda_validation_error() {
    let (triggers, invoker) = triggers(|_| {
        Ok(Reply {
            payload: br#"{"errorMessage":"no thanks","errorType":"Error"}"#.to_vec(),
            function_error: Some("Unhandled".into()),
        })
    });
    let error = triggers
        .invoke::<PreSignUp>(call(), &request())
        .await
        .unwrap_err();
    assert_eq!(
        error,
        TriggerError::UserLambdaValidation("PreSignUp failed with error no thanks.".into())
    );
    assert_eq!(
        invoker.calls.load(Ordering::SeqCst),
        1,
        "function errors are not retried"
    );
}

#[tokio::test]
async fn output_that_is_not_the_event_is_invalid() {
    for body in [
        "<html>",
        "null",
        "[1]",
        r#"{"response": {"autoConfirmUser": "yes"}}"#,
    ] {
        let (triggers, _) = triggers(move |_| ok(body));
        let error = triggers
            .invoke::<PreSignUp>(call(), &request())
            .await
            .unwrap_err();
        assert_eq!(error.code(), "InvalidLambdaResponseException", "{body}");
    }
}

#[tokio::test]
async fn failures_are_retried_three_times_then_unexpected() {
    let (triggers, invoker) = triggers(|_| Err(InvokeFailure::Transport("refused".into())));
    let error = triggers
        .invoke::<PreSignUp>(call(), &request())
        .await
        .unwrap_err();
    assert_eq!(error.code(), "UnexpectedLambdaException");
    assert_eq!(invoker.calls.load(Ordering::SeqCst), 3);
    let (triggers, invoker) = triggers_not_found();
    let error = triggers
        .invoke::<PreSignUp>(call(), &request())
        .await
        .unwrap_err();
    assert_eq!(
        error.message(),
        "PreSignUp invocation failed due to error ResourceNotFoundException."
    );
    assert_eq!(
        invoker.calls.load(Ordering::SeqCst),
        1,
        "a missing function is final"
    );
}

fn triggers_not_found() -> (Triggers, Arc<Scripted>) {
    triggers(|_| {
        Err(InvokeFailure::Service {
            code: "ResourceNotFoundException".into(),
            retryable: false,
        })
    })
}

#[tokio::test]
async fn the_log_keeps_the_event_without_secrets() {
    let (triggers, _) = triggers(|payload| ok(std::str::from_utf8(payload).unwrap()));
    let mut request = request();
    request.validation_data = Some([("password".to_string(), "s3cret".to_string())].into());
    triggers
        .invoke::<PreSignUp>(call(), &request)
        .await
        .unwrap();
    let records = triggers.invocations(&InvocationFilter::default(), 10);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].outcome, Outcome::Ok);
    assert_eq!(
        records[0].event["request"]["validationData"]["password"],
        "<redacted>"
    );
    assert_eq!(
        records[0].reply["request"]["validationData"]["password"],
        "<redacted>"
    );
}
