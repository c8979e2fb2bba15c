//! Property tests against the running server: arbitrary requests on every target, and the SRP
//! sign-in under arbitrary inputs. Every answer is typed (an AWS error envelope or the
//! operation's output), none is a 500, and the server keeps answering.
//! Their case counts are an eighth of proptest's (`PROPTEST_CASES`, 256 by default): each case
//! is a round trip or more.

mod protocol;
mod srp;

use std::future::Future;

use cognate_server::Config;
use cognate_testkit::RawResponse;
use proptest::test_runner::{Config as RunnerConfig, TestCaseError, TestRunner};

// The body generator of the decoders' property tests (crates/model), shared as a file: it is
// test code over the model's tables, and this binary needs exactly it.
#[allow(dead_code)]
#[path = "../../../crates/model/tests/props/values.rs"]
mod values;

/// Triggers call a Lambda endpoint that refuses at once (a closed loopback port): arbitrary
/// pool settings name arbitrary functions, and nothing may leave this machine.
pub fn no_outside_calls(config: &mut Config) {
    config.lambda.endpoint = "http://127.0.0.1:1".into();
}

/// Runs `cases` of `strategy` through the async `property` on the test's runtime.
pub fn run<S, F, Fut>(strategy: S, property: F)
where
    S: proptest::strategy::Strategy,
    F: Fn(S::Value) -> Fut,
    Fut: Future<Output = Result<(), TestCaseError>>,
{
    let cases = (RunnerConfig::default().cases / 8).max(1);
    let config = RunnerConfig {
        cases,
        failure_persistence: None,
        ..RunnerConfig::default()
    };
    let handle = tokio::runtime::Handle::current();
    let result = tokio::task::block_in_place(|| {
        TestRunner::new(config).run(&strategy, |value| handle.block_on(property(value)))
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

/// An AWS JSON answer as AWS gives it: 200 with a JSON body, or 400 with `__type` in the body
/// and the `x-amzn-ErrorType` header. Never a 500.
pub fn typed(response: &RawResponse) -> Result<(), TestCaseError> {
    let json = response.json();
    match response.status {
        200 => proptest::prop_assert!(
            json.is_object(),
            "200 without a JSON object: {}",
            response.text
        ),
        400 => {
            let code = response.error_type();
            proptest::prop_assert!(!code.is_empty(), "400 without __type: {}", response.text);
            proptest::prop_assert_eq!(response.header("x-amzn-errortype"), Some(code.as_str()));
        }
        status => proptest::prop_assert!(false, "HTTP {status}: {}", response.text),
    }
    Ok(())
}
