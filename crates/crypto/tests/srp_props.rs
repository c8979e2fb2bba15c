//! Property tests of the SRP inputs a client controls: SRP_A, and everything the proof check
//! reads (the values sealed in the secret block, the block, the timestamp). Whatever they hold,
//! the server answers with a typed error or a signature, never a panic, and never does work
//! beyond the group's size; an A that is 0 mod N is always refused.
//! `PROPTEST_CASES=N` runs N cases of the cheap properties and N/8 of the exponentiations.

// Tests unwrap freely, helpers included (allow-unwrap-in-tests covers #[test] bodies only).
#![allow(clippy::unwrap_used)]

use cognate_crypto::CryptoError;
use cognate_crypto::srp::{self, MAX_PUBLIC_HEX, N_HEX, ProofInput};
use num_bigint::BigUint;
use proptest::prelude::*;

fn modulus() -> BigUint {
    BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap_or_default()
}

/// Hex text as clients might send it: any case, leading zeros, sometimes too long.
fn hex_text(max_digits: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::string::string_regex(&format!("[0-9a-fA-F]{{1,{max_digits}}}")).unwrap(),
        Just(String::new()),
        any::<String>(),
        "[0-9a-f]{0,8}[^0-9a-fA-F][0-9a-f]{0,8}",
    ]
}

/// Cheap expectations on a value that was accepted as an SRP number.
fn well_formed(text: &str) -> bool {
    !text.is_empty() && text.len() <= MAX_PUBLIC_HEX && text.bytes().all(|b| b.is_ascii_hexdigit())
}

fn expensive() -> ProptestConfig {
    let config = ProptestConfig::default();
    ProptestConfig {
        cases: (config.cases / 8).max(1),
        ..config
    }
}

proptest! {
    #[test]
    fn any_srp_a_is_checked_without_panic(a in hex_text(MAX_PUBLIC_HEX + 2)) {
        match srp::check_client_public(&a) {
            Ok(value) => {
                prop_assert!(well_formed(&a));
                prop_assert!(value % modulus() != BigUint::from(0u8));
            }
            Err(CryptoError::InvalidKey(_)) => {}
            Err(other) => prop_assert!(false, "untyped refusal {other:?}"),
        }
    }

    /// k·N, however written (any case, zero-padded), is refused: it would fix the secret.
    #[test]
    fn a_multiple_of_n_is_refused(k in 0u32..256, zeros in 0usize..3, upper in any::<bool>()) {
        let text = (modulus() * BigUint::from(k)).to_str_radix(16);
        let text = "0".repeat(zeros.min(MAX_PUBLIC_HEX - text.len())) + &text;
        let text = if upper { text.to_uppercase() } else { text };
        prop_assert!(srp::check_client_public(&text).is_err(), "{}", text);
    }

    /// A positive A below the size cap and not a multiple of N is accepted.
    #[test]
    fn other_a_values_are_accepted(a in "[1-9a-f][0-9a-f]{0,700}") {
        let value = BigUint::parse_bytes(a.as_bytes(), 16).unwrap_or_default();
        prop_assume!(value.clone() % modulus() != BigUint::from(0u8));
        prop_assert_eq!(srp::check_client_public(&a).ok(), Some(value));
    }
}

proptest! {
    #![proptest_config(expensive())]

    /// The proof check over arbitrary inputs: a signature or a typed error.
    #[test]
    fn the_proof_check_takes_any_input(
        verifier in hex_text(MAX_PUBLIC_HEX + 2),
        a in hex_text(MAX_PUBLIC_HEX + 2),
        b in hex_text(64),
        public_b in hex_text(MAX_PUBLIC_HEX + 2),
        block in proptest::collection::vec(any::<u8>(), 0..64),
        timestamp in any::<String>(),
        user in any::<String>(),
    ) {
        let input = ProofInput {
            pool_name: "AbCdEfGhI",
            user_id: &user,
            verifier_hex: &verifier,
            client_public_hex: &a,
            secret_b_hex: &b,
            public_b_hex: &public_b,
            secret_block: &block,
            timestamp: &timestamp,
        };
        match srp::expected_signature(&input) {
            Ok(signature) => {
                prop_assert_eq!(signature.len(), 32);
                prop_assert!([&verifier, &a, &b, &public_b].iter().all(|v| well_formed(v)));
            }
            Err(CryptoError::InvalidKey(_) | CryptoError::Signing) => {}
            Err(other) => prop_assert!(false, "untyped refusal {other:?}"),
        }
    }

    /// A real challenge over any verifier the server could hold: B below N, a fresh b.
    #[test]
    fn a_challenge_for_any_verifier(verifier in hex_text(MAX_PUBLIC_HEX + 2)) {
        match srp::server_challenge(&verifier) {
            Ok(challenge) => {
                prop_assert!(well_formed(&verifier));
                let b = BigUint::parse_bytes(challenge.public_b_hex.as_bytes(), 16);
                prop_assert!(b.is_some_and(|b| b < modulus()));
            }
            Err(error) => prop_assert!(matches!(error, CryptoError::InvalidKey(_))),
        }
    }
}
