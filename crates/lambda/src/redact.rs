//! What the invocation log must not keep: passwords, challenge answers and the private
//! challenge parameters (which hold the expected answer), codes.

use serde_json::Value;

const SECRET_KEYS: &[&str] = &[
    "password",
    "challengeAnswer",
    "privateChallengeParameters",
    "code",
];

pub const REDACTED: &str = "<redacted>";

/// `value` with every secret member replaced, at any depth.
pub fn redact(mut value: Value) -> Value {
    redact_in_place(&mut value);
    value
}

fn redact_in_place(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, member) in map.iter_mut() {
                if SECRET_KEYS.contains(&key.as_str()) && !member.is_null() {
                    *member = Value::String(REDACTED.into());
                } else {
                    redact_in_place(member);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_in_place),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_replaced_at_any_depth() {
        let event = json!({"request": {"password": "p", "userAttributes": {"email": "e"},
            "privateChallengeParameters": {"answer": "4"}}, "response": {"code": null}});
        let out = redact(event);
        assert_eq!(out["request"]["password"], REDACTED);
        assert_eq!(out["request"]["privateChallengeParameters"], REDACTED);
        assert_eq!(out["request"]["userAttributes"]["email"], "e");
        assert!(out["response"]["code"].is_null());
    }
}
