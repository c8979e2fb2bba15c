use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;

use super::*;

/// One key for all tests: generation is the slow part.
fn key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate().unwrap())
}

fn lookup(kid: &str) -> Option<PublicKey> {
    (kid == key().kid()).then(|| key().public_key().clone())
}

fn claims() -> Value {
    json!({"sub": "abc", "iss": "http://localhost/us-east-1_Abc", "token_use": "access",
           "client_id": "client1", "exp": 2_000, "iat": 1_000})
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Replaces one segment of a token.
fn with_segment(token: &str, index: usize, segment: &str) -> String {
    let mut parts: Vec<&str> = token.split('.').collect();
    parts[index] = segment;
    parts.join(".")
}

#[test]
fn sign_then_verify_round_trips() {
    let token = sign(key(), &claims()).unwrap();
    assert_eq!(verify(&token, lookup).unwrap(), claims());
}

#[test]
fn header_is_kid_then_alg() {
    let token = sign(key(), &claims()).unwrap();
    let header = URL_SAFE_NO_PAD
        .decode(token.split('.').next().unwrap())
        .unwrap();
    let expected = format!(r#"{{"kid":"{}","alg":"RS256"}}"#, key().kid());
    assert_eq!(String::from_utf8(header).unwrap(), expected);
}

#[test]
fn decode_unverified_returns_header_and_claims() {
    let token = sign(key(), &claims()).unwrap();
    let (header, decoded) = decode_unverified(&token).unwrap();
    assert_eq!(header.kid.as_deref(), Some(key().kid()));
    assert_eq!(header.alg, "RS256");
    assert_eq!(decoded, claims());
}

#[test]
fn tampered_payload_is_rejected() {
    let token = sign(key(), &claims()).unwrap();
    let forged = b64(json!({"sub": "admin", "exp": 2_000}).to_string().as_bytes());
    let tampered = with_segment(&token, 1, &forged);
    assert!(matches!(
        verify(&tampered, lookup),
        Err(CryptoError::InvalidSignature)
    ));
}

#[test]
fn tampered_signature_is_rejected() {
    let token = sign(key(), &claims()).unwrap();
    let mut signature = URL_SAFE_NO_PAD
        .decode(token.rsplit('.').next().unwrap())
        .unwrap();
    signature[10] ^= 1;
    let tampered = with_segment(&token, 2, &b64(&signature));
    assert!(matches!(
        verify(&tampered, lookup),
        Err(CryptoError::InvalidSignature)
    ));
}

#[test]
fn alg_none_and_hmac_are_rejected() {
    let payload = b64(claims().to_string().as_bytes());
    for alg in ["none", "HS256", "RS512", "rs256"] {
        let header = b64(format!(r#"{{"kid":"{}","alg":"{alg}"}}"#, key().kid()).as_bytes());
        for signature in ["", "AAAA"] {
            let token = format!("{header}.{payload}.{signature}");
            assert!(
                verify(&token, lookup).is_err(),
                "accepted alg {alg} with signature {signature:?}"
            );
        }
        let token = format!("{header}.{payload}.AAAA");
        assert!(matches!(
            verify(&token, lookup),
            Err(CryptoError::UnsupportedAlgorithm(_))
        ));
    }
}

#[test]
fn unknown_or_missing_kid_is_rejected() {
    let token = sign(key(), &claims()).unwrap();
    assert!(matches!(
        verify(&token, |_| None),
        Err(CryptoError::UnknownKeyId)
    ));
    let header = b64(br#"{"alg":"RS256"}"#);
    let without_kid = with_segment(&token, 0, &header);
    assert!(matches!(
        verify(&without_kid, lookup),
        Err(CryptoError::UnknownKeyId)
    ));
}

#[test]
fn signature_from_another_key_is_rejected() {
    let other = SigningKey::generate().unwrap();
    let token = sign(key(), &claims()).unwrap();
    let result = verify(&token, |_| Some(other.public_key().clone()));
    assert!(matches!(result, Err(CryptoError::InvalidSignature)));
}

#[test]
fn malformed_tokens_are_rejected() {
    let token = sign(key(), &claims()).unwrap();
    let cases = [
        String::new(),
        "a.b".to_owned(),
        format!("{token}.extra"),
        format!(".{}", token.split_once('.').unwrap().1),
        with_segment(&token, 1, "!!!"),
        with_segment(&token, 1, &b64(b"[1,2]")),
        with_segment(&token, 0, &b64(b"not json")),
        format!("{token}="),
    ];
    for case in cases {
        assert!(verify(&case, lookup).is_err(), "accepted {case:?}");
    }
}

#[test]
fn critical_extensions_are_rejected() {
    let token = sign(key(), &claims()).unwrap();
    let header = format!(r#"{{"kid":"{}","alg":"RS256","crit":["x"]}}"#, key().kid());
    let with_crit = with_segment(&token, 0, &b64(header.as_bytes()));
    assert!(matches!(
        verify(&with_crit, lookup),
        Err(CryptoError::MalformedToken(_))
    ));
}

#[test]
fn oversized_tokens_are_rejected_before_lookup() {
    let huge = "a".repeat(MAX_TOKEN_BYTES + 1);
    let result = verify(&huge, |_| panic!("lookup must not be reached"));
    assert!(matches!(result, Err(CryptoError::TokenTooLarge)));
}

#[test]
fn non_object_claims_cannot_be_signed() {
    assert!(sign(key(), &json!([1, 2])).is_err());
    assert!(sign(key(), "string").is_err());
}

#[test]
fn standard_claims_are_checked() {
    let claims = claims();
    let checks = ClaimChecks {
        issuer: Some("http://localhost/us-east-1_Abc"),
        client_id: Some("client1"),
        token_use: Some("access"),
        leeway_secs: 0,
    };
    check_standard_claims(&claims, 1_999, &checks).unwrap();
    assert!(matches!(
        check_standard_claims(&claims, 2_000, &checks),
        Err(CryptoError::Expired)
    ));
    let lenient = ClaimChecks {
        leeway_secs: 5,
        ..checks
    };
    check_standard_claims(&claims, 2_004, &lenient).unwrap();

    let wrong_iss = ClaimChecks {
        issuer: Some("other"),
        ..checks
    };
    assert!(matches!(
        check_standard_claims(&claims, 1_500, &wrong_iss),
        Err(CryptoError::InvalidClaim("iss"))
    ));
    let wrong_use = ClaimChecks {
        token_use: Some("id"),
        ..checks
    };
    assert!(check_standard_claims(&claims, 1_500, &wrong_use).is_err());
    let wrong_client = ClaimChecks {
        client_id: Some("client2"),
        ..checks
    };
    assert!(check_standard_claims(&claims, 1_500, &wrong_client).is_err());
}

#[test]
fn id_token_audience_and_nbf_are_checked() {
    let id_claims = json!({"aud": "client1", "exp": 2_000, "nbf": 1_500});
    let checks = ClaimChecks {
        client_id: Some("client1"),
        ..ClaimChecks::default()
    };
    check_standard_claims(&id_claims, 1_600, &checks).unwrap();
    assert!(matches!(
        check_standard_claims(&id_claims, 1_400, &checks),
        Err(CryptoError::InvalidClaim("nbf"))
    ));
    let missing_exp = json!({"aud": "client1"});
    assert!(matches!(
        check_standard_claims(&missing_exp, 1_600, &checks),
        Err(CryptoError::InvalidClaim("exp"))
    ));
}
