//! Where functions are invoked: one endpoint for all, per-function overrides, or real AWS.

use std::collections::HashMap;
use std::time::Duration;

/// The `[lambda]` settings the invoker needs.
#[derive(Debug, Clone, Default)]
pub struct LambdaSettings {
    /// The Lambda Invoke API endpoint for every function (`sam local start-lambda`, LocalStack, a
    /// stand-in). `None`: the real AWS Lambda of each ARN's region, with the default credential
    /// chain.
    pub endpoint: Option<String>,
    /// Function ARN → endpoint, for functions that live somewhere else than `endpoint`.
    pub functions: HashMap<String, String>,
    /// How many invocations the in-memory log keeps (oldest dropped first).
    pub log_capacity: usize,
    /// The region of a function named without a full ARN.
    pub default_region: String,
}

/// AWS's limit: a trigger function must answer within five seconds.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);

/// AWS: "If it doesn't [respond] and if the call can be retried, Amazon Cognito retries the call.
/// After 3 unsuccessful attempts, the function times out."
pub const MAX_ATTEMPTS: u32 = 3;

impl LambdaSettings {
    /// The endpoint to invoke `function` at, `None` for real AWS.
    pub fn endpoint_for(&self, function: &str) -> Option<&str> {
        self.functions
            .get(function)
            .or(self.endpoint.as_ref())
            .map(String::as_str)
            .filter(|e| !e.is_empty())
    }

    /// The region in a function ARN (`arn:aws:lambda:<region>:<account>:function:<name>`).
    pub fn region_of<'a>(&'a self, function: &'a str) -> &'a str {
        match function.split(':').collect::<Vec<_>>().as_slice() {
            ["arn", _, "lambda", region, ..] if !region.is_empty() => region,
            _ => &self.default_region,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_wins_over_the_common_endpoint() {
        let settings = LambdaSettings {
            endpoint: Some("http://a".into()),
            functions: HashMap::from([("arn:x".into(), "http://b".into())]),
            log_capacity: 1,
            default_region: "us-east-1".into(),
        };
        assert_eq!(settings.endpoint_for("arn:x"), Some("http://b"));
        assert_eq!(settings.endpoint_for("arn:y"), Some("http://a"));
    }

    #[test]
    fn region_comes_from_the_arn() {
        let settings = LambdaSettings {
            default_region: "us-east-1".into(),
            ..LambdaSettings::default()
        };
        assert_eq!(
            settings.region_of("arn:aws:lambda:eu-west-3:123456789012:function:f"),
            "eu-west-3"
        );
        assert_eq!(settings.region_of("my-function"), "us-east-1");
    }
}
