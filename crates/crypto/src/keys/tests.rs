use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

use super::*;

#[test]
fn jwk_has_aws_members_and_values() {
    let jwk = rs256_jwk("kid1", &[0xc0, 0xff, 0xee], &[1, 0, 1]).unwrap();
    // The JWKS endpoints serve the stored JWK through `serde_json::Value`, whose members are
    // sorted: AWS's order `alg, e, kid, kty, n, use`.
    let served = serde_json::to_value(&jwk).unwrap().to_string();
    assert_eq!(
        served,
        r#"{"alg":"RS256","e":"AQAB","kid":"kid1","kty":"RSA","n":"wP_u","use":"sig"}"#
    );
    let back: Jwk = serde_json::from_str(&served).unwrap();
    assert_eq!(back, jwk);
}

fn rsa(jwk: &Jwk) -> &jsonwebtoken::jwk::RSAKeyParameters {
    match &jwk.algorithm {
        AlgorithmParameters::RSA(rsa) => rsa,
        other => panic!("not an RSA JWK: {other:?}"),
    }
}

#[test]
fn jwk_n_and_e_decode_back_to_the_key() {
    let key = SigningKey::generate().unwrap();
    let jwk = key.jwk();
    let n = URL_SAFE_NO_PAD.decode(&rsa(jwk).n).unwrap();
    let e = URL_SAFE_NO_PAD.decode(&rsa(jwk).e).unwrap();
    assert_eq!(n.len(), 256, "2048-bit modulus");
    assert_ne!(n[0], 0, "no leading zero");
    assert_eq!(e, vec![1, 0, 1]);
    let public = key.key_pair.public_key();
    assert_eq!(n, public.modulus().big_endian_without_leading_zero());

    // The JWK alone verifies what the key signs.
    let token = crate::jwt::sign(&key, &serde_json::json!({"sub": "a"})).unwrap();
    let from_jwk = PublicKey::from_jwk(jwk).unwrap();
    crate::jwt::verify(&token, |_| Some(from_jwk.clone())).unwrap();
}

#[test]
fn kid_is_base64_sha256_and_stable_across_pkcs8_round_trip() {
    let key = SigningKey::generate().unwrap();
    assert_eq!(key.kid().len(), 44);
    assert_eq!(STANDARD.decode(key.kid()).unwrap().len(), 32);
    assert_eq!(Some(key.kid()), key.jwk().common.key_id.as_deref());

    let der = key.to_pkcs8_der().unwrap();
    let reloaded = SigningKey::from_pkcs8(&der).unwrap();
    assert_eq!(reloaded.kid(), key.kid());
    assert_eq!(reloaded.jwk(), key.jwk());
}

#[test]
fn from_pkcs8_rejects_garbage() {
    assert!(matches!(
        SigningKey::from_pkcs8(b"not a key"),
        Err(CryptoError::InvalidKey(_))
    ));
}

#[test]
fn jwk_for_other_algorithms_or_uses_is_rejected() {
    let key = SigningKey::generate().unwrap();
    let mut hmac = key.jwk().clone();
    hmac.common.key_algorithm = Some(KeyAlgorithm::HS256);
    assert!(PublicKey::from_jwk(&hmac).is_err());
    let mut pss = key.jwk().clone();
    pss.common.key_algorithm = Some(KeyAlgorithm::PS256);
    assert!(PublicKey::from_jwk(&pss).is_err());
    let mut encryption = key.jwk().clone();
    encryption.common.public_key_use = Some(PublicKeyUse::Encryption);
    assert!(PublicKey::from_jwk(&encryption).is_err());
    let octet: Jwk = serde_json::from_value(serde_json::json!(
        {"kty": "oct", "k": "c2VjcmV0", "alg": "HS256", "kid": "k"}
    ))
    .unwrap();
    assert!(PublicKey::from_jwk(&octet).is_err());
    // Providers often leave `alg` and `use` out: still an RS256 key.
    let mut bare = key.jwk().clone();
    bare.common.key_algorithm = None;
    bare.common.public_key_use = None;
    PublicKey::from_jwk(&bare).unwrap();
}

#[test]
fn debug_output_hides_key_material() {
    let generated = GeneratedKey::generate().unwrap();
    let debug = format!("{generated:?}");
    assert!(debug.contains(&generated.kid));
    assert!(!debug.contains("pkcs8"));
    let key = SigningKey::from_generated(&generated).unwrap();
    assert!(!format!("{key:?}").contains("key_pair"));
}

/// Polls until the factory holds `expected` keys; keygen runs on other threads.
async fn wait_for_available(factory: &KeyFactory, expected: usize) {
    for _ in 0..600 {
        if factory.available() == expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!(
        "factory never reached {expected} keys (has {})",
        factory.available()
    );
}

#[tokio::test]
async fn factory_is_lazy_until_used() {
    let factory = KeyFactory::new(2);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(factory.available(), 0);
    assert!(!factory.is_refilling());
}

#[tokio::test]
async fn factory_take_refills_up_to_capacity_and_stops() {
    let factory = KeyFactory::new(2);
    assert!(factory.take().is_none(), "empty before first use");
    wait_for_available(&factory, 2).await;

    // Full: the last task clears its flag right after pushing and schedules nothing more.
    let mut idle = false;
    for _ in 0..100 {
        if !factory.is_refilling() {
            idle = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(idle, "a full factory must not keep a refill task");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!factory.is_refilling());
    assert_eq!(factory.available(), 2);

    let first = factory.take().unwrap();
    let second = factory.take().unwrap();
    assert_ne!(first.kid, second.kid);
    SigningKey::from_generated(&first).unwrap();
    wait_for_available(&factory, 2).await;
}

#[tokio::test]
async fn factory_start_fills_and_generate_works_when_empty() {
    let unbuffered = KeyFactory::new(0);
    let key = unbuffered.generate().await.unwrap();
    assert_eq!(
        key.public_jwk.common.key_id.as_deref(),
        Some(key.kid.as_str())
    );
    assert_eq!(unbuffered.available(), 0);

    let factory = KeyFactory::new(1);
    factory.start();
    wait_for_available(&factory, 1).await;
    let key = factory.generate().await.unwrap();
    assert_eq!(key.kid.len(), 44);
}
