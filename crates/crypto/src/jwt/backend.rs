//! jsonwebtoken's crypto provider for Cognate: RS256 only, on aws-lc-rs, with keys parsed once.
//!
//! jsonwebtoken gives a provider only the bytes of a key (`EncodingKey`, `DecodingKey`), and
//! its stock aws-lc-rs provider parses them again for every token. For signing that costs
//! more than the signature: parsing a PKCS#8 RSA key (with aws-lc's key check) and setting up
//! its blinding and Montgomery contexts anew took ≈1.1–1.3 ms a token where a parsed key signs
//! in ≈0.4 ms (measured on these machines). So `SigningKey` and `PublicKey` keep their parsed
//! key beside the jsonwebtoken key object, and lend it here for the length of one
//! `encode`/`decode` call: a thread-local slot, filled before the call and emptied after it
//! (even on unwind). The provider takes the lent key only when the key object it is handed is
//! that very object (same buffer address and length); any other key object is parsed from
//! its bytes, so the provider is complete on its own, only slower.
//!
//! Every algorithm but RS256 is refused here too, not only by `Validation`: whatever a token
//! or a key object says, no HMAC, ECDSA or PSS code runs, but for one exception on the signing
//! side: ES256 signing of Sign in with Apple's client secret (`crate::client_secret`).

use std::cell::RefCell;
use std::sync::Arc;

use aws_lc_rs::rsa::KeyPair as RsaKeyPair;
use aws_lc_rs::signature::{self as aws_signature, ParsedPublicKey};
use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{ErrorKind, Result as JwtResult, new_error};
use jsonwebtoken::signature::{Error as SignatureError, Signer, Verifier};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, DecodingKeyKind, EncodingKey};

use crate::error::{CryptoError, Result};

/// The provider `jwt` installs as jsonwebtoken's process default.
static PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: signer,
    verifier_factory: rs256_verifier,
    // JWKs are built from public components (`keys::rs256_jwk`), which needs none of these.
    key_utils: KeyUtils {
        rsa_pub_components_from_private_key: |_| unsupported(),
        rsa_pub_components_from_public_key: |_| unsupported(),
        ec_pub_components_from_private_key: |_, _| unsupported(),
        ed_pub_components_from_private_key: |_, _| unsupported(),
        compute_digest: |_, _| unsupported(),
    },
};

/// Makes our provider jsonwebtoken's process default, and refuses to go on if another one got
/// there first (something that used jsonwebtoken before us would have installed the stock
/// provider, which would neither find our parsed keys nor read our PKCS#8 signing keys).
pub(crate) fn ensure_installed() -> Result<()> {
    // Fails when a provider is in place already, normally ours from an earlier call.
    let _ = PROVIDER.install_default();
    match CryptoProvider::try_get_default() {
        Some(installed) if std::ptr::eq(installed, &PROVIDER) => Ok(()),
        _ => Err(CryptoError::Backend(
            "another jsonwebtoken crypto provider is installed",
        )),
    }
}

/// A parsed key lent for one call, with the address and length of the key object's bytes.
enum Lent {
    Nothing,
    Private(usize, usize, Arc<RsaKeyPair>),
    Public(usize, usize, Arc<ParsedPublicKey>),
}

thread_local! {
    static LENT: RefCell<Lent> = const { RefCell::new(Lent::Nothing) };
}

/// Empties the slot when the call returns or unwinds.
struct Return;

impl Drop for Return {
    fn drop(&mut self) {
        LENT.with(|slot| *slot.borrow_mut() = Lent::Nothing);
    }
}

fn place(bytes: &[u8]) -> (usize, usize) {
    (bytes.as_ptr().addr(), bytes.len())
}

fn lend<R>(lent: Lent, call: impl FnOnce() -> R) -> R {
    LENT.with(|slot| *slot.borrow_mut() = lent);
    let _return = Return;
    call()
}

/// Runs `call` with `key_pair` lent as the parsed form of `encoding`.
pub(crate) fn lend_private<R>(
    key_pair: &Arc<RsaKeyPair>,
    encoding: &EncodingKey,
    call: impl FnOnce() -> R,
) -> R {
    let (at, len) = place(encoding.as_bytes());
    lend(Lent::Private(at, len, key_pair.clone()), call)
}

