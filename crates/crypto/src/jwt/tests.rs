//! The token policy: round trips, and every forged or malformed token we know of refused,
//! including the cases jsonwebtoken's own advisories describe.

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use jsonwebtoken::{EncodingKey, Header};
use serde::ser::{SerializeMap, Serializer};
use serde_json::json;
use sha2::Sha256;

use super::*;

/// One key for all tests: generation is the slow part.
fn key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate().unwrap())
}

/// A key the server does not know: what an attacker signs with.
fn attacker() -> &'static SigningKey {
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

fn checks() -> ClaimChecks<'static> {
    ClaimChecks {
        issuer: Some("http://localhost/us-east-1_Abc"),
        client_id: Some("client1"),
        token_use: Some("access"),
        leeway_secs: 0,
    }
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

fn header_for(signer: &SigningKey) -> Header {
    rs256_header(signer.kid())
}

/// A token validly signed by `signer` with any header and claims, serialised as given (even
/// with repeated members): what `sign` never produces, but an attacker holding a key (or a
/// compromised issuer) could. Through jsonwebtoken directly, on our provider.
fn forge<C: Serialize>(signer: &SigningKey, header: &Header, claims: &C) -> String {
    backend::ensure_installed().unwrap();
    let der = signer.to_pkcs8_der().unwrap();
    jsonwebtoken::encode(header, claims, &EncodingKey::from_rsa_der(&der)).unwrap()
}

#[test]
fn sign_then_verify_round_trips() {
    let token = sign(key(), &claims()).unwrap();
    assert_eq!(verify(&token, lookup).unwrap(), claims());
}

