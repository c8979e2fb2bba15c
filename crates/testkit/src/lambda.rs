//! A stand-in AWS Lambda service: the Invoke API (`POST /2015-03-31/functions/{name}/invocations`)
//! on `127.0.0.1:0`, recording every invocation and answering as each function is scripted.
//! Start the app with `TestApp::spawn_with_lambda` to point `lambda.endpoint` at it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

/// How a function answers.
#[derive(Clone)]
pub enum Reply {
    /// The event, as the closure returns it (it gets the event received).
    Handler(Arc<dyn Fn(Value) -> Value + Send + Sync>),
    /// A function error (`X-Amz-Function-Error: Unhandled`) with this `errorMessage`.
    FunctionError(String),
    /// This body verbatim, status 200 (e.g. not JSON).
    Raw(String),
    /// Waits, then answers as the inner reply.
    Delay(Duration, Box<Reply>),
}

impl Reply {
    /// Answers with the event unchanged.
    pub fn echo() -> Self {
        Self::handler(|event| event)
    }

    pub fn handler(f: impl Fn(Value) -> Value + Send + Sync + 'static) -> Self {
        Self::Handler(Arc::new(f))
    }

    /// Answers with the event, its `response` replaced by `response`.
    pub fn respond(response: Value) -> Self {
        Self::handler(move |mut event| {
            event["response"] = response.clone();
            event
        })
    }
}

/// One invocation as received.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub function: String,
    pub headers: HashMap<String, String>,
    pub event: Value,
}

#[derive(Default)]
struct Functions {
    replies: Mutex<HashMap<String, Reply>>,
    calls: Mutex<Vec<Invocation>>,
}

pub struct StandInLambda {
    pub endpoint: String,
    functions: Arc<Functions>,
}

/// The ARN of a stand-in function named `name` (region us-east-1, the test account).
pub fn arn(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:123456789012:function:{name}")
}

impl StandInLambda {
    pub async fn start() -> Self {
        let functions = Arc::new(Functions::default());
        let router = Router::new()
            .route("/2015-03-31/functions/{name}/invocations", post(invoke))
            .with_state(functions.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the stand-in Lambda");
        let address = listener.local_addr().expect("a bound address");
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self {
            endpoint: format!("http://{address}"),
            functions,
        }
    }

    /// Registers (or re-scripts) the function `arn`.
    pub fn register(&self, arn: &str, reply: Reply) {
        self.functions
            .replies
            .lock()
            .expect("replies")
            .insert(arn.to_string(), reply);
    }

    /// Every invocation so far, oldest first.
    pub fn invocations(&self) -> Vec<Invocation> {
        self.functions.calls.lock().expect("calls").clone()
    }

    /// The events `arn` received, oldest first.
    pub fn events(&self, arn: &str) -> Vec<Value> {
        self.invocations()
            .into_iter()
            .filter(|i| i.function == arn)
            .map(|i| i.event)
            .collect()
    }
}

async fn invoke(
    State(functions): State<Arc<Functions>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    functions.calls.lock().expect("calls").push(Invocation {
        function: name.clone(),
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect(),
        event: event.clone(),
    });
    let reply = functions
        .replies
        .lock()
        .expect("replies")
        .get(&name)
        .cloned();
    match reply {
        None => (
            StatusCode::NOT_FOUND,
            [("x-amzn-ErrorType", "ResourceNotFoundException")],
            json!({"Type": "User", "message": format!("Function not found: {name}")}).to_string(),
        )
            .into_response(),
        Some(reply) => answer(reply, event).await,
    }
}

async fn answer(mut reply: Reply, event: Value) -> Response {
    while let Reply::Delay(delay, inner) = reply {
        tokio::time::sleep(delay).await;
        reply = *inner;
    }
    match reply {
        Reply::Handler(f) => (StatusCode::OK, f(event).to_string()).into_response(),
        Reply::FunctionError(message) => (
            StatusCode::OK,
            [("X-Amz-Function-Error", "Unhandled")],
            json!({"errorMessage": message, "errorType": "Error", "stackTrace": []}).to_string(),
        )
            .into_response(),
        Reply::Raw(body) => (StatusCode::OK, body).into_response(),
        Reply::Delay(..) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
