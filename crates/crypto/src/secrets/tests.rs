use rand::SeedableRng as _;
use rand::rngs::StdRng;

use super::*;

fn all_in(value: &str, charset: &[u8]) -> bool {
    value.bytes().all(|b| charset.contains(&b))
}

#[test]
fn ids_and_secrets_have_aws_shapes() {
    let client_id = random_client_id();
    assert_eq!(client_id.len(), 26);
    assert!(all_in(&client_id, LOWER_ALNUM));

    let secret = random_client_secret();
    assert_eq!(secret.len(), 51);
    assert!(all_in(&secret, LOWER_ALNUM));

    let suffix = random_pool_suffix();
    assert_eq!(suffix.len(), 9);
    assert!(all_in(&suffix, MIXED_ALNUM));

    assert_ne!(random_client_id(), random_client_id());
}

#[test]
fn codes_are_numeric_with_the_requested_length() {
    for digits in [0, 6, 8] {
        let code = random_code(digits);
        assert_eq!(code.len(), digits);
        assert!(all_in(&code, DIGITS));
    }
}

#[test]
fn tokens_are_unpadded_base64url() {
    let token = random_token(32);
    assert_eq!(token.len(), 43);
    assert_eq!(URL_SAFE_NO_PAD.decode(&token).unwrap().len(), 32);
}

#[test]
fn random_string_covers_the_charset_uniformly_enough() {
    let mut rng = StdRng::seed_from_u64(7);
    let sample = random_string(&mut rng, DIGITS, 10_000);
    for digit in DIGITS {
        let count = sample.bytes().filter(|b| b == digit).count();
        assert!((800..1200).contains(&count), "{} x{count}", *digit as char);
    }
}

#[test]
fn sha256_hex_known_vector() {
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn constant_time_eq_compares_contents_and_lengths() {
    assert!(constant_time_eq(b"abc", b"abc"));
    assert!(!constant_time_eq(b"abc", b"abd"));
    assert!(!constant_time_eq(b"abc", b"abcd"));
    assert!(constant_time_eq(b"", b""));
}

#[test]
fn secret_hash_known_vector() {
    // python: base64.b64encode(hmac.new(b"secret", b"userclient", hashlib.sha256).digest())
    let expected = "wvW87lzZoI+qQCVGmWVBJLlucdJ65huAVP1z+0MgA6E=";
    assert_eq!(secret_hash("user", "client", "secret"), expected);
    assert!(verify_secret_hash("user", "client", "secret", expected));
    assert!(!verify_secret_hash("user", "client", "other", expected));
    assert!(!verify_secret_hash("usr", "client", "secret", expected));
    assert!(!verify_secret_hash(
        "user",
        "client",
        "secret",
        "not base64!"
    ));
    assert!(!verify_secret_hash("user", "client", "secret", ""));
}

#[test]
fn random_chars_fill_any_length_from_the_charset() {
    for (charset, len) in [
        (DIGITS, 0),
        (DIGITS, 200),
        (LOWER_ALNUM, 16),
        (MIXED_ALNUM, 65),
    ] {
        let value = random_chars(charset, len);
        assert_eq!(value.len(), len);
        assert!(all_in(&value, charset));
    }
    // Every character of a small charset turns up (36 of them: 252 of 256 bytes are used).
    let many = random_chars(LOWER_ALNUM, 2000);
    assert!(LOWER_ALNUM.iter().all(|c| many.as_bytes().contains(c)));
}
