//! Random identifiers, codes and secrets in AWS's formats, hashing, constant-time
//! comparison and Cognito's `SECRET_HASH`.
//!
//! All randomness comes from the operating system (`OsRng`): these values are bearer
//! secrets or must be unguessable.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::{Rng, RngCore as _};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq as _;

const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const MIXED_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const DIGITS: &[u8] = b"0123456789";

/// An app client id: 26 lowercase alphanumerics, like AWS's.
pub fn random_client_id() -> String {
    random_string(&mut OsRng, LOWER_ALNUM, 26)
}

/// An app client secret: 51 lowercase alphanumerics, like AWS's (≈263 bits).
pub fn random_client_secret() -> String {
    random_string(&mut OsRng, LOWER_ALNUM, 51)
}

/// The part of a user pool id after `<region>_`: 9 mixed-case alphanumerics.
pub fn random_pool_suffix() -> String {
    random_string(&mut OsRng, MIXED_ALNUM, 9)
}

/// A numeric code of `digits` digits (leading zeros allowed), e.g. a confirmation code.
pub fn random_code(digits: usize) -> String {
    random_string(&mut OsRng, DIGITS, digits)
}

/// `bytes` random bytes as unpadded base64url, e.g. for refresh tokens and sessions.
pub fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buffer);
    URL_SAFE_NO_PAD.encode(buffer)
}

/// `len` characters drawn uniformly from `charset` (at most 256 of them) with one read of the
/// operating system's randomness per 64 characters, not one per character: rejection
/// sampling keeps it unbiased.
pub fn random_chars(charset: &[u8], len: usize) -> String {
    let n = charset.len().clamp(1, 256);
    // Bytes below `limit` map onto the charset evenly; the rest are drawn again.
    let limit = 256 - 256 % n;
    let mut out = String::with_capacity(len);
    let mut buffer = [0u8; 64];
    while out.len() < len {
        OsRng.fill_bytes(&mut buffer);
        let usable = buffer.iter().filter(|byte| usize::from(**byte) < limit);
        for byte in usable.take(len - out.len()) {
            out.push(char::from(charset[usize::from(*byte) % n]));
        }
    }
    out
}

/// Draws `len` characters uniformly (no modulo bias) from `charset`.
fn random_string<R: Rng + ?Sized>(rng: &mut R, charset: &[u8], len: usize) -> String {
    (0..len)
        .map(|_| char::from(charset[rng.gen_range(0..charset.len())]))
        .collect()
}

/// Lowercase hex SHA-256, the form codes, refresh tokens and secrets are stored in.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(sha256(data))
}

/// SHA-256, e.g. to key a cache by a token without keeping the token.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Compares two byte strings without a data-dependent early exit (the length may leak).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// Cognito's `SECRET_HASH`: base64(HMAC-SHA256(key = client secret, username + client id)).
pub fn secret_hash(username: &str, client_id: &str, client_secret: &str) -> String {
    STANDARD.encode(secret_hash_bytes(username, client_id, client_secret))
}

/// Checks a client-supplied `SECRET_HASH` in constant time.
///
/// The comparison is on the decoded MAC, so it does not depend on how the
/// client formatted the base64.
pub fn verify_secret_hash(
    username: &str,
    client_id: &str,
    client_secret: &str,
    provided: &str,
) -> bool {
    let Ok(provided) = STANDARD.decode(provided.trim()) else {
        return false;
    };
    let expected = secret_hash_bytes(username, client_id, client_secret);
    constant_time_eq(&expected, &provided)
}

fn secret_hash_bytes(username: &str, client_id: &str, client_secret: &str) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail; an empty MAC never matches.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(client_secret.as_bytes()) else {
        return [0; 32];
    };
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests;
