use std::sync::OnceLock;

use jsonwebtoken::{Header, Validation};
use serde_json::{Value, json};

use super::*;
use crate::keys::SigningKey;

fn key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate().unwrap())
}

fn other() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate().unwrap())
}

fn rsa_decoding_key(key: &SigningKey) -> DecodingKey {
    DecodingKey::from_jwk(key.jwk()).unwrap()
}

fn validation() -> Validation {
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    validation
}

fn header(key: &SigningKey) -> Header {
    Header {
        kid: Some(key.kid().to_owned()),
        ..Header::new(Algorithm::RS256)
    }
}

#[test]
fn our_provider_is_the_installed_one() {
    ensure_installed().unwrap();
    let installed = CryptoProvider::try_get_default().unwrap();
    assert!(std::ptr::eq(installed, &PROVIDER));
    ensure_installed().unwrap();
}

/// Whatever a token or a key object says, only RS256 code runs.
#[test]
fn every_algorithm_but_rs256_is_refused() {
    let others = [
        Algorithm::HS256,
        Algorithm::HS384,
        Algorithm::HS512,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
        Algorithm::EdDSA,
    ];
    let rsa = rsa_decoding_key(key());
    let secret = DecodingKey::from_secret(b"secret").unwrap();
    let pkcs8 = EncodingKey::from_rsa_der(&key().to_pkcs8_der().unwrap());
    let hmac = EncodingKey::from_secret(b"secret").unwrap();
    for algorithm in others {
        assert!(rs256_verifier(&algorithm, &rsa).is_err(), "{algorithm:?}");
        assert!(
            rs256_verifier(&algorithm, &secret).is_err(),
            "{algorithm:?}"
        );
        assert!(rs256_signer(&algorithm, &pkcs8).is_err(), "{algorithm:?}");
        assert!(rs256_signer(&algorithm, &hmac).is_err(), "{algorithm:?}");
    }
    // RS256 with a key of another family: an HMAC secret is never an RSA key.
    assert!(rs256_verifier(&Algorithm::RS256, &secret).is_err());
    assert!(rs256_signer(&Algorithm::RS256, &hmac).is_err());
}

/// The provider's signer adds ES256 (Apple's client secret), with an EC key only; every other
/// algorithm is still refused.
#[test]
fn the_signer_adds_es256_for_ec_keys_only() {
    let pkcs8 = EncodingKey::from_rsa_der(&key().to_pkcs8_der().unwrap());
    let hmac = EncodingKey::from_secret(b"secret").unwrap();
    assert!(signer(&Algorithm::ES256, &pkcs8).is_err());
    assert!(signer(&Algorithm::ES256, &hmac).is_err());
    for algorithm in [Algorithm::HS256, Algorithm::ES384, Algorithm::PS256] {
        assert!(signer(&algorithm, &pkcs8).is_err(), "{algorithm:?}");
    }
    assert!(signer(&Algorithm::RS256, &pkcs8).is_ok());
}

/// Key objects that were not lent are parsed from their bytes: slower, same results.
#[test]
fn keys_not_lent_still_sign_and_verify() {
    ensure_installed().unwrap();
    let pkcs8 = EncodingKey::from_rsa_der(&key().to_pkcs8_der().unwrap());
    let token = jsonwebtoken::encode(&header(key()), &json!({"sub": "a"}), &pkcs8).unwrap();
    let decoded =
        jsonwebtoken::decode::<Value>(&token, &rsa_decoding_key(key()), &validation()).unwrap();
    assert_eq!(decoded.claims["sub"], "a");
    assert!(
        jsonwebtoken::decode::<Value>(&token, &rsa_decoding_key(other()), &validation()).is_err()
    );
}

fn parsed(key: &DecodingKey) -> Arc<ParsedPublicKey> {
    let DecodingKeyKind::RsaModulusExponent { n, e } = key.kind() else {
        panic!("not RSA components");
    };
    let components = aws_lc_rs::rsa::PublicKeyComponents { n, e };
    Arc::new(
        components
            .to_parsed_public_key(&aws_signature::RSA_PKCS1_2048_8192_SHA256)
            .unwrap(),
    )
}

/// A lent key serves the very key object it was lent for, only that one, only during the call.
/// (Lending `other`'s key for `key`'s object is a deliberate mismatch that makes the loan
/// visible; `SigningKey` and `PublicKey` always lend a key with its own object.)
#[test]
fn a_lent_key_serves_only_its_own_key_object() {
    ensure_installed().unwrap();
    let token = crate::jwt::sign(other(), &json!({"sub": "a"})).unwrap();
    let ours = rsa_decoding_key(key());
    let theirs_parsed = parsed(&rsa_decoding_key(other()));
    lend_public(&theirs_parsed, &ours, || {
        jsonwebtoken::decode::<Value>(&token, &ours, &validation()).unwrap();
        let same_bytes_other_object = rsa_decoding_key(key());
        assert!(
            jsonwebtoken::decode::<Value>(&token, &same_bytes_other_object, &validation()).is_err()
        );
    });
    LENT.with(|slot| assert!(matches!(*slot.borrow(), Lent::Nothing)));
    assert!(jsonwebtoken::decode::<Value>(&token, &ours, &validation()).is_err());
}

#[test]
fn the_loan_ends_when_the_call_unwinds() {
    let decoding = rsa_decoding_key(key());
    let parsed = parsed(&decoding);
    let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        lend_public(&parsed, &decoding, || panic!("boom"))
    }));
    assert!(unwound.is_err());
    LENT.with(|slot| assert!(matches!(*slot.borrow(), Lent::Nothing)));
}
