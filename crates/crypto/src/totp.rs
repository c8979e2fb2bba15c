//! RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30-second steps) for software-token MFA, and the
//! base32 form authenticator apps read secrets in.

use hmac::{Hmac, Mac};
use rand::RngCore as _;
use sha1::Sha1;

use crate::secrets::constant_time_eq;

pub const STEP_SECS: i64 = 30;
const DIGITS: u32 = 6;
/// 32 random bytes: the length of the secrets Cognito hands out (52 base32 characters).
const SECRET_LEN: usize = 32;
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A fresh random secret.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_LEN];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    secret
}

/// Upper-case base32 without padding, as Cognito's `SecretCode`.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// The code for time step `step` (Unix seconds / 30).
pub fn code_at(secret: &[u8], step: i64) -> String {
    let Ok(mut mac) = <Hmac<Sha1> as Mac>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let value = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    format!(
        "{:0width$}",
        value % 10u32.pow(DIGITS),
        width = DIGITS as usize
    )
}

/// The step `code` is valid for at `now_secs`, within one step either way (clock drift), and
/// only steps after `used_up_to` (a code accepted once is not accepted again).
pub fn accepted_step(
    secret: &[u8],
    code: &str,
    now_secs: i64,
    used_up_to: Option<i64>,
) -> Option<i64> {
    let current = now_secs.div_euclid(STEP_SECS);
    let mut found = None;
    // Every candidate is compared, so timing does not tell which step matched.
    for step in [current - 1, current, current + 1] {
        let fresh = used_up_to.is_none_or(|used| step > used);
        if constant_time_eq(code_at(secret, step).as_bytes(), code.as_bytes()) && fresh {
            found = Some(step);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_vectors() {
        // RFC 6238 appendix B, 8-digit codes' last 6 digits, key "12345678901234567890".
        let key = b"12345678901234567890";
        assert_eq!(code_at(key, 59 / 30), "287082");
        assert_eq!(code_at(key, 1_111_111_109 / 30), "081804");
        assert_eq!(code_at(key, 1_234_567_890 / 30), "005924");
    }

    #[test]
    fn window_and_reuse() {
        let key = b"12345678901234567890";
        let code = code_at(key, 100);
        assert_eq!(accepted_step(key, &code, 100 * 30 + 29, None), Some(100));
        assert_eq!(accepted_step(key, &code, 101 * 30, None), Some(100));
        assert_eq!(accepted_step(key, &code, 102 * 30, None), None);
        assert_eq!(accepted_step(key, &code, 100 * 30, Some(100)), None);
    }

    #[test]
    fn base32_matches_rfc4648() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32(&new_secret()).len(), 52);
    }
}
