//! ES256-signed client secrets. Sign in with Apple authenticates a relying party by a JWT it
//! signs with the developer's P-256 key (a PKCS#8 PEM, Apple's `.p8` file) instead of a
//! shared secret. This is the only ES256 code in Cognate, and it signs only: the jsonwebtoken
//! provider of `jwt::backend` hands ES256 *signing* here and still refuses to verify anything
//! but RS256, so no token Cognate reads can be ES256.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jsonwebtoken::crypto::JwtSigner;
use jsonwebtoken::errors::{ErrorKind, Result as JwtResult, new_error};
use jsonwebtoken::{Algorithm, AlgorithmFamily, EncodingKey, Header};
use serde::Serialize;

use crate::error::{CryptoError, Result};
use crate::jwt::backend;

const PEM_BEGIN: &str = "-----BEGIN PRIVATE KEY-----";
const PEM_END: &str = "-----END PRIVATE KEY-----";

/// A compact JWS of `claims` with header `{"alg":"ES256","kid":key_id}`, signed with the P-256
/// key in `private_key_pem` (PKCS#8, `-----BEGIN PRIVATE KEY-----`).
pub fn sign_es256<C: Serialize>(key_id: &str, private_key_pem: &str, claims: &C) -> Result<String> {
    backend::ensure_installed()?;
    let key = EncodingKey::from_ec_der(&pkcs8_der(private_key_pem)?);
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(key_id.to_string());
    jsonwebtoken::encode(&header, claims, &key).map_err(|error| match error.kind() {
        ErrorKind::InvalidEcdsaKey | ErrorKind::InvalidKeyFormat => {
            CryptoError::InvalidKey("not a PKCS#8 P-256 private key".into())
        }
        _ => CryptoError::Signing,
    })
}

/// The DER inside a PKCS#8 PEM (whitespace and line breaks anywhere, as keys pasted into a
/// console or a JSON string come).
fn pkcs8_der(pem: &str) -> Result<Vec<u8>> {
    let refused = || CryptoError::InvalidKey("not a PEM PKCS#8 private key".into());
    let body = pem
        .trim()
        .strip_prefix(PEM_BEGIN)
        .and_then(|rest| rest.trim_end().strip_suffix(PEM_END))
        .ok_or_else(refused)?;
    let text: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD.decode(text).map_err(|_| refused())
}

/// The backend's signer for ES256: jsonwebtoken's own aws-lc-rs ECDSA P-256 signer, for an
/// EC key only (a P-384 or other key fails to parse as P-256 there).
pub(crate) fn es256_signer(key: &EncodingKey) -> JwtResult<Box<dyn JwtSigner>> {
    if key.family() != AlgorithmFamily::Ec {
        return Err(new_error(ErrorKind::InvalidAlgorithm));
    }
    (jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.signer_factory)(&Algorithm::ES256, key)
}

#[cfg(test)]
mod tests {
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::{
        ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, ECDSA_P384_SHA384_FIXED_SIGNING,
        EcdsaKeyPair, KeyPair as _, UnparsedPublicKey,
    };
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::{Value, json};

    use super::*;

    fn pem(der: &[u8]) -> String {
        let body = STANDARD.encode(der);
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .map(|line| std::str::from_utf8(line).unwrap_or_default())
            .collect();
        format!("{PEM_BEGIN}\n{}\n{PEM_END}\n", lines.join("\n"))
    }

    fn p256() -> (String, Vec<u8>) {
        let rng = SystemRandom::new();
        let der = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .expect("a P-256 key");
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der.as_ref())
            .expect("parses");
        (pem(der.as_ref()), pair.public_key().as_ref().to_vec())
    }

    fn segment(token: &str, index: usize) -> Vec<u8> {
        let part = token.split('.').nth(index).unwrap_or_default();
        URL_SAFE_NO_PAD.decode(part).expect("base64url")
    }

    #[test]
    fn signs_es256_with_the_key_id() {
        let (pem, public) = p256();
        let claims = json!({"iss": "TEAM", "sub": "com.example.app"});
        let token = sign_es256("KEY123", &pem, &claims).expect("signed");
        let header: Value = serde_json::from_slice(&segment(&token, 0)).expect("json");
        assert_eq!(header["alg"], "ES256");
        assert_eq!(header["kid"], "KEY123");
        let body: Value = serde_json::from_slice(&segment(&token, 1)).expect("json");
        assert_eq!(body, claims);
        let signed = token.rsplit_once('.').map(|(s, _)| s).unwrap_or_default();
        let signature = segment(&token, 2);
        assert_eq!(signature.len(), 64, "JWS ECDSA signatures are r || s");
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &public)
            .verify(signed.as_bytes(), &signature)
            .expect("the public key verifies it");
    }

    #[test]
    fn refuses_what_is_not_a_p256_pkcs8_pem() {
        let claims = json!({});
        for bad in ["", "-----BEGIN PRIVATE KEY-----x", "not a key"] {
            assert!(matches!(
                sign_es256("K", bad, &claims),
                Err(CryptoError::InvalidKey(_))
            ));
        }
        let rng = SystemRandom::new();
        let p384 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P384_SHA384_FIXED_SIGNING, &rng)
            .expect("a P-384 key");
        assert!(matches!(
            sign_es256("K", &pem(p384.as_ref()), &claims),
            Err(CryptoError::InvalidKey(_))
        ));
    }

    #[test]
    fn es256_tokens_are_still_not_verified() {
        let (pem, _) = p256();
        let token = sign_es256("K", &pem, &json!({"sub": "x"})).expect("signed");
        let key = crate::SigningKey::generate().expect("an RSA key");
        let verified = crate::jwt::verify(&token, |_| Some(key.public_key().clone()));
        assert!(verified.is_err(), "ES256 is refused on the way in");
    }
}
