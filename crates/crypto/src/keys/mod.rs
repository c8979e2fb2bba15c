//! RSA-2048 signing keys for RS256, their JWK form, and parsed public keys for verification.
//!
//! A pool's key pair is persisted as PKCS#8 DER (sealed by the store) and published as a JWK,
//! exactly in the shape Cognito publishes at `/{poolId}/.well-known/jwks.json`.

mod factory;

use std::fmt;
use std::sync::Arc;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{self, KeyPair as _, ParsedPublicKey};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{CryptoError, Result};

pub use factory::{DEFAULT_KEY_BUFFER, KeyFactory};

/// The only JWS algorithm Cognate signs with or accepts.
pub const RS256: &str = "RS256";

/// A public RSA key in JWK form, as Cognito publishes it.
///
/// Field order (and therefore JSON key order) is AWS's: `alg, e, kid, kty, n, use`.
/// `n` and `e` are unpadded base64url big-endian integers (RFC 7518 §6.3.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    pub alg: String,
    pub e: String,
    pub kid: String,
    pub kty: String,
    pub n: String,
    #[serde(rename = "use")]
    pub use_: String,
}

impl Jwk {
    /// Builds the RS256 signing JWK for a modulus and exponent (big-endian, no leading zeros).
    pub fn rs256(kid: &str, modulus: &[u8], exponent: &[u8]) -> Self {
        Jwk {
            alg: RS256.to_owned(),
            e: URL_SAFE_NO_PAD.encode(exponent),
            kid: kid.to_owned(),
            kty: "RSA".to_owned(),
            n: URL_SAFE_NO_PAD.encode(modulus),
            use_: "sig".to_owned(),
        }
    }

    /// Parses this JWK into a [`PublicKey`] ready to verify RS256 signatures.
    ///
    /// Rejects anything but an RSA signing key for RS256, so a JWKS can never smuggle in
    /// another algorithm.
    pub fn to_public_key(&self) -> Result<PublicKey> {
        if self.kty != "RSA" || self.alg != RS256 || self.use_ != "sig" {
            return Err(CryptoError::InvalidKey("not an RS256 signing key".into()));
        }
        let n = decode_jwk_integer(&self.n, "n")?;
        let e = decode_jwk_integer(&self.e, "e")?;
        PublicKey::from_components(&n, &e)
    }
}

/// Decodes one base64url integer member of a JWK.
fn decode_jwk_integer(value: &str, member: &str) -> Result<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(value)
        .map_err(|_| CryptoError::InvalidKey(format!("JWK member {member} is not base64url")))
}

/// A parsed RSA public key that verifies RS256 (PKCS#1 v1.5, SHA-256, 2048–8192 bits).
///
/// Parsing is done once and the result shared (`Arc`), because verification happens on
/// every token-checked request and re-parsing would cost more than the verification itself.
#[derive(Clone)]
pub struct PublicKey {
    parsed: Arc<ParsedPublicKey>,
}

impl PublicKey {
    /// Builds a verifier from the big-endian modulus and exponent.
    pub fn from_components(modulus: &[u8], exponent: &[u8]) -> Result<Self> {
        let components = PublicKeyComponents {
            n: modulus,
            e: exponent,
        };
        let parsed = components
            .to_parsed_public_key(&signature::RSA_PKCS1_2048_8192_SHA256)
            .map_err(|e| CryptoError::InvalidKey(e.to_string()))?;
        Ok(PublicKey {
            parsed: Arc::new(parsed),
        })
    }

    /// Checks an RS256 signature over `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        self.parsed
            .verify_sig(message, signature)
            .map_err(|_| CryptoError::InvalidSignature)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PublicKey(RS256)")
    }
}

/// A freshly generated key in the form the store persists: the private key as PKCS#8 DER
/// plus what is needed to publish it.
#[derive(Clone, PartialEq, Eq)]
pub struct GeneratedKey {
    pub kid: String,
    pub pkcs8_der: Vec<u8>,
    pub public_jwk: Jwk,
}