/// Runs `call` with `parsed` lent as the parsed form of `decoding`.
pub(crate) fn lend_public<R>(
    parsed: &Arc<ParsedPublicKey>,
    decoding: &DecodingKey,
    call: impl FnOnce() -> R,
) -> R {
    let (at, len) = match decoding.kind() {
        DecodingKeyKind::RsaModulusExponent { n, .. } => place(n),
        DecodingKeyKind::SecretOrDer(bytes) => place(bytes),
    };
    lend(Lent::Public(at, len, parsed.clone()), call)
}

fn lent_private(encoding: &EncodingKey) -> Option<Arc<RsaKeyPair>> {
    LENT.with(|slot| match &*slot.borrow() {
        Lent::Private(at, len, key) if (*at, *len) == place(encoding.as_bytes()) => {
            Some(key.clone())
        }
        _ => None,
    })
}

fn lent_public(decoding: &DecodingKey) -> Option<Arc<ParsedPublicKey>> {
    let DecodingKeyKind::RsaModulusExponent { n, .. } = decoding.kind() else {
        return None;
    };
    LENT.with(|slot| match &*slot.borrow() {
        Lent::Public(at, len, key) if (*at, *len) == place(n) => Some(key.clone()),
        _ => None,
    })
}

fn only_rs256(algorithm: Algorithm, family: AlgorithmFamily) -> JwtResult<()> {
    if algorithm == Algorithm::RS256 && family == AlgorithmFamily::Rsa {
        Ok(())
    } else {
        Err(new_error(ErrorKind::InvalidAlgorithm))
    }
}

/// RS256 for Cognate's tokens; ES256 only for the client secrets `client_secret` signs.
fn signer(algorithm: &Algorithm, key: &EncodingKey) -> JwtResult<Box<dyn JwtSigner>> {
    match algorithm {
        Algorithm::ES256 => crate::client_secret::es256_signer(key),
        _ => rs256_signer(algorithm, key),
    }
}

fn rs256_signer(algorithm: &Algorithm, key: &EncodingKey) -> JwtResult<Box<dyn JwtSigner>> {
    only_rs256(*algorithm, key.family())?;
    let key_pair = match lent_private(key) {
        Some(key_pair) => key_pair,
        None => Arc::new(
            RsaKeyPair::from_pkcs8(key.as_bytes())
                .map_err(|e| new_error(ErrorKind::InvalidRsaKey(e.to_string())))?,
        ),
    };
    Ok(Box::new(Rs256Signer(key_pair)))
}

fn rs256_verifier(algorithm: &Algorithm, key: &DecodingKey) -> JwtResult<Box<dyn JwtVerifier>> {
    only_rs256(*algorithm, key.family())?;
    match lent_public(key) {
        Some(parsed) => Ok(Box::new(Rs256Verifier(parsed))),
        // Not one of ours: the library's own aws-lc-rs verifier, still for RS256 only.
        None => (jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.verifier_factory)(algorithm, key),
    }
}

struct Rs256Signer(Arc<RsaKeyPair>);

impl Signer<Vec<u8>> for Rs256Signer {
    fn try_sign(&self, message: &[u8]) -> std::result::Result<Vec<u8>, SignatureError> {
        let mut signature = vec![0u8; self.0.public_modulus_len()];
        // aws-lc ignores the RNG for PKCS#1 v1.5 but the API wants one.
        let rng = aws_lc_rs::rand::SystemRandom::new();
        self.0
            .sign(
                &aws_signature::RSA_PKCS1_SHA256,
                &rng,
                message,
                &mut signature,
            )
            .map_err(SignatureError::from_source)?;
        Ok(signature)
    }
}

impl JwtSigner for Rs256Signer {
    fn algorithm(&self) -> Algorithm {
        Algorithm::RS256
    }
}

struct Rs256Verifier(Arc<ParsedPublicKey>);

impl Verifier<Vec<u8>> for Rs256Verifier {
    fn verify(
        &self,
        message: &[u8],
        signature: &Vec<u8>,
    ) -> std::result::Result<(), SignatureError> {
        self.0
            .verify_sig(message, signature)
            .map_err(SignatureError::from_source)
    }
}

impl JwtVerifier for Rs256Verifier {
    fn algorithm(&self) -> Algorithm {
        Algorithm::RS256
    }
}

fn unsupported<T>() -> JwtResult<T> {
    Err(new_error(ErrorKind::UnsupportedAlgorithm))
}

#[cfg(test)]
mod tests;
