//! AES-256-GCM sealing of password material and client secrets with a server key.
//!
//! With SRP verifiers stored, a stolen database would allow cheap offline guessing
//! (`DESIGN.md` §4), so the store holds only sealed values. The AAD names the row a value
//! belongs to (e.g. pool id + username), so a ciphertext copied into another row fails to
//! open.
//!
//! Format: `version (1) || nonce (12) || ciphertext || tag (16)`, with the version byte
//! authenticated together with the caller's AAD.

use std::fs;
use std::io::{self, Write as _};
use std::path::Path;

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, Key, KeyInit, Nonce};
use hmac::{Hmac, Mac};
use rand::RngCore as _;
use rand::rngs::OsRng;
use sha2::Sha256;

use crate::error::{CryptoError, Result};

/// The only sealed-value format so far.
const VERSION: u8 = 1;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
/// Length of a seal key in bytes.
pub const KEY_LEN: usize = 32;

/// The server key that seals stored secrets. `Debug` never shows the key.
#[derive(Clone)]
pub struct SealKey {
    cipher: Aes256Gcm,
    /// HMAC key derived from the seal key, for stable server-keyed values (`keyed_hash`).
    mac_key: [u8; 32],
}

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(<redacted>)")
    }
}

impl SealKey {
    /// Uses the given 256-bit key.
    pub fn from_bytes(key: [u8; KEY_LEN]) -> Self {
        SealKey {
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key)),
            mac_key: derive_mac_key(&key),
        }
    }

    /// A stable HMAC-SHA256 of `data` under a key derived from the seal key, separated by
    /// `purpose`: values only the server can compute and that never change (e.g. the fake
    /// SRP salt of an unknown user, so probing names tells nothing).
    pub fn keyed_hash(&self, purpose: &str, data: &[u8]) -> [u8; 32] {
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.mac_key) else {
            return [0; 32];
        };
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(data);
        mac.finalize().into_bytes().into()
    }

    /// Parses a key written as 64 hex digits (surrounding whitespace ignored), as found in
    /// configuration or a secret file.
    pub fn from_hex(text: &str) -> Result<Self> {
        let mut key = [0u8; KEY_LEN];
        hex::decode_to_slice(text.trim(), &mut key).map_err(|_| {
            CryptoError::InvalidKeyFile(format!("expected {} hex digits", KEY_LEN * 2))
        })?;
        Ok(Self::from_bytes(key))
    }

    /// A fresh random key.
    pub fn generate() -> Self {
        Self::from_bytes(random_key())
    }

    /// Loads the key file at `path`, or creates it (hex, mode 0600, parent directories
    /// included) when missing — the dev-mode key beside the SQLite database.
    ///
    /// An existing file may hold 32 raw bytes or 64 hex digits.
    pub fn load_or_create(path: &Path) -> Result<Self> {
        match fs::read(path) {
            Ok(contents) => Self::from_file_contents(&contents),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Self::create_file(path),
            Err(e) => Err(e.into()),
        }
    }

    /// Interprets a key file: 32 raw bytes, or hex text.
    fn from_file_contents(contents: &[u8]) -> Result<Self> {
        if let Ok(raw) = <[u8; KEY_LEN]>::try_from(contents) {
            // 32 bytes that are all hex digits would be a truncated hex key, not a raw one.
            if !raw.iter().all(u8::is_ascii_hexdigit) {
                return Ok(Self::from_bytes(raw));
            }
        }
        let text = std::str::from_utf8(contents)
            .map_err(|_| CryptoError::InvalidKeyFile("neither 32 raw bytes nor hex".into()))?;
        Self::from_hex(text)
    }

    /// Writes a new random key; if another process created the file first, uses theirs.
    fn create_file(path: &Path) -> Result<Self> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)?;
        }
        let key = random_key();
        match create_private_file(path) {
            Ok(mut file) => {
                file.write_all(format!("{}\n", hex::encode(key)).as_bytes())?;
                file.sync_all()?;
                Ok(Self::from_bytes(key))
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                Self::from_file_contents(&fs::read(path)?)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Encrypts `plaintext`, binding it to `aad` (which is not stored: the caller supplies
    /// the same value to [`open`](Self::open)).
    ///
    /// Infallible in practice: AES-GCM only refuses plaintexts over 64 GiB. Should that
    /// ever happen the result is empty, which fails closed: it never opens.
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        let Ok(ciphertext) = self.cipher.encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad: &versioned_aad(VERSION, aad),
            },
        ) else {
            return Vec::new();
        };
        let mut sealed = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        sealed.push(VERSION);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        sealed
    }

    /// Decrypts a value made by [`seal`](Self::seal) with the same key and AAD.
    /// Fails on a wrong key, wrong AAD, unknown version, truncation or any tampering.
    pub fn open(&self, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
        if sealed.len() < 1 + NONCE_LEN + TAG_LEN || sealed[0] != VERSION {
            return Err(CryptoError::Unseal);
        }
        let (nonce, ciphertext) = sealed[1..].split_at(NONCE_LEN);
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &versioned_aad(sealed[0], aad),
                },
            )
            .map_err(|_| CryptoError::Unseal)
    }
}

/// Prefixes the caller's AAD with the format version so the version byte is authenticated.
fn versioned_aad(version: u8, aad: &[u8]) -> Vec<u8> {
    let mut full = Vec::with_capacity(1 + aad.len());
    full.push(version);
    full.extend_from_slice(aad);
    full
}

/// The MAC key is a one-way function of the seal key, so MAC outputs reveal nothing of it.
fn derive_mac_key(key: &[u8; KEY_LEN]) -> [u8; 32] {
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(key) else {
        return [0; 32];
    };
    mac.update(b"cognate seal key / mac subkey");
    mac.finalize().into_bytes().into()
}

fn random_key() -> [u8; KEY_LEN] {
    let mut key = [0u8; KEY_LEN];
    OsRng.fill_bytes(&mut key);
    key
}

/// Creates a new file readable only by its owner; fails if it already exists.
fn create_private_file(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests;