#[test]
fn header_is_alg_and_kid_only() {
    let token = sign(key(), &claims()).unwrap();
    let header = URL_SAFE_NO_PAD
        .decode(token.split('.').next().unwrap())
        .unwrap();
    let expected = format!(r#"{{"alg":"RS256","kid":"{}"}}"#, key().kid());
    assert_eq!(String::from_utf8(header).unwrap(), expected);
}

#[test]
fn decode_unverified_returns_header_and_claims() {
    let token = sign(key(), &claims()).unwrap();
    let (header, decoded) = decode_unverified(&token).unwrap();
    assert_eq!(header.kid.as_deref(), Some(key().kid()));
    assert_eq!(header.alg, Algorithm::RS256);
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
    let truncated = with_segment(&token, 2, &b64(&signature[..255]));
    assert!(verify(&truncated, lookup).is_err());
    let empty = with_segment(&token, 2, "");
    assert!(verify(&empty, lookup).is_err());
}

#[test]
fn alg_none_and_other_algorithms_are_rejected() {
    let payload = b64(claims().to_string().as_bytes());
    let known = [
        "HS256", "HS384", "HS512", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
        "EdDSA",
    ];
    let unknown = ["none", "None", "NONE", "rs256", "RS256 ", ""];
    for alg in known.iter().chain(&unknown) {
        let header = b64(format!(r#"{{"kid":"{}","alg":"{alg}"}}"#, key().kid()).as_bytes());
        for signature in ["", "AAAA"] {
            let token = format!("{header}.{payload}.{signature}");
            assert!(
                verify(&token, lookup).is_err(),
                "accepted alg {alg} with signature {signature:?}"
            );
        }
    }
    for alg in known {
        let header = b64(format!(r#"{{"kid":"{}","alg":"{alg}"}}"#, key().kid()).as_bytes());
        let token = format!("{header}.{payload}.AAAA");
        assert!(
            matches!(
                verify(&token, lookup),
                Err(CryptoError::UnsupportedAlgorithm(_))
            ),
            "{alg}"
        );
    }
}

/// Algorithm confusion (CVE-2015-9235 and kin): an HS256 token whose HMAC key is the public
/// key, in every form a verifier might hand an HMAC routine.
#[test]
fn hmac_keyed_with_the_public_key_is_rejected() {
    let jwk = serde_json::to_vec(key().jwk()).unwrap();
    let modulus = match &key().jwk().algorithm {
        jsonwebtoken::jwk::AlgorithmParameters::RSA(rsa) => URL_SAFE_NO_PAD.decode(&rsa.n).unwrap(),
        _ => unreachable!(),
    };
    let header = b64(format!(r#"{{"alg":"HS256","kid":"{}"}}"#, key().kid()).as_bytes());
    let input = format!("{header}.{}", b64(claims().to_string().as_bytes()));
    for secret in [jwk.as_slice(), modulus.as_slice(), b"".as_slice()] {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
        mac.update(input.as_bytes());
        let token = format!("{input}.{}", b64(&mac.finalize().into_bytes()));
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
    let unsigned_kid = Header {
        kid: None,
        ..header_for(key())
    };
    let forged = forge(key(), &unsigned_kid, &claims());
    assert!(matches!(
        verify(&forged, lookup),
        Err(CryptoError::UnknownKeyId)
    ));
}

#[test]
fn signature_from_another_key_is_rejected() {
    let token = sign(attacker(), &claims()).unwrap();
    let result = verify(&token, |_| Some(key().public_key().clone()));
    assert!(matches!(result, Err(CryptoError::InvalidSignature)));
    // The attacker's token naming our kid.
    let forged = forge(attacker(), &header_for(key()), &claims());
    assert!(matches!(
        verify(&forged, lookup),
        Err(CryptoError::InvalidSignature)
    ));
}

/// A token carrying its own key (`jwk`), or pointing at one (`jku`, `x5u`, `x5c`), is checked
/// against the pool's keys only.
#[test]
fn keys_named_by_the_token_are_never_used() {
    let embedded = [
        Header {
            jwk: Some(attacker().jwk().clone()),
            ..header_for(key())
        },
        Header {
            jku: Some("https://attacker.example/jwks.json".into()),
            ..header_for(key())
        },
        Header {
            x5u: Some("https://attacker.example/cert.pem".into()),
            ..header_for(key())
        },
        Header {
            x5c: Some(vec!["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA".into()]),
            ..header_for(key())
        },
    ];
    for header in embedded {
        let with_our_kid = forge(attacker(), &header, &claims());
        assert!(matches!(
            verify(&with_our_kid, lookup),
            Err(CryptoError::InvalidSignature)
        ));
        let with_their_kid = forge(
            attacker(),
            &Header {
                kid: Some(attacker().kid().to_owned()),
                ..header
            },
            &claims(),
        );
        assert!(matches!(
            verify(&with_their_kid, lookup),
            Err(CryptoError::UnknownKeyId)
        ));
    }
}

#[test]
fn malformed_tokens_are_rejected() {
    let token = sign(key(), &claims()).unwrap();
    let (header, rest) = token.split_once('.').unwrap();
    let cases = [
        String::new(),
        ".".to_owned(),
        "..".to_owned(),
        "a.b".to_owned(),
        format!("{token}.extra"),
        format!("{header}.{rest}.{rest}"),
        format!(".{rest}"),
        with_segment(&token, 1, ""),
        with_segment(&token, 1, "!!!"),
        with_segment(&token, 1, &b64(b"[1,2]")),
        with_segment(&token, 1, &b64(b"\"string\"")),
        with_segment(&token, 0, &b64(b"not json")),
        with_segment(&token, 0, &b64(b"[]")),
        format!("{token}="),
        format!(" {token}"),
        format!("{token}\n"),
        token.replacen('.', ". ", 1),
    ];
    for case in cases {
        assert!(verify(&case, lookup).is_err(), "accepted {case:?}");
    }
}

/// Base64url with a standard-alphabet character, padding, or non-zero trailing bits (another
/// spelling of the same bytes) is not the token that was signed.
#[test]
fn non_canonical_base64_is_rejected() {
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let token = sign(key(), &claims()).unwrap();
    let signature = token.rsplit('.').next().unwrap();
    // 256 bytes take 342 characters; the last carries 2 bits and 4 zero bits.
    assert_eq!(signature.len(), 342);
    let last = signature.chars().last().unwrap();
    let index = alphabet.find(last).unwrap();
    assert_eq!(index & 0b1111, 0);
    let respelt = alphabet.chars().nth(index | 1).unwrap();
    let respelt = format!("{}{respelt}", &signature[..341]);
    assert_eq!(
        base64::engine::GeneralPurpose::new(
            &base64::alphabet::URL_SAFE,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_allow_trailing_bits(true)
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone),
        )
        .decode(&respelt)
        .unwrap(),
        URL_SAFE_NO_PAD.decode(signature).unwrap(),
        "a lenient decoder reads the same signature"
    );
    let cases = [
        with_segment(&token, 2, &respelt),
        with_segment(&token, 2, &signature.replace('-', "+").replace('_', "/")),
        with_segment(&token, 2, &format!("{signature}==")),
    ];
    for case in cases {
        if case != token {
            assert!(verify(&case, lookup).is_err(), "accepted {case:?}");
        }
    }
}

/// RFC 7515 §4.1.11: a `crit` we do not understand invalidates the token. jsonwebtoken 12
/// understands `b64`, and refuses `b64: false` (RFC 7797 unencoded payloads, which JWTs must
/// not use); we accept no `crit` at all. All these tokens are validly signed.
#[test]
fn critical_extensions_and_unencoded_payloads_are_rejected() {
    let mut unknown = header_for(key());
    unknown.crit = Some(vec!["x".into()]);
    unknown.extras.insert("x", true);
    let mut b64_true = header_for(key());
    b64_true.crit = Some(vec!["b64".into()]);
    b64_true.extras.insert("b64", true);
    let mut empty = header_for(key());
    empty.crit = Some(Vec::new());
    for header in [unknown, b64_true, empty] {
        let token = forge(key(), &header, &claims());
        assert!(matches!(
            verify(&token, lookup),
            Err(CryptoError::MalformedToken(_))
        ));
    }
    let mut unencoded = header_for(key());
    unencoded.extras.insert("b64", false);
    let mut unencoded_crit = unencoded.clone();
    unencoded_crit.crit = Some(vec!["b64".into()]);
    for header in [unencoded, unencoded_crit] {
        let token = forge(key(), &header, &claims());
        assert!(verify(&token, lookup).is_err());
    }
}

/// Claims with a member name twice, serialised as written.
struct Repeated(&'static str, Value, Value);

impl Serialize for Repeated {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (name, value) in claims().as_object().unwrap() {
            if name != self.0 {
                map.serialize_entry(name, value)?;
            }
        }
        map.serialize_entry(self.0, &self.1)?;
        map.serialize_entry(self.0, &self.2)?;
        map.end()
    }
}

#[test]
fn repeated_member_names_are_rejected() {
    let repeated = [
        Repeated("sub", json!("abc"), json!("admin")),
        Repeated("exp", json!(2_000), json!(9_999_999_999u64)),
        Repeated("token_use", json!("id"), json!("access")),
        Repeated("client_id", json!("client1"), json!("client1")),
    ];
    for claims in repeated {
        let token = forge(key(), &header_for(key()), &claims);
        assert!(
            matches!(verify(&token, lookup), Err(CryptoError::MalformedToken(_))),
            "accepted repeated {}",
            claims.0
        );
        assert!(
            verify_claims::<Value, _>(&token, lookup, 1_500, &checks()).is_err(),
            "accepted repeated {}",
            claims.0
        );
    }
    let mut header = header_for(key());
    header.extras.insert("kid", attacker().kid());
    let token = forge(key(), &header, &claims());
    assert!(
        matches!(verify(&token, lookup), Err(CryptoError::MalformedToken(_))),
        "accepted a repeated kid"
    );
}

/// CVE-2026-25537 (jsonwebtoken < 10.3) and the 12.0 follow-up: a checked claim of the wrong
/// JSON type must fail its check, not count as absent.
#[test]
fn claims_of_the_wrong_type_are_rejected() {
    let mut bad = Vec::new();
    for (name, value) in [
        ("exp", json!("9999999999")),
        ("exp", json!(true)),
        ("exp", json!(null)),
        ("exp", json!([9_999_999_999u64])),
        ("exp", json!(-1)),
        ("nbf", json!("0")),
        ("nbf", json!({"at": 0})),
        ("iss", json!(["http://localhost/us-east-1_Abc"])),
        ("iss", json!(null)),
        ("aud", json!({"client1": true})),
        ("aud", json!(1)),
        ("token_use", json!(["access"])),
        ("client_id", json!(1)),
    ] {
        let mut claims = claims();
        claims[name] = value;
        bad.push((name, claims));
    }
    for (name, claims) in bad {
        let token = sign(key(), &claims).unwrap();
        assert!(
            verify_claims::<Value, _>(&token, lookup, 1_500, &checks()).is_err(),
            "accepted {name} = {}",
            claims[name]
        );
    }
}

#[test]
fn verify_claims_uses_the_given_time_not_the_system_clock() {
    // `exp` 2000 is long past by the system clock; at 1999 the token is valid.
    let token = sign(key(), &claims()).unwrap();
    let claims: Map<String, Value> = verify_claims(&token, lookup, 1_999, &checks()).unwrap();
    assert_eq!(claims["sub"], "abc");
    assert!(matches!(
        verify_claims::<Value, _>(&token, lookup, 2_000, &checks()),
        Err(CryptoError::Expired)
    ));
    // And far in the future by the system clock, expired at a later given time.
    let mut later = self::claims();
    later["exp"] = json!(4_000_000_000u64);
    later["nbf"] = json!(3_999_999_000u64);
    let token = sign(key(), &later).unwrap();
    assert!(matches!(
        verify_claims::<Value, _>(&token, lookup, 4_000_000_000, &checks()),
        Err(CryptoError::Expired)
    ));
    assert!(matches!(
        verify_claims::<Value, _>(&token, lookup, 1_500, &checks()),
        Err(CryptoError::InvalidClaim("nbf"))
    ));
    verify_claims::<Value, _>(&token, lookup, 3_999_999_500, &checks()).unwrap();
}

#[test]
fn verify_claims_checks_issuer_audience_and_token_use() {
    let token = sign(key(), &claims()).unwrap();
    let cases = [
        ClaimChecks {
            issuer: Some("http://localhost/us-east-1_Other"),
            ..checks()
        },
        ClaimChecks {
            client_id: Some("client2"),
            ..checks()
        },
        ClaimChecks {
            token_use: Some("id"),
            ..checks()
        },
    ];
    for case in cases {
        assert!(matches!(
            verify_claims::<Value, _>(&token, lookup, 1_500, &case),
            Err(CryptoError::InvalidClaim(_))
        ));
    }
    // `aud`, when present, decides; `client_id` is the fallback for tokens without one.
    for aud in [json!("client2"), json!([]), json!(["client2", "client3"])] {
        let mut id = claims();
        id["aud"] = aud;
        let token = sign(key(), &id).unwrap();
        assert!(matches!(
            verify_claims::<Value, _>(&token, lookup, 1_500, &checks()),
            Err(CryptoError::InvalidClaim("aud"))
        ));
    }
    for aud in [json!("client1"), json!(["client2", "client1"])] {
        let mut id = claims();
        id["aud"] = aud;
        id.as_object_mut().unwrap().remove("client_id");
        let token = sign(key(), &id).unwrap();
        verify_claims::<Value, _>(&token, lookup, 1_500, &checks()).unwrap();
    }
    let mut missing = claims();
    missing.as_object_mut().unwrap().remove("exp");
    let token = sign(key(), &missing).unwrap();
    assert!(matches!(
        verify_claims::<Value, _>(&token, lookup, 1_500, &checks()),
        Err(CryptoError::InvalidClaim("exp"))
    ));
}

#[test]
fn verify_claims_returns_typed_claims() {
    #[derive(Deserialize)]
    struct Access {
        sub: String,
        exp: u64,
        username: Option<String>,
    }
    let token = sign(key(), &claims()).unwrap();
    let access: Access = verify_claims(&token, lookup, 1_500, &checks()).unwrap();
    assert_eq!((access.sub.as_str(), access.exp), ("abc", 2_000));
    assert_eq!(access.username, None);
    #[derive(Debug, Deserialize)]
    struct Wrong {
        #[allow(dead_code)]
        sub: u64,
    }
    assert!(verify_claims::<Wrong, _>(&token, lookup, 1_500, &checks()).is_err());
}

/// What `Unverified` shows before verification is what the token claims, nothing more: the
/// claims come out of `verify` only once the signature over those very bytes checks out.
#[test]
fn unverified_claims_come_out_only_through_verification() {
    let token = sign(key(), &claims()).unwrap();
    let mut forged = claims();
    forged["sub"] = json!("admin");
    let tampered = with_segment(&token, 1, &b64(forged.to_string().as_bytes()));
    let unverified = Unverified::parse(&tampered).unwrap();
    assert_eq!(unverified.claims()["sub"], "admin");
    assert_eq!(unverified.header().kid.as_deref(), Some(key().kid()));
    assert!(matches!(
        unverified.verify::<Value, _>(lookup, 1_500, &checks()),
        Err(CryptoError::InvalidSignature)
    ));
    let genuine: Map<String, Value> = Unverified::parse(&token)
        .unwrap()
        .verify(lookup, 1_500, &checks())
        .unwrap();
    assert_eq!(Value::Object(genuine), claims());
}

#[test]
fn oversized_tokens_are_rejected_before_lookup() {
    let huge = "a".repeat(MAX_TOKEN_BYTES + 1);
    let result = verify(&huge, |_| panic!("lookup must not be reached"));
    assert!(matches!(result, Err(CryptoError::TokenTooLarge)));
    assert!(matches!(
        decode_unverified(&huge),
        Err(CryptoError::TokenTooLarge)
    ));
    assert!(matches!(
        Unverified::parse(&huge),
        Err(CryptoError::TokenTooLarge)
    ));
}

#[test]
fn only_rs256_can_be_signed() {
    for alg in [Algorithm::HS256, Algorithm::RS512, Algorithm::PS256] {
        let header = Header {
            alg,
            ..header_for(key())
        };
        assert!(matches!(
            sign_with_header(key(), &header, &claims()),
            Err(CryptoError::Signing)
        ));
    }
    let other_kid = rs256_header("someone-else");
    let token = sign_with_header(key(), &other_kid, &claims()).unwrap();
    assert!(matches!(
        verify(&token, lookup),
        Err(CryptoError::UnknownKeyId)
    ));
}

#[test]
fn non_object_claims_cannot_be_signed() {
    assert!(sign(key(), &json!([1, 2])).is_err());
    assert!(sign(key(), "string").is_err());
}

#[test]
fn standard_claims_are_checked() {
    let claims = claims();
    let checks = checks();
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

#[test]
fn lifetime_is_checked_with_leeway() {
    check_lifetime(2_000, None, 1_999, 0).unwrap();
    assert!(matches!(
        check_lifetime(2_000, None, 2_000, 0),
        Err(CryptoError::Expired)
    ));
    check_lifetime(2_000, None, 2_299, 300).unwrap();
    check_lifetime(2_000, Some(1_500), 1_500, 0).unwrap();
    assert!(check_lifetime(2_000, Some(1_500), 1_499, 0).is_err());
    check_lifetime(2_000, Some(1_500), 1_200, 300).unwrap();
    check_lifetime(u64::MAX, None, u64::MAX - 1, u64::MAX).unwrap();
}
