//! Cognito's SRP-6a variant, server side: the 3072-bit group of RFC 5054 with g = 2,
//! k = H(N‖g), u = H(A‖B), HKDF ("Caldera Derived Key") over S and u, and the
//! PASSWORD_VERIFIER signature HMAC(K, poolName‖userId‖secretBlock‖timestamp).
//!
//! Hashes are SHA-256 over the bytes of AWS's "padded hex" encoding (a leading zero byte when
//! the top bit is set), exactly as amazon-cognito-identity-js computes them.

use std::sync::OnceLock;

use hmac::{Hmac, Mac};
use num_bigint::BigUint;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::{CryptoError, Result};

/// The group's modulus N (RFC 5054, 3072 bits), hex.
pub const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
);

/// The largest A or B a peer may send, in hex digits: the group is 3072 bits (768 digits), plus
/// a padding byte.
pub const MAX_PUBLIC_HEX: usize = 770;

struct Group {
    n: BigUint,
    g: BigUint,
    k: BigUint,
}

fn group() -> &'static Group {
    static GROUP: OnceLock<Group> = OnceLock::new();
    GROUP.get_or_init(|| {
        let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap_or_default();
        let g = BigUint::from(2u8);
        let k = BigUint::from_bytes_be(&Sha256::digest([pad(&n), pad(&g)].concat()));
        Group { n, g, k }
    })
}

/// AWS's padded big-endian bytes: a leading zero byte when the top bit is set.
fn pad(value: &BigUint) -> Vec<u8> {
    let mut bytes = value.to_bytes_be();
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    bytes
}

/// Hex of the padded bytes, as sent on the wire (SRP_A, SRP_B, SALT).
pub fn to_hex(value: &BigUint) -> String {
    hex::encode(pad(value))
}

fn sha256_hex_of(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// x = H(pad(salt) ‖ H(poolName ‖ userId ‖ ":" ‖ password)), hashed as bytes of the hex strings
/// AWS concatenates.
fn private_x(pool_name: &str, user_id: &str, password: &str, salt: &BigUint) -> BigUint {
    let identity = sha256_hex_of(format!("{pool_name}{user_id}:{password}").as_bytes());
    let mut input = pad(salt);
    input.extend(hex::decode(identity).unwrap_or_default());
    BigUint::from_bytes_be(&Sha256::digest(input))
}

/// A fresh salt (16 random bytes) and the verifier v = g^x mod N, as hex.
pub fn new_verifier(pool_name: &str, user_id: &str, password: &str) -> (String, String) {
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let salt = BigUint::from_bytes_be(&salt);
    let verifier = verifier_for(pool_name, user_id, password, &salt);
    (to_hex(&salt), to_hex(&verifier))
}

fn verifier_for(pool_name: &str, user_id: &str, password: &str, salt: &BigUint) -> BigUint {
    let group = group();
    group
        .g
        .modpow(&private_x(pool_name, user_id, password, salt), &group.n)
}

/// The wire form of a salt given as bytes (as `new_verifier` writes its own).
pub fn salt_hex(bytes: &[u8]) -> String {
    to_hex(&BigUint::from_bytes_be(bytes))
}

/// A value shaped like a verifier (below N, full size) derived from `seed`: what unknown users
/// and users without a verifier are challenged with, so the work and the answers look alike.
pub fn verifier_like(seed: &[u8]) -> String {
    let mut bytes = Vec::with_capacity(384);
    let mut counter = 0u32;
    while bytes.len() < 384 {
        bytes.extend(Sha256::digest([seed, &counter.to_be_bytes()].concat()));
        counter += 1;
    }
    to_hex(&(BigUint::from_bytes_be(&bytes) % &group().n))
}

fn parse_hex(value: &str) -> Result<BigUint> {
    if value.is_empty()
        || value.len() > MAX_PUBLIC_HEX
        || !value.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return Err(CryptoError::InvalidKey("malformed SRP value".into()));
    }
    BigUint::parse_bytes(value.as_bytes(), 16)
        .ok_or_else(|| CryptoError::InvalidKey("malformed SRP value".into()))
}

/// The server's half of a sign-in: its secret b (hex, kept server-side) and B (hex, sent).
pub struct ServerChallenge {
    pub secret_b_hex: String,
    pub public_b_hex: String,
}

/// B = (k·v + g^b) mod N for a fresh random b.
pub fn server_challenge(verifier_hex: &str) -> Result<ServerChallenge> {
    let group = group();
    let verifier = parse_hex(verifier_hex)?;
    let mut random = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut random);
    let b = BigUint::from_bytes_be(&random);
    let public_b = (&group.k * &verifier + group.g.modpow(&b, &group.n)) % &group.n;
    Ok(ServerChallenge {
        secret_b_hex: hex::encode(b.to_bytes_be()),
        public_b_hex: to_hex(&public_b),
    })
}

/// Checks the client's A before any exponentiation: well-formed, bounded, and A mod N ≠ 0
/// (which would force the shared secret to zero).
pub fn check_client_public(a_hex: &str) -> Result<BigUint> {
    let a = parse_hex(a_hex)?;
    if (&a % &group().n) == BigUint::from(0u8) {
        return Err(CryptoError::InvalidKey("SRP_A is zero modulo N".into()));
    }
    Ok(a)
}

