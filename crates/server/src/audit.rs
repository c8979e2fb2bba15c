//! The audit log: one structured event (target `cognate::audit`) per admin or management call,
//! that is every operation AWS signs: the operation, the user pool or identity pool, the target
//! user, the outcome, the request id and, in `sigv4` mode, the caller's access key. Never
//! secrets: only those named fields are read from the input.

use axum::response::Response;
use serde_json::Value;

/// Logs the call of `target` with input `body` that got `response`.
pub fn record(
    request_id: &str,
    target: &str,
    body: &[u8],
    caller: Option<&str>,
    response: &Response,
) {
    let operation = target.rsplit('.').next().unwrap_or_default();
    let input: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let field = |name: &str| input.get(name).and_then(Value::as_str).unwrap_or_default();
    // The admin sign-in operations name their user inside the parameters (beside the
    // password, which is never read).
    let nested = |map: &str| input.get(map)?.get("USERNAME")?.as_str();
    let user = match field("Username") {
        "" => nested("AuthParameters")
            .or_else(|| nested("ChallengeResponses"))
            .unwrap_or_default(),
        named => named,
    };
    let outcome = match response.headers().get("x-amzn-errortype") {
        Some(code) => code.to_str().unwrap_or("error"),
        None if response.status().is_success() => "ok",
        None => "error",
    };
    tracing::info!(
        target: "cognate::audit",
        request_id,
        operation,
        user_pool = field("UserPoolId"),
        identity_pool = field("IdentityPoolId"),
        user,
        outcome,
        status = response.status().as_u16(),
        caller = caller.unwrap_or_default(),
        "admin call"
    );
}
