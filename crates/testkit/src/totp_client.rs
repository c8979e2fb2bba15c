//! An authenticator app for the tests: RFC 6238 codes from a base32 `SecretCode`, written
//! apart from the server's TOTP code.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Decodes upper-case RFC 4648 base32 (padding optional).
pub fn base32_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u64, 0u32);
    for c in text.trim_end_matches('=').chars() {
        let value = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
            .find(c.to_ascii_uppercase())
            .expect("a base32 character") as u64;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

/// The 6-digit code of `secret_base32` at Unix time `secs`.
pub fn totp_code(secret_base32: &str, secs: i64) -> String {
    let key = base32_decode(secret_base32);
    let counter = (secs / 30) as u64;
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(&key).expect("any key length");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[digest.len() - 1] & 0xf) as usize;
    let number =
        u32::from_be_bytes(digest[offset..offset + 4].try_into().expect("4 bytes")) & 0x7fff_ffff;
    format!("{:06}", number % 1_000_000)
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc6238_vector() {
        // "12345678901234567890" in base32.
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        assert_eq!(super::totp_code(secret, 59), "287082");
    }
}
