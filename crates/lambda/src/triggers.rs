//! `Triggers`: builds a trigger's event, invokes its function with AWS's time-out and retries,
//! maps the outcome to Cognito's errors and records the invocation.

use std::sync::Arc;
use std::time::Duration;

use cognate_domain::Clock;
use serde_json::Value;

use crate::config::{ATTEMPT_TIMEOUT, MAX_ATTEMPTS};
use crate::error::TriggerError;
use crate::events::{CallerContext, Event, NO_CLIENT, Trigger, TriggerCall};
use crate::invoker::{InvokeFailure, Invoker, Reply};
use crate::log::{InvocationFilter, InvocationLog, InvocationRecord, Outcome};
use crate::redact::redact;

/// What Cognito reports as its SDK in `callerContext.awsSdkVersion` for calls it cannot
/// attribute to one.
const SDK_VERSION: &str = "aws-sdk-unknown-unknown";

/// The region a pool lives in: its id's prefix (`us-west-2_AbC…`). Pools of several regions
/// share one server, so the configured region is only the fallback.
fn pool_region(pool_id: &str) -> Option<&str> {
    pool_id.split_once('_').map(|(region, _)| region)
}

/// Told of every invocation as it ends (the server's metrics): the `LambdaConfig` name, how it
/// ended and how long it took, attempts included.
pub trait InvocationObserver: Send + Sync {
    fn invoked(&self, trigger: &'static str, outcome: Outcome, elapsed: Duration);
}

pub struct Triggers {
    invoker: Arc<dyn Invoker>,
    clock: Arc<dyn Clock>,
    region: String,
    log: InvocationLog,
    timeout: Duration,
    observer: Option<Arc<dyn InvocationObserver>>,
}

impl Triggers {
    pub fn new(
        invoker: Arc<dyn Invoker>,
        clock: Arc<dyn Clock>,
        region: String,
        log_capacity: usize,
    ) -> Self {
        Self {
            invoker,
            clock,
            region,
            log: InvocationLog::new(log_capacity),
            timeout: ATTEMPT_TIMEOUT,
            observer: None,
        }
    }

