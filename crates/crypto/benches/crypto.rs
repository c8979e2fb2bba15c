//! Hot paths of the login and token-check routes (see DESIGN.md §4 for target numbers), and
//! the crypto each password and token flow pays per request (issue 16's ceilings; the sums are
//! in docs/benchmarks/issue-16-crypto-ceilings.md). Measured in the process's CPU time, so the
//! other load of a shared machine does not inflate them (`support/cpu_time.rs`).
//! Run: `cargo bench -p cognate-crypto --bench crypto -- --warm-up-time 1 --measurement-time 3`.

#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use cognate_crypto::jwt;
use cognate_crypto::keys::{GeneratedKey, SigningKey};
use cognate_crypto::password::{PasswordHasher, PasswordProfile};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;

#[path = "support/cpu_time.rs"]
mod cpu_time;

type Cpu = cpu_time::ProcessCpuTime;

fn sample_claims() -> serde_json::Value {
    json!({
        "sub": "0b8e4f1a-9c1d-4b7e-8f3a-2d5c6e7f8a9b",
        "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI",
        "client_id": "abcdefghijklmnopqrstuvwxyz",
        "origin_jti": "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
        "event_id": "7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a",
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "auth_time": 1_700_000_000,
        "exp": 1_700_003_600,
        "iat": 1_700_000_000,
        "jti": "9f0a1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c",
        "username": "alice"
    })
}

fn rs256(c: &mut Criterion<Cpu>) {
    let key = SigningKey::generate().unwrap();
    let claims = sample_claims();
    c.bench_function("rs256_sign", |b| {
        b.iter(|| jwt::sign(&key, black_box(&claims)).unwrap())
    });

    let token = jwt::sign(&key, &claims).unwrap();
    let public = key.public_key().clone();
    c.bench_function("rs256_verify", |b| {
        b.iter(|| jwt::verify(black_box(&token), |_| Some(public.clone())).unwrap())
    });
}

/// Through the hasher's own threads, as the server runs it (the hand-off is included).
fn argon2id(c: &mut Criterion<Cpu>) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    let profiles = [
        ("owasp", PasswordProfile::Owasp),
        ("dev", PasswordProfile::Dev),
    ];
    let mut group = c.benchmark_group("argon2id_verify");
    group.sample_size(10);
    for (name, profile) in profiles {
        let hasher = PasswordHasher::new(profile).unwrap();
        let phc = runtime.block_on(hasher.hash("Correct horse 1!")).unwrap();
        group.bench_function(name, |b| {
            b.iter(|| {
                runtime
                    .block_on(hasher.verify(black_box("Correct horse 1!"), &phc))
                    .unwrap()
            })
        });
    }
    group.finish();
    // AdminCreateUser, SignUp and password changes hash; sign-ins verify. Same cost in theory
    // (one argon2 run), plus a salt from the OS and the PHC encoding.
    let mut group = c.benchmark_group("argon2id_hash");
    group.sample_size(10);
    for (name, profile) in profiles {
        let hasher = PasswordHasher::new(profile).unwrap();
        group.bench_function(name, |b| {
            b.iter(|| {
                runtime
                    .block_on(hasher.hash(black_box("Correct horse 1!")))
                    .unwrap()
            })
        });
    }
    group.finish();
}

/// The sealed password material (PHC string and SRP verifier, as JSON) that every password
/// sign-in opens and every password set seals: AES-256-GCM over about 1 KiB.
fn password_material(c: &mut Criterion<Cpu>) {
    use cognate_crypto::SealKey;
    let key = SealKey::generate();
    let (salt_hex, verifier_hex) = cognate_crypto::srp::new_verifier("AbCdEfGhI", "alice", "pw");
    let plain = serde_json::to_vec(&json!({
        "phc": "$argon2id$v=19$m=4096,t=1,p=1$Y29nbmF0ZWR1bW15c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "srp": { "salt_hex": salt_hex, "verifier_hex": verifier_hex },
    }))
    .unwrap();
    let aad = b"password/us-east-1_AbCdEfGhI/0b8e4f1a-9c1d-4b7e-8f3a-2d5c6e7f8a9b";
    let mut group = c.benchmark_group("password_material");
    group.bench_function("seal", |b| b.iter(|| key.seal(black_box(&plain), aad)));
    let sealed = key.seal(&plain, aad);
    group.bench_function("open", |b| {
        b.iter(|| key.open(black_box(&sealed), aad).unwrap())
    });
    group.finish();
}

/// A sign-in's new refresh token (96 random bytes, base64url) and the SHA-256 stored for it;
/// a refresh hashes the presented token once to look it up.
fn refresh_token(c: &mut Criterion<Cpu>) {
    use cognate_crypto::secrets::{random_token, sha256_hex};
    let mut group = c.benchmark_group("refresh_token");
    group.bench_function("generate_and_hash", |b| {
        b.iter(|| sha256_hex(random_token(black_box(96)).as_bytes()))
    });
    let token = random_token(96);
    group.bench_function("hash", |b| {
        b.iter(|| sha256_hex(black_box(token.as_bytes())))
    });
    group.finish();
}

fn rsa_keygen(c: &mut Criterion<Cpu>) {
    let mut group = c.benchmark_group("rsa2048");
    group.sample_size(10);
    group.bench_function("keygen", |b| b.iter(|| GeneratedKey::generate().unwrap()));
    group.finish();
}

/// SRP sign-in math: one 3072-bit modexp with a 256-bit exponent (a verifier) as the unit,
/// then each round trip's server work (challenge: one modexp; proof: two).
fn srp(c: &mut Criterion<Cpu>) {
    use cognate_crypto::srp;
    c.bench_function("srp_modexp_3072_bits", |b| {
        b.iter(|| srp::new_verifier("AbCdEfGhI", black_box("alice"), "Corr3ct!Horse"))
    });
    let (_, verifier) = srp::new_verifier("AbCdEfGhI", "alice", "Corr3ct!Horse");
    c.bench_function("srp_initiate_challenge", |b| {
        b.iter(|| srp::server_challenge(black_box(&verifier)).unwrap())
    });
    let challenge = srp::server_challenge(&verifier).unwrap();
    let client_public = srp::server_challenge(&verifier).unwrap().public_b_hex;
    let input = srp::ProofInput {
        pool_name: "AbCdEfGhI",
        user_id: "alice",
        verifier_hex: &verifier,
        client_public_hex: &client_public,
        secret_b_hex: &challenge.secret_b_hex,
        public_b_hex: &challenge.public_b_hex,
        secret_block: b"block",
        timestamp: "Wed Dec 2 01:05:02 UTC 2026",
    };
    c.bench_function("srp_verify_proof", |b| {
        b.iter(|| srp::expected_signature(black_box(&input)).unwrap())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(Cpu::new());
    targets = rs256, argon2id, password_material, refresh_token, rsa_keygen, srp
}
criterion_main!(benches);
