use std::path::PathBuf;

use super::*;

const AAD: &[u8] = b"us-east-1_Abc\0alice";

/// A fresh path under the system temp dir (no tempfile crate needed).
fn temp_path(name: &str) -> PathBuf {
    let mut suffix = [0u8; 8];
    OsRng.fill_bytes(&mut suffix);
    std::env::temp_dir()
        .join(format!("cognate-seal-test-{}", hex::encode(suffix)))
        .join(name)
}

#[test]
fn seal_then_open_round_trips() {
    let key = SealKey::generate();
    let sealed = key.seal(b"$argon2id$v=19$...", AAD);
    assert_eq!(sealed[0], VERSION);
    assert_eq!(sealed.len(), 1 + NONCE_LEN + 18 + TAG_LEN);
    assert_eq!(key.open(&sealed, AAD).unwrap(), b"$argon2id$v=19$...");
}

#[test]
fn nonces_are_fresh() {
    let key = SealKey::generate();
    assert_ne!(key.seal(b"x", AAD), key.seal(b"x", AAD));
}

#[test]
fn wrong_aad_fails() {
    let key = SealKey::generate();
    let sealed = key.seal(b"secret", AAD);
    assert!(matches!(
        key.open(&sealed, b"us-east-1_Abc\0mallory"),
        Err(CryptoError::Unseal)
    ));
}

#[test]
fn wrong_key_tampering_and_truncation_fail() {
    let key = SealKey::from_bytes([7; KEY_LEN]);
    let sealed = key.seal(b"secret", AAD);
    assert!(
        SealKey::from_bytes([8; KEY_LEN])
            .open(&sealed, AAD)
            .is_err()
    );
    for index in 0..sealed.len() {
        let mut tampered = sealed.clone();
        tampered[index] ^= 0x01;
        assert!(key.open(&tampered, AAD).is_err(), "byte {index}");
    }
    assert!(key.open(&sealed[..sealed.len() - 1], AAD).is_err());
    assert!(key.open(&[], AAD).is_err());
}

#[test]
fn debug_does_not_print_key_material() {
    let key = SealKey::from_bytes([0xab; KEY_LEN]);
    let debug = format!("{key:?}");
    assert!(!debug.contains("ab"), "{debug}");
    assert!(!debug.contains("171"), "{debug}");
}

#[test]
fn load_or_create_writes_a_private_hex_file_and_reloads_it() {
    let path = temp_path("nested/cognate.key");
    let created = SealKey::load_or_create(&path).unwrap();
    let contents = std::fs::read_to_string(&path).unwrap();
    assert_eq!(contents.trim().len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let sealed = created.seal(b"secret", AAD);
    let reloaded = SealKey::load_or_create(&path).unwrap();
    assert_eq!(reloaded.open(&sealed, AAD).unwrap(), b"secret");
    std::fs::remove_dir_all(path.parent().unwrap().parent().unwrap()).unwrap();
}

#[test]
fn load_accepts_raw_bytes_and_rejects_junk() {
    let path = temp_path("raw.key");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, [0xfe; KEY_LEN]).unwrap();
    let raw = SealKey::load_or_create(&path).unwrap();
    let sealed = SealKey::from_bytes([0xfe; KEY_LEN]).seal(b"s", AAD);
    assert_eq!(raw.open(&sealed, AAD).unwrap(), b"s");

    std::fs::write(&path, b"too short").unwrap();
    assert!(matches!(
        SealKey::load_or_create(&path),
        Err(CryptoError::InvalidKeyFile(_))
    ));
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[test]
fn from_hex_parses_config_values() {
    let hex_key = "00".repeat(KEY_LEN);
    let key = SealKey::from_hex(&format!("  {hex_key}\n")).unwrap();
    let sealed = SealKey::from_bytes([0; KEY_LEN]).seal(b"s", b"");
    assert_eq!(key.open(&sealed, b"").unwrap(), b"s");
    assert!(SealKey::from_hex("abcd").is_err());
}
