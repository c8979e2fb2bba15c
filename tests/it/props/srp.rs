//! USER_SRP_AUTH under arbitrary client input, through the running server: any SRP_A is a
//! challenge or InvalidParameterException (k·N always the latter); a PASSWORD_VERIFIER answer
//! with any part altered (signature, secret block, timestamp, username) is refused with a typed
//! error and never signs in, while the unaltered answer does.

use std::sync::atomic::{AtomicUsize, Ordering};

use cognate_domain::Clock;
use cognate_testkit::srp_client::{srp_prime_hex, srp_timestamp};
use cognate_testkit::{PASSWORD, TestApp, backend_tests};
use num_bigint::BigUint;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;
use serde_json::{Value, json};

use super::{no_outside_calls, run, typed};
use crate::auth::fixture;

backend_tests!(
    config = no_outside_calls;
    any_srp_a_is_a_challenge_or_a_typed_refusal,
    only_the_unaltered_proof_signs_in,
);

const INITIATE: &str = "AWSCognitoIdentityProviderService.InitiateAuth";
const RESPOND: &str = "AWSCognitoIdentityProviderService.RespondToAuthChallenge";

fn srp_a() -> impl Strategy<Value = (String, bool)> {
    let multiple = (0u32..200, any::<bool>()).prop_map(|(k, upper)| {
        let n = BigUint::parse_bytes(srp_prime_hex().as_bytes(), 16).unwrap();
        let text = (n * BigUint::from(k)).to_str_radix(16);
        (if upper { text.to_uppercase() } else { text }, true)
    });
    let other = prop_oneof![
        "[0-9a-fA-F]{1,780}",
        any::<String>(),
        "[0-9a-f]{0,8}[^0-9a-f][0-9a-f]{0,8}",
    ]
    .prop_map(|text| (text, false));
    prop_oneof![multiple, other]
}

async fn any_srp_a_is_a_challenge_or_a_typed_refusal(app: TestApp) {
    let (_, client_id) = fixture(&app).await;
    run(srp_a(), |(a, degenerate)| {
        let (app, client_id) = (&app, client_id.clone());
        async move {
            let body = json!({
                "ClientId": client_id,
                "AuthFlow": "USER_SRP_AUTH",
                "AuthParameters": {"USERNAME": "alice", "SRP_A": a},
            });
            let response = app.raw(INITIATE, body.to_string()).await;
            typed(&response)?;
            if response.status == 200 {
                prop_assert!(!degenerate, "k·N was taken as SRP_A");
                prop_assert_eq!(&response.json()["ChallengeName"], "PASSWORD_VERIFIER");
            } else {
                prop_assert_eq!(response.error_type(), "InvalidParameterException");
            }
            Ok(())
        }
    });
}

/// What to do to a genuine PASSWORD_VERIFIER answer.
#[derive(Debug, Clone)]
enum Alter {
    Nothing,
    /// Replace one character of the named response by one of `base64 + ":"`, or add one.
    Edit(&'static str, Index, Index),
    Replace(&'static str, String),
    /// Sign at another instant than the one sent.
    Skew(i64),
}

fn alter() -> impl Strategy<Value = Alter> {
    let response = prop::sample::select(vec![
        "PASSWORD_CLAIM_SIGNATURE",
        "PASSWORD_CLAIM_SECRET_BLOCK",
        "TIMESTAMP",
        "USERNAME",
    ]);
    prop_oneof![
        1 => Just(Alter::Nothing),
        4 => (response.clone(), any::<Index>(), any::<Index>()).prop_map(|(r, at, c)| Alter::Edit(r, at, c)),
        2 => (response, any::<String>()).prop_map(|(r, text)| Alter::Replace(r, text)),
        1 => prop_oneof![-100_000i64..0, 1i64..100_000].prop_map(Alter::Skew),
    ]
}

const EDIT_CHARS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=:";

fn edit(text: &str, at: Index, c: Index) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let replacements: Vec<char> = EDIT_CHARS.chars().collect();
    let i = at.index(chars.len() + 1);
    let mut new = *c.get(&replacements);
    if i < chars.len() {
        if new == chars[i] {
            new = if new == 'A' { 'B' } else { 'A' };
        }
        chars[i] = new;
    } else {
        chars.push(new);
    }
    chars.into_iter().collect()
}

static USERS: AtomicUsize = AtomicUsize::new(0);

async fn only_the_unaltered_proof_signs_in(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    run(alter(), |alter| {
        let (app, pool_id, client_id) = (&app, pool_id.clone(), client_id.clone());
        async move { answer(app, &pool_id, &client_id, alter).await }
    });
}

/// A fresh user each case: wrong proofs count toward its lockout.
async fn answer(
    app: &TestApp,
    pool_id: &str,
    client_id: &str,
    alter: Alter,
) -> Result<(), TestCaseError> {
    let username = format!("user{}", USERS.fetch_add(1, Ordering::Relaxed));
    app.confirmed_user(pool_id, &username, PASSWORD).await;
    let challenge = app.srp_challenge(pool_id, client_id, &username).await;
    let now = app.clock.now().secs();
    let signed_at = match alter {
        Alter::Skew(secs) => now + secs,
        _ => now,
    };
    let signature =
        challenge
            .client
            .signature(PASSWORD, &challenge.parameters, &srp_timestamp(signed_at));
    let mut responses = json!({
        "USERNAME": challenge.parameters["USER_ID_FOR_SRP"],
        "PASSWORD_CLAIM_SECRET_BLOCK": challenge.parameters["SECRET_BLOCK"],
        "PASSWORD_CLAIM_SIGNATURE": signature,
        "TIMESTAMP": srp_timestamp(now),
    });
    let edited = match &alter {
        Alter::Nothing | Alter::Skew(_) => None,
        Alter::Edit(name, at, c) => {
            let text = responses[*name].as_str().unwrap_or_default();
            Some((*name, edit(text, *at, *c)))
        }
        Alter::Replace(name, text) => Some((*name, text.clone())),
    };
    // The same answer in other words: Cognito reads the timestamp's words in any case (the
    // fixture pool's usernames are case-sensitive, AWS's default for API-made pools).
    let same = |(name, text): &(&str, String)| {
        let original = responses[*name].as_str().unwrap_or_default();
        match *name {
            "TIMESTAMP" => text.eq_ignore_ascii_case(original),
            _ => text == original,
        }
    };
    let genuine = match &edited {
        Some(edit) => same(edit),
        None => matches!(alter, Alter::Nothing),
    };
    if let Some((name, text)) = edited {
        responses[name] = Value::from(text);
    }
    let body = json!({
        "ClientId": client_id,
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeResponses": responses,
    });
    let response = app.raw(RESPOND, body.to_string()).await;
    typed(&response)?;
    let signed_in = response.json()["AuthenticationResult"]["AccessToken"].is_string();
    prop_assert_eq!(signed_in, genuine, "{:?}: {}", alter, response.text);
    Ok(())
}
