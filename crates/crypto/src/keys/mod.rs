//! RSA-2048 signing keys for RS256, their JWK form, and parsed public keys for verification.
//!
//! A pool's key pair is persisted as PKCS#8 DER (sealed by the store) and published as a JWK
//! (jsonwebtoken's [`Jwk`]), with the members Cognito publishes at
//! `/{poolId}/.well-known/jwks.json`.
//!
//! Each key is parsed once and kept beside the jsonwebtoken key object (`EncodingKey`,
//! `DecodingKey`) that `jwt` hands the library; `jwt::backend` explains why both are kept.

mod factory;

use std::fmt;
use std::sync::Arc;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{self, KeyPair as _, ParsedPublicKey};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jsonwebtoken::jwk::{AlgorithmParameters, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, DecodingKeyKind, EncodingKey};
use sha2::{Digest, Sha256};

use crate::error::{CryptoError, Result};
use crate::jwt::backend;

pub use factory::{DEFAULT_KEY_BUFFER, KeyFactory};
/// A JSON Web Key, as jsonwebtoken models it.
pub use jsonwebtoken::jwk::Jwk;

/// The only JWS algorithm Cognate signs with or accepts.
pub const RS256: &str = "RS256";

/// Builds the RS256 signing JWK (`alg`, `e`, `kid`, `kty`, `n`, `use`) of a public key given
/// as big-endian modulus and exponent without leading zeros.
pub fn rs256_jwk(kid: &str, modulus: &[u8], exponent: &[u8]) -> Result<Jwk> {
    let key = DecodingKey::from_rsa_raw_components(modulus, exponent);
    let mut jwk = Jwk::from_decoding_key(&key, Some(Algorithm::RS256))
        .map_err(|e| CryptoError::InvalidKey(e.to_string()))?;
    jwk.common.key_id = Some(kid.to_owned());
    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
    Ok(jwk)
}

/// A parsed RSA public key that verifies RS256 (PKCS#1 v1.5, SHA-256, 2048–8192 bits).
///
/// Parsing is done once and the result shared (`Arc`), because verification happens on
/// every token-checked request; cloning is two reference-count increments.
#[derive(Clone)]
pub struct PublicKey {
    parsed: Arc<ParsedPublicKey>,
    /// The same key as jsonwebtoken takes it.
    decoding: Arc<DecodingKey>,
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
            decoding: Arc::new(DecodingKey::from_rsa_raw_components(modulus, exponent)),
        })
    }

    /// Parses a JWK into a verifier.
    ///
    /// Only an RSA key whose `alg` (when given) is RS256 and whose `use` (when given) is `sig`
    /// is accepted, so a JWKS can never smuggle in another algorithm. Providers often leave
    /// `alg` and `use` out; Cognate's own JWKs always carry both.
    pub fn from_jwk(jwk: &Jwk) -> Result<Self> {
        let not_rs256 = || CryptoError::InvalidKey("not an RS256 signing key".into());
        let rs256 = jwk
            .common
            .key_algorithm
            .is_none_or(|alg| alg == KeyAlgorithm::RS256);
        let signing = jwk
            .common
            .public_key_use
            .as_ref()
            .is_none_or(|key_use| *key_use == PublicKeyUse::Signature);
        if !matches!(jwk.algorithm, AlgorithmParameters::RSA(_)) || !rs256 || !signing {
            return Err(not_rs256());
        }
        let key = DecodingKey::from_jwk(jwk).map_err(|e| CryptoError::InvalidKey(e.to_string()))?;
        match key.kind() {
            DecodingKeyKind::RsaModulusExponent { n, e } => Self::from_components(n, e),
            DecodingKeyKind::SecretOrDer(_) => Err(not_rs256()),
        }
    }

    /// Runs `call` with this key as jsonwebtoken takes it, its parsed form lent to our provider.
    pub(crate) fn with_decoding_key<R>(&self, call: impl FnOnce(&DecodingKey) -> R) -> R {
        backend::lend_public(&self.parsed, &self.decoding, || call(&self.decoding))
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
        let (kid, public_jwk) = jwk_for(&key_pair)?;
        Ok(GeneratedKey {
            kid,
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
    /// Parsed once: parsing (with aws-lc's key check) costs about half a signature.
    key_pair: Arc<RsaKeyPair>,
    /// The same key as jsonwebtoken takes it (PKCS#8 DER).
    encoding: EncodingKey,
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
        let (kid, jwk) = jwk_for(&key_pair)?;
        let public_key = PublicKey::from_jwk(&jwk)?;
        Ok(SigningKey {
            kid,
            key_pair: Arc::new(key_pair),
            encoding: EncodingKey::from_rsa_der(pkcs8_der),
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

    /// Runs `call` with this key as jsonwebtoken takes it, its parsed form lent to our provider.
    pub(crate) fn with_encoding_key<R>(&self, call: impl FnOnce(&EncodingKey) -> R) -> R {
        backend::lend_private(&self.key_pair, &self.encoding, || call(&self.encoding))
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

/// The kid and JWK of a key pair.
fn jwk_for(key_pair: &RsaKeyPair) -> Result<(String, Jwk)> {
    let public = key_pair.public_key();
    let kid = kid_for(public)?;
    let jwk = rs256_jwk(
        &kid,
        public.modulus().big_endian_without_leading_zero(),
        public.exponent().big_endian_without_leading_zero(),
    )?;
    Ok((kid, jwk))
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
