//! The invocation log: the last invocations (bounded), newest first, for
//! `GET /_cognate/invocations`. Events and replies are kept with secrets redacted.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde::Serialize;
use serde_json::Value;

/// How an invocation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    FunctionError,
    InvalidResponse,
    Failed,
    Timeout,
}

impl Outcome {
    /// The name the invocation log and the metrics give it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::FunctionError => "function_error",
            Self::InvalidResponse => "invalid_response",
            Self::Failed => "failed",
            Self::Timeout => "timeout",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct InvocationRecord {
    pub id: u64,
    pub pool_id: String,
    /// The `LambdaConfig` name (`PreSignUp`...).
    pub trigger: String,
    pub trigger_source: String,
    pub function: String,
    /// Epoch seconds (from the injected clock).
    pub created_at: i64,
    pub duration_ms: f64,
    pub attempts: u32,
    pub outcome: Outcome,
    /// The Cognito error the caller got, when the outcome is not `ok`.
    pub error: Option<String>,
    pub event: Value,
    /// The reply as JSON when it was JSON, else as text; `null` when there was none.
    pub reply: Value,
}

#[derive(Debug, Clone, Default)]
pub struct InvocationFilter {
    pub pool_id: Option<String>,
    /// A `LambdaConfig` name (`PreSignUp`) or a trigger source (`PreSignUp_SignUp`).
    pub trigger: Option<String>,
}

pub struct InvocationLog {
    capacity: usize,
    records: Mutex<(u64, VecDeque<InvocationRecord>)>,
}

impl InvocationLog {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            records: Mutex::new((0, VecDeque::new())),
        }
    }

    pub fn record(&self, mut record: InvocationRecord) {
        let Ok(mut guard) = self.records.lock() else {
            return;
        };
        let (next_id, records) = &mut *guard;
        *next_id += 1;
        record.id = *next_id;
        if records.len() == self.capacity {
            records.pop_front();
        }
        records.push_back(record);
    }

    /// Newest first, at most `limit`.
    pub fn list(&self, filter: &InvocationFilter, limit: usize) -> Vec<InvocationRecord> {
        let Ok(guard) = self.records.lock() else {
            return Vec::new();
        };
        guard
            .1
            .iter()
            .rev()
            .filter(|r| filter.pool_id.as_ref().is_none_or(|p| *p == r.pool_id))
            .filter(|r| {
                filter
                    .trigger
                    .as_ref()
                    .is_none_or(|t| *t == r.trigger || *t == r.trigger_source)
            })
            .take(limit)
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(pool: &str, trigger: &str) -> InvocationRecord {
        InvocationRecord {
            id: 0,
            pool_id: pool.into(),
            trigger: trigger.into(),
            trigger_source: format!("{trigger}_SignUp"),
            function: "f".into(),
            created_at: 0,
            duration_ms: 0.0,
            attempts: 1,
            outcome: Outcome::Ok,
            error: None,
            event: Value::Null,
            reply: Value::Null,
        }
    }

    #[test]
    fn keeps_the_newest_within_capacity_and_filters() {
        let log = InvocationLog::new(2);
        log.record(record("a", "PreSignUp"));
        log.record(record("b", "PreSignUp"));
        log.record(record("a", "CustomMessage"));
        let all = log.list(&InvocationFilter::default(), 10);
        assert_eq!(all.iter().map(|r| r.id).collect::<Vec<_>>(), vec![3, 2]);
        let filter = InvocationFilter {
            trigger: Some("PreSignUp_SignUp".into()),
            ..InvocationFilter::default()
        };
        assert_eq!(log.list(&filter, 10).len(), 1);
    }
}
