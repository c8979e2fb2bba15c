//! The one error type of this crate.
//!
//! Variants say what went wrong without carrying secret material, so they can be logged.

/// Everything that can fail in `cognate-crypto`.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// The RSA key generator failed (should not happen short of an RNG failure).
    #[error("key generation failed")]
    KeyGeneration,
    /// A stored or supplied key could not be parsed or is not an acceptable key.
    #[error("invalid key: {0}")]
    InvalidKey(String),
    /// The signer failed (should not happen with a valid key).
    #[error("signing failed")]
    Signing,
    /// The token is larger than we are willing to look at.
    #[error("token too large")]
    TokenTooLarge,
    /// The token is not three well-formed base64url segments with JSON inside.
    #[error("malformed token: {0}")]
    MalformedToken(&'static str),
    /// The token names an algorithm other than RS256 (e.g. `none` or `HS256`).
    #[error("unsupported token algorithm: {0}")]
    UnsupportedAlgorithm(String),
    /// The token's `kid` is missing or unknown to the key lookup.
    #[error("unknown key id")]
    UnknownKeyId,
    /// The signature does not match the signed content.
    #[error("invalid signature")]
    InvalidSignature,
    /// The token's `exp` is in the past.
    #[error("token expired")]
    Expired,
    /// A standard claim is missing or has an unexpected value (the claim name).
    #[error("invalid claim: {0}")]
    InvalidClaim(&'static str),
    /// Argon2 parameters or a PHC string are unusable, or hashing failed.
    #[error("password hash error: {0}")]
    PasswordHash(String),
    /// A sealed value is truncated, of an unknown version, or fails authentication
    /// (wrong key, wrong AAD, tampered).
    #[error("sealed value cannot be opened")]
    Unseal,
    /// A seal key file exists but holds neither 32 raw bytes nor 64 hex digits.
    #[error("invalid seal key file: {0}")]
    InvalidKeyFile(String),
    /// Reading or writing a key file failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// JSON (de)serialisation of token parts failed.
    #[error("json error: {0}")]
    Json(#[from] serde_json::Error),
    /// jsonwebtoken is not running on our crypto provider (see `jwt::backend`).
    #[error("token backend unavailable: {0}")]
    Backend(&'static str),
    /// A task on the blocking pool panicked or was cancelled.
    #[error("background task failed")]
    TaskFailed,
}

/// `Result` with [`CryptoError`] as the default error.
pub type Result<T, E = CryptoError> = std::result::Result<T, E>;