impl GeneratedKey {
    /// Generates a new RSA-2048 key. Slow (tens of milliseconds): call it from a blocking
    /// context, or use [`KeyFactory`].
    pub fn generate() -> Result<Self> {
        let key_pair =
            RsaKeyPair::generate(KeySize::Rsa2048).map_err(|_| CryptoError::KeyGeneration)?;
        let pkcs8_der = key_pair
            .as_der()
            .map_err(|_| CryptoError::KeyGeneration)?
            .as_ref()
            .to_vec();
        let public_jwk = jwk_for(&key_pair)?;
        Ok(GeneratedKey {
            kid: public_jwk.kid.clone(),
            pkcs8_der,
            public_jwk,
        })
    }
}

impl fmt::Debug for GeneratedKey {
    /// Shows the key id only: the PKCS#8 bytes are the private key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeneratedKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// A private key able to sign RS256 tokens, with its key id, JWK and verifier.
pub struct SigningKey {
    kid: String,
    key_pair: RsaKeyPair,
    jwk: Jwk,
    public_key: PublicKey,
}

impl SigningKey {
    /// Generates a new RSA-2048 signing key (slow: see [`GeneratedKey::generate`]).
    pub fn generate() -> Result<Self> {
        Self::from_generated(&GeneratedKey::generate()?)
    }

    /// Loads a key from its persisted PKCS#8 DER; the kid is derived from the public key,
    /// so it is stable across restarts and replicas.
    pub fn from_pkcs8(pkcs8_der: &[u8]) -> Result<Self> {
        let key_pair = RsaKeyPair::from_pkcs8(pkcs8_der)
            .map_err(|e| CryptoError::InvalidKey(e.to_string()))?;
        let jwk = jwk_for(&key_pair)?;
        let public_key = jwk.to_public_key()?;
        Ok(SigningKey {
            kid: jwk.kid.clone(),
            key_pair,
            jwk,
            public_key,
        })
    }

    /// Loads the private key of a [`GeneratedKey`].
    pub fn from_generated(generated: &GeneratedKey) -> Result<Self> {
        Self::from_pkcs8(&generated.pkcs8_der)
    }

    /// Exports the private key as PKCS#8 v1 DER for persistence.
    pub fn to_pkcs8_der(&self) -> Result<Vec<u8>> {
        let der = self
            .key_pair
            .as_der()
            .map_err(|_| CryptoError::InvalidKey("PKCS#8 export failed".into()))?;
        Ok(der.as_ref().to_vec())
    }

    /// The key id placed in token headers and the JWKS.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public JWK for the JWKS endpoint.
    pub fn jwk(&self) -> &Jwk {
        &self.jwk
    }

    /// The verifier for tokens signed with this key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// Produces an RS256 (PKCS#1 v1.5 SHA-256) signature over `message`.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        let mut signature = vec![0u8; self.key_pair.public_modulus_len()];
        // aws-lc ignores the RNG for PKCS#1 v1.5 but the API wants one.
        let rng = aws_lc_rs::rand::SystemRandom::new();
        self.key_pair
            .sign(&signature::RSA_PKCS1_SHA256, &rng, message, &mut signature)
            .map_err(|_| CryptoError::Signing)?;
        Ok(signature)
    }
}

impl fmt::Debug for SigningKey {
    /// Shows the key id only, never key material.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// Builds the JWK of a key pair, with its kid.
fn jwk_for(key_pair: &RsaKeyPair) -> Result<Jwk> {
    let public = key_pair.public_key();
    let kid = kid_for(public)?;
    Ok(Jwk::rs256(
        &kid,
        public.modulus().big_endian_without_leading_zero(),
        public.exponent().big_endian_without_leading_zero(),
    ))
}

/// Derives the key id: standard base64 of SHA-256 of the SubjectPublicKeyInfo DER.
///
/// That gives 44-character ids like AWS's, and the same key always gets the same id.
fn kid_for(public: &aws_lc_rs::rsa::PublicKey) -> Result<String> {
    let spki = public
        .as_der()
        .map_err(|_| CryptoError::InvalidKey("public key export failed".into()))?;
    Ok(STANDARD.encode(Sha256::digest(spki.as_ref())))
}

#[cfg(test)]
mod tests;