/// What the PASSWORD_VERIFIER answer is checked against.
pub struct ProofInput<'a> {
    pub pool_name: &'a str,
    pub user_id: &'a str,
    pub verifier_hex: &'a str,
    pub client_public_hex: &'a str,
    pub secret_b_hex: &'a str,
    pub public_b_hex: &'a str,
    pub secret_block: &'a [u8],
    pub timestamp: &'a str,
}

/// Computes the expected PASSWORD_CLAIM_SIGNATURE (raw HMAC bytes).
pub fn expected_signature(input: &ProofInput<'_>) -> Result<Vec<u8>> {
    let group = group();
    let a = check_client_public(input.client_public_hex)?;
    let b = parse_hex(input.secret_b_hex)?;
    let public_b = parse_hex(input.public_b_hex)?;
    let verifier = parse_hex(input.verifier_hex)?;
    let u = BigUint::from_bytes_be(&Sha256::digest([pad(&a), pad(&public_b)].concat()));
    if u == BigUint::from(0u8) {
        return Err(CryptoError::InvalidKey("SRP u is zero".into()));
    }
    let shared = (a * verifier.modpow(&u, &group.n)).modpow(&b, &group.n);
    let key = hkdf(&pad(&shared), &pad(&u));
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| CryptoError::Signing)?;
    mac.update(input.pool_name.as_bytes());
    mac.update(input.user_id.as_bytes());
    mac.update(input.secret_block);
    mac.update(input.timestamp.as_bytes());
    Ok(mac.finalize().into_bytes().to_vec())
}

/// Cognito's HKDF: 16 bytes of HKDF-SHA256(ikm = S, salt = u, info = "Caldera Derived Key").
fn hkdf(ikm: &[u8], salt: &[u8]) -> Vec<u8> {
    let prk = hmac_sha256(salt, ikm);
    let mut okm = hmac_sha256(&prk, b"Caldera Derived Key\x01");
    okm.truncate(16);
    okm
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The client side, written here independently of the server functions, as
    /// amazon-cognito-identity-js computes it.
    /// What the client knows: who it signs in as, and with which password.
    struct Client<'a> {
        pool: &'a str,
        user: &'a str,
        password: &'a str,
    }

    fn client_signature(
        client: &Client<'_>,
        salt_hex: &str,
        b_hex: &str,
        a: &BigUint,
        block: &[u8],
        ts: &str,
    ) -> Vec<u8> {
        let Client {
            pool,
            user,
            password,
        } = *client;
        let group = group();
        let public_a = group.g.modpow(a, &group.n);
        let public_b = BigUint::parse_bytes(b_hex.as_bytes(), 16).unwrap();
        let salt = BigUint::parse_bytes(salt_hex.as_bytes(), 16).unwrap();
        let u = BigUint::from_bytes_be(&Sha256::digest([pad(&public_a), pad(&public_b)].concat()));
        let x = private_x(pool, user, password, &salt);
        let gx = group.g.modpow(&x, &group.n);
        let kgx = (&group.k * gx) % &group.n;
        let base = (&public_b + &group.n - kgx) % &group.n;
        let shared = base.modpow(&(a + &u * &x), &group.n);
        let key = hkdf(&pad(&shared), &pad(&u));
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
        mac.update(pool.as_bytes());
        mac.update(user.as_bytes());
        mac.update(block);
        mac.update(ts.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    fn run(password_used_by_client: &str) -> bool {
        let (salt, verifier) = new_verifier("AbCdEfGhI", "alice", "Corr3ct!Horse");
        let challenge = server_challenge(&verifier).unwrap();
        let a = BigUint::from_bytes_be(&[7u8; 32]);
        let public_a = to_hex(&group().g.modpow(&a, &group().n));
        let ts = "Sun Nov 22 07:20:40 UTC 2026";
        let client = Client {
            pool: "AbCdEfGhI",
            user: "alice",
            password: password_used_by_client,
        };
        let signature = client_signature(&client, &salt, &challenge.public_b_hex, &a, b"block", ts);
        let expected = expected_signature(&ProofInput {
            pool_name: "AbCdEfGhI",
            user_id: "alice",
            verifier_hex: &verifier,
            client_public_hex: &public_a,
            secret_b_hex: &challenge.secret_b_hex,
            public_b_hex: &challenge.public_b_hex,
            secret_block: b"block",
            timestamp: ts,
        })
        .unwrap();
        expected == signature
    }

    #[test]
    fn the_right_password_proves_and_a_wrong_one_does_not() {
        assert!(run("Corr3ct!Horse"));
        assert!(!run("Wr0ng!Horse"));
    }

    #[test]
    fn degenerate_and_oversized_a_are_refused_before_exponentiation() {
        assert!(check_client_public("0").is_err());
        assert!(check_client_public(N_HEX).is_err());
        assert!(check_client_public(&"f".repeat(MAX_PUBLIC_HEX + 1)).is_err());
        assert!(check_client_public("xyz").is_err());
        assert!(check_client_public("02").is_ok());
    }

    #[test]
    fn k_matches_cognito() {
        // k as amazon-cognito-identity-js derives it, H(pad(N) ‖ pad(g)).
        assert_eq!(
            hex::encode(group().k.to_bytes_be()),
            "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
        );
    }
}
