//! Token signing and the token-checked read path, through the public API of `jwt` only, so the
//! same bench measures any implementation behind it (issue 19: the hand-written JWS against
//! `jsonwebtoken`).
//! Run: `nice cargo bench -p cognate-crypto --bench tokens -- --warm-up-time 1 --measurement-time 5`.

#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use cognate_crypto::jwt::{self, ClaimChecks};
use cognate_crypto::keys::{PublicKey, SigningKey};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};

#[path = "support/cpu_time.rs"]
mod cpu_time;

const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI";
const CLIENT: &str = "abcdefghijklmnopqrstuvwxyz";
const NOW: u64 = 1_700_000_100;

/// An access token's claims as Cognate issues them.
fn access_claims() -> Value {
    json!({
        "sub": "0b8e4f1a-9c1d-4b7e-8f3a-2d5c6e7f8a9b",
        "iss": ISSUER,
        "client_id": CLIENT,
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

/// An ID token's claims with a few attributes and groups.
fn id_claims() -> Value {
    json!({
        "sub": "0b8e4f1a-9c1d-4b7e-8f3a-2d5c6e7f8a9b",
        "cognito:groups": ["admins", "readers"],
        "email_verified": true,
        "iss": ISSUER,
        "cognito:username": "alice",
        "origin_jti": "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
        "aud": CLIENT,
        "event_id": "7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a",
        "token_use": "id",
        "auth_time": 1_700_000_000,
        "name": "Alice Example",
        "exp": 1_700_003_600,
        "iat": 1_700_000_000,
        "jti": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        "email": "alice@example.com"
    })
}

/// A pool's two keys, looked up by kid as the server's key cache does.
struct Pool {
    id_key: SigningKey,
    access_key: SigningKey,
}

impl Pool {
    fn public_key(&self, kid: &str) -> Option<PublicKey> {
        [&self.id_key, &self.access_key]
            .into_iter()
            .find(|key| key.kid() == kid)
            .map(|key| key.public_key().clone())
    }
}

/// In CPU time, as the other crypto costs of issue 16's ceilings (`benches/crypto.rs`).
fn sign(c: &mut Criterion<cpu_time::ProcessCpuTime>) {
    let key = SigningKey::generate().unwrap();
    let mut group = c.benchmark_group("token_sign");
    for (name, claims) in [("access", access_claims()), ("id", id_claims())] {
        group.bench_function(name, |b| {
            b.iter(|| jwt::sign(&key, black_box(&claims)).unwrap())
        });
    }
    group.finish();
}

fn verify(c: &mut Criterion) {
    let pool = Pool {
        id_key: SigningKey::generate().unwrap(),
        access_key: SigningKey::generate().unwrap(),
    };
    let access = jwt::sign(&pool.access_key, &access_claims()).unwrap();
    let id = jwt::sign(&pool.id_key, &id_claims()).unwrap();
    let mut group = c.benchmark_group("token_verify");
    // The signature alone.
    group.bench_function("signature", |b| {
        b.iter(|| jwt::verify(black_box(&access), |kid| pool.public_key(kid)).unwrap())
    });
    // What a token-checked request does: read `iss` to find the pool, verify, check claims.
    for (name, token, token_use) in [("access", &access, "access"), ("id", &id, "id")] {
        let checks = ClaimChecks {
            issuer: Some(ISSUER),
            client_id: Some(CLIENT),
            token_use: Some(token_use),
            leeway_secs: 0,
        };
        group.bench_function(format!("read_path_{name}"), |b| {
            b.iter(|| {
                let (_, unverified) = jwt::decode_unverified(black_box(token)).unwrap();
                black_box(unverified.get("iss"));
                let claims = jwt::verify(token, |kid| pool.public_key(kid)).unwrap();
                jwt::check_standard_claims(&claims, NOW, &checks).unwrap();
                claims
            })
        });
    }
    // The server's read path since jsonwebtoken (issue 19; not in the "before" run, whose API
    // lacked these calls): decode once, route by `iss`, verify into typed claims.
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Access {
        sub: String,
        username: Option<String>,
        client_id: String,
        origin_jti: Option<String>,
        jti: Option<String>,
        iat: i64,
        exp: u64,
        scope: Option<String>,
    }
    let checks = ClaimChecks {
        token_use: Some("access"),
        ..ClaimChecks::default()
    };
    group.bench_function("read_path_access_typed", |b| {
        b.iter(|| {
            let unverified = jwt::Unverified::parse(black_box(&access)).unwrap();
            black_box(unverified.claims().get("iss"));
            let claims: Access = unverified
                .verify(|kid| pool.public_key(kid), NOW, &checks)
                .unwrap();
            claims
        })
    });
    // A forged token refused before any RSA work.
    let forged = format!(
        "{}.{}.",
        "eyJhbGciOiJub25lIn0",
        access.split('.').nth(1).unwrap()
    );
    group.bench_function("reject_alg_none", |b| {
        b.iter(|| jwt::verify(black_box(&forged), |kid| pool.public_key(kid)).unwrap_err())
    });
    group.finish();
}

criterion_group! {
    name = signing;
    config = Criterion::default().with_measurement(cpu_time::ProcessCpuTime::new());
    targets = sign
}
criterion_group!(benches, verify);
criterion_main!(signing, benches);
