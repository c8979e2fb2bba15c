//! Cryptography for Cognate: RS256 tokens and their keys, argon2id password hashing,
//! AES-256-GCM sealing of password material, and random identifiers and secrets.
//!
//! Nothing here reads the wall clock: callers pass the time in (see `DESIGN.md` §1).
//! The backends are chosen for speed on the login path (`DESIGN.md` §4): aws-lc-rs for RSA,
//! RustCrypto's argon2 and AES-GCM.

pub mod certs;
pub mod client_secret;
pub mod error;
pub mod jwt;
pub mod keys;
pub mod password;
pub mod seal;
pub mod secrets;
pub mod sigv4;
pub mod srp;
pub mod totp;

pub use error::{CryptoError, Result};
pub use jwt::{ClaimChecks, Header};
pub use keys::{GeneratedKey, Jwk, KeyFactory, PublicKey, SigningKey};
pub use password::{PasswordHasher, PasswordProfile};
pub use seal::SealKey;
