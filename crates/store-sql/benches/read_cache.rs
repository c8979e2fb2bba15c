//! What a write of a user costs the read cache when it holds many refresh tokens: every user
//! write on SQLite, and every user-change notification on Postgres (three per sign-in), forgets
//! the user and its refresh tokens (`ReadCache::forget_user`).
//! Run: `cargo bench -p cognate-store-sql --bench read_cache -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;
use std::sync::Arc;

use cognate_domain::Timestamp;
use cognate_domain::ids::{ClientId, Sub, UserPoolId};
use cognate_domain::tokens::RefreshTokenRecord;
use cognate_store_sql::read_cache::ReadCache;
use criterion::{Criterion, criterion_group, criterion_main};

/// Refresh tokens kept, one per user: just under the cache's capacity.
const TOKENS: usize = 9_999;

fn token(n: usize) -> RefreshTokenRecord {
    RefreshTokenRecord {
        token_hash: format!("{n:064x}"),
        pool_id: UserPoolId::new("us-east-1_AbCdEfGhI"),
        client_id: ClientId::new("abcdefghijklmnopqrstuvwxyz"),
        username_key: format!("user-{n}"),
        sub: Sub::new(format!("sub-{n}")),
        origin_jti: format!("jti-{n}"),
        auth_time: 0,
        issued_at: Timestamp(0),
        expires_at: Timestamp(0),
        revoked: false,
        rotated_at: None,
        scopes: None,
    }
}

fn forget_user(c: &mut Criterion) {
    let cache = ReadCache::default();
    for n in 0..TOKENS {
        let record = token(n);
        let generation = cache.refresh_tokens.generation();
        cache
            .refresh_tokens
            .put(&record.token_hash.clone(), Arc::new(record), generation);
    }
    c.bench_function("forget_user/9999_refresh_tokens_kept", |b| {
        b.iter(|| cache.forget_user(black_box("us-east-1_AbCdEfGhI"), black_box("nobody")))
    });
}

criterion_group!(benches, forget_user);
criterion_main!(benches);
