//! argon2id runs on one reused working memory per hashing thread.
//!
//! argon2's own `hash_password`/`verify_password` allocate the whole cost (19 MiB with OWASP)
//! per call and free it after. Freed blocks that size stay in glibc's per-thread arenas and
//! fragment them, so the resident size kept growing with mixed load. Here each thread keeps one
//! block vector, grown to the largest cost it has seen, and hands it to
//! `hash_password_into_with_memory`. The PHC strings are the same as argon2's: same algorithm,
//! version, parameters, salt encoding and output, checked against argon2's own functions in the
//! tests.

use std::cell::RefCell;

use argon2::password_hash::{Output, ParamsString, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::RngCore as _;
use rand::rngs::OsRng;

use crate::error::{CryptoError, Result};

thread_local! {
    /// This thread's argon2 working memory, kept between jobs. It holds password-derived
    /// blocks between runs as freed heap memory did before; nothing reads it but argon2, which
    /// overwrites every block before reading it.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

fn hash_error(e: impl std::fmt::Display) -> CryptoError {
    CryptoError::PasswordHash(e.to_string())
}

/// Runs `f` on `blocks` blocks of this thread's memory, growing it the first time.
fn with_memory<T>(blocks: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        f(&mut memory[..blocks])
    })
}

/// The argon2 output of `password` with `salt` (the PHC's base64 salt), as argon2's
/// `hash_password_customized` computes it.
fn output(
    algorithm: Algorithm,
    version: Version,
    params: &Params,
    password: &[u8],
    salt: Salt<'_>,
    output_len: usize,
) -> Result<Output> {
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_buf).map_err(hash_error)?;
    let argon = Argon2::new(algorithm, version, params.clone());
    Output::init_with(output_len, |out| {
        with_memory(params.block_count(), |memory| {
            argon.hash_password_into_with_memory(password, salt_bytes, out, memory)
        })
        .map_err(Into::into)
    })
    .map_err(hash_error)
}

/// Hashes synchronously with a random 16-byte salt into a PHC string.
pub(super) fn hash_blocking(password: &str, params: Params) -> Result<String> {
    let mut salt_bytes = [0u8; 16];
    OsRng.fill_bytes(&mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(hash_error)?;
    let output_len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let (algorithm, version) = (Algorithm::Argon2id, Version::V0x13);
    let hash = output(
        algorithm,
        version,
        &params,
        password.as_bytes(),
        salt.as_salt(),
        output_len,
    )?;
    let phc = PasswordHash {
        algorithm: algorithm.ident(),
        version: Some(version.into()),
        params: ParamsString::try_from(&params).map_err(hash_error)?,
        salt: Some(salt.as_salt()),
        hash: Some(hash),
    };
    Ok(phc.to_string())
}

/// Verifies synchronously with the algorithm, version and parameters recorded in `phc`.
/// `Ok(false)` on mismatch; `Err` when the PHC string is unusable.
pub(super) fn verify_blocking(password: &str, phc: &str) -> Result<bool> {
    let hash = PasswordHash::new(phc).map_err(hash_error)?;
    let (Some(salt), Some(expected)) = (hash.salt, &hash.hash) else {
        return Ok(false);
    };
    let algorithm = Algorithm::try_from(hash.algorithm).map_err(hash_error)?;
    let version = hash
        .version
        .map(Version::try_from)
        .transpose()
        .map_err(hash_error)?
        .unwrap_or_default();
    let params = Params::try_from(&hash).map_err(hash_error)?;
    let computed = output(
        algorithm,
        version,
        &params,
        password.as_bytes(),
        salt,
        expected.len(),
    )?;
    // `Output`'s equality is constant-time.
    Ok(&computed == expected)
}

#[cfg(test)]
mod tests {
    use argon2::{PasswordHasher as _, PasswordVerifier as _};

    use super::*;

    fn dev_params() -> Params {
        Params::new(4096, 1, 1, None).unwrap()
    }

    #[test]
    fn hashes_are_the_ones_argon2_itself_makes() {
        let params = dev_params();
        let ours = hash_blocking("Correct horse 1!", params.clone()).unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(b"Correct horse 1!", parsed.salt.unwrap())
            .unwrap()
            .to_string();
        assert_eq!(ours, theirs);
        assert!(
            Argon2::default()
                .verify_password(b"Correct horse 1!", &parsed)
                .is_ok()
        );
    }

    #[test]
    fn argon2s_own_hashes_verify_here_whatever_their_cost() {
        // Larger, then smaller memory than this thread used before: the buffer is reused.
        for (m, t, p) in [(8192, 2, 2), (1024, 1, 1), (4096, 3, 1)] {
            let params = Params::new(m, t, p, None).unwrap();
            let salt = SaltString::encode_b64(b"sixteen byte sal").unwrap();
            let phc = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
                .hash_password(b"pw", &salt)
                .unwrap()
                .to_string();
            assert!(verify_blocking("pw", &phc).unwrap(), "{phc}");
            assert!(!verify_blocking("pW", &phc).unwrap(), "{phc}");
        }
    }

    #[test]
    fn argon2i_and_older_versions_still_verify() {
        let params = Params::new(1024, 1, 1, None).unwrap();
        let salt = SaltString::encode_b64(b"sixteen byte sal").unwrap();
        for (algorithm, version) in [
            (Algorithm::Argon2i, Version::V0x13),
            (Algorithm::Argon2d, Version::V0x10),
        ] {
            let phc = Argon2::new(algorithm, version, params.clone())
                .hash_password(b"pw", &salt)
                .unwrap()
                .to_string();
            assert!(verify_blocking("pw", &phc).unwrap(), "{phc}");
        }
    }
}