    /// These triggers, telling `observer` of every invocation.
    pub fn observed_by(mut self, observer: Arc<dyn InvocationObserver>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// The recorded invocations, newest first.
    pub fn invocations(&self, filter: &InvocationFilter, limit: usize) -> Vec<InvocationRecord> {
        self.log.list(filter, limit)
    }

    /// Invokes `call.function` with `request`; the function's `response`, or AWS's error.
    pub async fn invoke<T: Trigger>(
        &self,
        call: TriggerCall<'_>,
        request: &T::Request,
    ) -> Result<T::Response, TriggerError> {
        let event = Event {
            version: call.version,
            trigger_source: call.source,
            region: pool_region(call.pool_id).unwrap_or(&self.region),
            user_pool_id: call.pool_id,
            user_name: call.user_name,
            caller_context: CallerContext {
                aws_sdk_version: SDK_VERSION,
                client_id: call.client_id.unwrap_or(NO_CLIENT),
            },
            request,
            response: T::Response::default(),
        };
        let event = serde_json::to_value(&event).map_err(|error| {
            tracing::error!(%error, trigger = T::NAME, "a trigger event did not serialise");
            TriggerError::invocation_failed(T::NAME, "InvalidRequestContentException")
        })?;
        let payload = serde_json::to_vec(&event).unwrap_or_default();
        #[allow(clippy::disallowed_methods)] // latency of the invocation, not a wall-clock read
        let started = std::time::Instant::now();
        let (attempts, reply) = self.attempt(call.function, payload).await;
        let elapsed = started.elapsed();
        let (outcome, result) = match &reply {
            Ok(reply) => interpret::<T>(reply),
            Err(failure) => (
                if *failure == InvokeFailure::Timeout {
                    Outcome::Timeout
                } else {
                    Outcome::Failed
                },
                Err(TriggerError::invocation_failed(T::NAME, failure.code())),
            ),
        };
        if let Some(observer) = &self.observer {
            observer.invoked(T::NAME, outcome, elapsed);
        }
        self.record::<T>(&call, event, &reply, attempts, elapsed, outcome, &result);
        result
    }

    /// Up to three attempts of at most five seconds each, again only after a failure AWS
    /// retries (time-out, unreachable, throttled, service error): never after a function error.
    async fn attempt(
        &self,
        function: &str,
        payload: Vec<u8>,
    ) -> (u32, Result<Reply, InvokeFailure>) {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = match tokio::time::timeout(
                self.timeout,
                self.invoker.invoke(function, payload.clone()),
            )
            .await
            {
                Ok(result) => result,
                Err(_) => Err(InvokeFailure::Timeout),
            };
            match result {
                Err(failure) if failure.retryable() && attempt < MAX_ATTEMPTS => continue,
                other => return (attempt, other),
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn record<T: Trigger>(
        &self,
        call: &TriggerCall<'_>,
        event: Value,
        reply: &Result<Reply, InvokeFailure>,
        attempts: u32,
        elapsed: Duration,
        outcome: Outcome,
        result: &Result<T::Response, TriggerError>,
    ) {
        let duration_ms = elapsed.as_secs_f64() * 1000.0;
        let error = result.as_ref().err().map(|e| e.code().to_string());
        match &error {
            None => tracing::info!(
                pool = call.pool_id,
                trigger = call.source,
                function = call.function,
                duration_ms,
                attempts,
                "trigger invoked"
            ),
            Some(code) => tracing::warn!(
                pool = call.pool_id, trigger = call.source, function = call.function,
                duration_ms, attempts, outcome = ?outcome, error = %code, "trigger failed"
            ),
        }
        let reply = match reply {
            Ok(reply) => redact(reply_json(&reply.payload)),
            Err(_) => Value::Null,
        };
        self.log.record(InvocationRecord {
            id: 0,
            pool_id: call.pool_id.to_string(),
            trigger: T::NAME.to_string(),
            trigger_source: call.source.to_string(),
            function: call.function.to_string(),
            created_at: self.clock.now().secs(),
            duration_ms,
            attempts,
            outcome,
            error,
            event: redact(event),
            reply,
        });
    }
}

/// A reply as AWS reads it: a function error, or the event with its `response`.
fn interpret<T: Trigger>(reply: &Reply) -> (Outcome, Result<T::Response, TriggerError>) {
    if reply.function_error.is_some() {
        let message = error_message(&reply.payload);
        return (
            Outcome::FunctionError,
            Err(TriggerError::function_error(T::NAME, &message)),
        );
    }
    let parsed = serde_json::from_slice::<Value>(&reply.payload)
        .ok()
        .and_then(|value| match value {
            Value::Object(mut map) => match map.remove("response") {
                None | Some(Value::Null) => Some(T::Response::default()),
                Some(response) => serde_json::from_value(response).ok(),
            },
            _ => None,
        });
    match parsed {
        Some(response) => (Outcome::Ok, Ok(response)),
        None => (
            Outcome::InvalidResponse,
            Err(TriggerError::unrecognizable()),
        ),
    }
}

/// `errorMessage` of Lambda's error document, else the body as text.
fn error_message(payload: &[u8]) -> String {
    match serde_json::from_slice::<Value>(payload) {
        Ok(Value::Object(map)) => match map.get("errorMessage") {
            Some(Value::String(message)) => message.clone(),
            Some(other) => other.to_string(),
            None => String::from_utf8_lossy(payload).into_owned(),
        },
        _ => String::from_utf8_lossy(payload).into_owned(),
    }
}

fn reply_json(payload: &[u8]) -> Value {
    if payload.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(payload)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(payload).into_owned()))
}

#[cfg(test)]
#[path = "triggers_tests.rs"]
mod tests;
