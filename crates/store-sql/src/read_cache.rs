//! Decoded documents kept in the process: every token-checked or admin read (GetUser,
//! AdminGetUser, GetId…) needs its user pool or client and its user (whose document also
//! carries the revocation state an access token is checked against), and identity pools' GetId
//! and GetCredentialsForIdentity their identity pool and the identity a login is bound to;
//! reading and decoding their JSON documents was most of the store's work for such requests.
//! ListUsers keeps what it shows of each user apart (`listed_users`, forgotten with the user):
//! a listing's users would otherwise push out the users that requests are signing in.
//! REFRESH_TOKEN_AUTH finds its refresh token by hash (`refresh_tokens`): kept wherever users
//! are, as a token's row changes only with its user's sessions (revocation, rotation, a global
//! sign-out: notified as the user's change on Postgres) or its user's, client's or pool's
//! deletion, and each of those forgets it.
//!
//! Exact on SQLite, where this process is the only writer: every statement that writes
//! `user_pools`, `app_clients` or `users` (in `pools.rs`, `clients.rs`, `users.rs`, each
//! backend's `bulk.rs`, and the cascade of a pool's deletion), or `identity_pools`,
//! `identities` or `identity_logins` (in `identity.rs`), invalidates here once it has run (for
//! a transaction: once it has committed or failed). A read that raced a write cannot store what
//! it read: each invalidation bumps a generation, and a value read from the database is kept
//! only if the generation is the one seen before the read. A user's state-only save
//! (`update_user_extra`) keeps what it stored instead, when nothing was invalidated while it
//! ran (`saved_user`), so a sign-in's next read of its user needs no database.
//!
//! On Postgres, shared by replicas, a store keeps one only while it follows the change
//! notifications (`follow`) that every table kept here raises (migrations 0008 and 0010):
//! this process's writes invalidate as on SQLite, before they answer;
//! another replica's arrive as notifications, published after its commit, and a read that
//! started before one was handled cannot be kept (the generation moved), so nothing stale
//! outlives the notification's delivery (milliseconds). A lost listener connection publishes
//! `Change::Everything`, which empties the cache.

use std::future::Future;
use std::sync::Arc;

use cognate_domain::group::Group;
use cognate_domain::identity::{Identity, IdentityPool};
use cognate_domain::ids::UserPoolId;
use cognate_domain::invalidation::{Change, Invalidations};
use cognate_domain::listing::ListedUser;
use cognate_domain::tokens::RefreshTokenRecord;
use cognate_domain::user::User;
use cognate_domain::{Page, StoreError};

mod documents;

pub use documents::{Documents, Lookup};

pub struct ReadCache {
    pub pools: Documents<cognate_domain::pool::UserPool>,
    pub clients: Documents<cognate_domain::client::AppClient>,
    /// By `user_key` (pool and username key).
    pub users: Documents<User>,
    pub identity_pools: Documents<IdentityPool>,
    /// Identities by id.
    pub identities: Documents<Identity>,
    /// The identity each login is bound to, by [`login_key`]. Only bindings found are kept, so
    /// creating an identity invalidates nothing; any other identity write clears both maps.
    pub identities_by_login: Documents<Identity>,
    /// The first page of a user's groups (what its tokens' group claims come from), by
    /// `user_key`, with the page size it was read with. A membership change forgets the
    /// user's entry, a group's update or deletion its pool's.
    pub user_groups: Documents<(usize, Page<Group>)>,
    /// What ListUsers shows of a user, by `user_key`: a page's users are found by its index
    /// walk, then taken from here or read (and kept) together. Forgotten with the user.
    pub listed_users: Documents<ListedUser>,
    /// Refresh tokens by hash, grouped by `user_key`. A token is only ever inserted under a
    /// new hash, so inserts invalidate nothing; revoking or rotating one forgets it, and a
    /// change of its user, client or pool forgets every token of theirs.
    pub refresh_tokens: Documents<RefreshTokenRecord>,
}

impl Default for ReadCache {
    fn default() -> Self {
        Self {
            pools: Documents::default(),
            clients: Documents::default(),
            users: Documents::default(),
            identity_pools: Documents::default(),
            identities: Documents::default(),
            identities_by_login: Documents::default(),
            user_groups: Documents::default(),
            listed_users: Documents::default(),
            refresh_tokens: Documents::grouped(|token| {
                user_key(token.pool_id.as_str(), &token.username_key)
            }),
        }
    }
}

/// A user's key in `ReadCache::users`: its pool, a '/' (which no pool id contains) and its
/// username key, so that a pool's users share the prefix `<pool>/`.
fn user_key(pool_id: &str, username_key: &str) -> String {
    format!("{pool_id}/{username_key}")
}

impl ReadCache {
    /// A cache that drops what `invalidations` says changed (held weakly: the subscription
    /// does not keep the cache alive).
    pub fn following(invalidations: &Invalidations) -> Arc<Self> {
        let cache = Arc::new(Self::default());
        let weak = Arc::downgrade(&cache);
        invalidations.subscribe(move |change| {
            if let Some(cache) = weak.upgrade() {
                cache.forget_change(change);
            }
        });
        cache
    }

    fn forget_change(&self, change: &Change) {
        match change {
            Change::Pool { pool_id } => self.forget_pool(pool_id),
            Change::Client { client_id, .. } => self.forget_client(client_id),
            Change::User {
                pool_id,
                username_key,
            } => self.forget_user(pool_id, username_key),
            Change::Keys { .. } => {}
            Change::Groups { pool_id } => self.forget_pool_groups(pool_id),
            Change::IdentityPool { identity_pool_id } => {
                self.identity_pools.invalidate(identity_pool_id);
                self.forget_identities();
            }
            Change::Identities => self.forget_identities(),
            Change::Everything => {
                self.pools.clear();
                self.clients.clear();
                self.users.clear();
                self.listed_users.clear();
                self.user_groups.clear();
                self.identity_pools.clear();
                self.forget_identities();
                self.refresh_tokens.clear();
            }
        }
    }

    /// After a client changed or was deleted (with its refresh tokens).
    pub fn forget_client(&self, client_id: &str) {
        self.clients.invalidate(client_id);
        self.refresh_tokens
            .invalidate_where(|token| token.client_id.as_str() == client_id);
    }

    /// After a pool changed or was deleted (with its clients and users).
    pub fn forget_pool(&self, pool_id: &str) {
        self.pools.invalidate(pool_id);
        self.clients.clear();
        self.users.invalidate_prefix(&user_key(pool_id, ""));
        self.listed_users.invalidate_prefix(&user_key(pool_id, ""));
        self.forget_pool_groups(pool_id);
        self.refresh_tokens
            .invalidate_where(|token| token.pool_id.as_str() == pool_id);
    }

    /// After a group of the pool changed or was deleted (with its memberships).
    pub fn forget_pool_groups(&self, pool_id: &str) {
        self.user_groups.invalidate_prefix(&user_key(pool_id, ""));
    }

    /// After a statement that may have changed the user has run, whether or not it succeeded.
    /// A deleted user's memberships and refresh tokens go with it (`ON DELETE CASCADE`), so
    /// its groups and tokens too.
    pub fn forget_user(&self, pool_id: &str, username_key: &str) {
        self.users.invalidate(&user_key(pool_id, username_key));
        self.listed_users
            .invalidate(&user_key(pool_id, username_key));
        self.forget_user_groups(pool_id, username_key);
        self.forget_user_refresh_tokens(pool_id, username_key);
    }

    /// After the user's sessions changed (a global sign-out revoked its refresh tokens).
    pub fn forget_user_refresh_tokens(&self, pool_id: &str, username_key: &str) {
        self.refresh_tokens
            .invalidate_group(&user_key(pool_id, username_key));
    }

    /// After a membership of the user was added or removed.
    pub fn forget_user_groups(&self, pool_id: &str, username_key: &str) {
        self.user_groups
            .invalidate(&user_key(pool_id, username_key));
    }

    /// Forgets every identity (after a write to `identities` or `identity_logins`: an
    /// identity's document lists its logins, so a change reaches both maps).
    pub fn forget_identities(&self) {
        self.identities.clear();
        self.identities_by_login.clear();
    }
}

/// `forget_user`, where the backend may keep a cache.
pub fn forget_user(cache: Option<&ReadCache>, pool_id: &str, username_key: &str) {
    if let Some(cache) = cache {
        cache.forget_user(pool_id, username_key);
    }
}

/// Where the cache stood before a write of a user: give it to `saved_user` after the write.
pub fn before_user_write(cache: Option<&ReadCache>) -> Option<u64> {
    cache.and_then(|cache| cache.users.generation())
}

/// After a versioned write of `saved` (the user as now stored) that began when the cache stood
/// at `before`: keeps `saved` when nothing was invalidated in between, so the user's next read
/// (a sign-in's settle, then its next sign-in) needs no database; else forgets the user as any
/// write does. Exact: any later write of the user invalidates after it commits, which is after
/// this write committed, so either it moved the generation before this (nothing is kept) or it
/// drops what this keeps. A read that began before the write keeps nothing (the generation
/// moves here either way).
pub fn saved_user(cache: Option<&ReadCache>, saved: User, before: Option<u64>) {
    if let Some(cache) = cache {
        let key = user_key(saved.pool_id.as_str(), &saved.username_key);
        cache.users.replace(&key, Arc::new(saved), before);
    }
}

/// The user `username_key` of `pool_id`: from the cache when it holds it, else by `read`
/// (kept unless a write raced it). A missing user is not kept: inserts need not invalidate.
pub async fn cached_user(
    cache: Option<&ReadCache>,
    pool_id: &UserPoolId,
    username_key: &str,
    read: impl Future<Output = Result<User, StoreError>>,
) -> Result<User, StoreError> {
    let Some(cache) = cache else {
        return read.await;
    };
    let key = user_key(pool_id.as_str(), username_key);
    let generation = match cache.users.get(&key) {
        Lookup::Hit(user) => return Ok(User::clone(&user)),
        Lookup::Miss(generation) => generation,
    };
    let user = read.await?;
    cache.users.put(&key, Arc::new(user.clone()), generation);
    Ok(user)
}

/// The first page of `limit` groups of `username_key` in `pool_id`: kept, or read by `read`
/// and kept (unless a write raced it).
pub async fn cached_user_groups(
    cache: Option<&ReadCache>,
    pool_id: &UserPoolId,
    username_key: &str,
    limit: usize,
    read: impl Future<Output = Result<Page<Group>, StoreError>>,
) -> Result<Page<Group>, StoreError> {
    let Some(cache) = cache else {
        return read.await;
    };
    let key = user_key(pool_id.as_str(), username_key);
    let generation = match cache.user_groups.get(&key) {
        Lookup::Hit(kept) if kept.0 == limit => return Ok(kept.1.clone()),
        Lookup::Hit(_) => None,
        Lookup::Miss(generation) => generation,
    };
    let page = read.await?;
    cache
        .user_groups
        .put(&key, Arc::new((limit, page.clone())), generation);
    Ok(page)
}

/// What the cache holds of a page's users (`keys`, of `pool_id`): the users it keeps, the keys
/// it does not, and the generation to keep those under once read (`keep_listed_users`).
pub fn kept_listed_users<'k>(
    cache: &ReadCache,
    pool_id: &str,
    keys: impl ExactSizeIterator<Item = &'k str>,
) -> (Vec<ListedUser>, Vec<String>, Option<u64>) {
    let prefix = user_key(pool_id, "");
    let mut kept = Vec::with_capacity(keys.len());
    let mut missing = Vec::new();
    let generation = cache.listed_users.with_each(
        keys,
        |key, buffer| {
            buffer.clear();
            buffer.push_str(&prefix);
            buffer.push_str(key);
        },
        |key, found| match found {
            Some(user) => kept.push(user.clone()),
            None => missing.push(key.to_owned()),
        },
    );
    // Copied once the lock is released.
    let found = kept.iter().map(|user| ListedUser::clone(user)).collect();
    (found, missing, generation)
}

/// Keeps `users` of `pool_id`, read after `kept_listed_users` returned `generation` (unless a
/// write has invalidated anything since).
pub fn keep_listed_users(
    cache: &ReadCache,
    pool_id: &str,
    users: &[ListedUser],
    generation: Option<u64>,
) {
    let entries = users.iter().map(|user| {
        (
            user_key(pool_id, &user.username_key),
            Arc::new(user.clone()),
        )
    });
    cache.listed_users.put_many(entries, generation);
}

/// The key of a login in `identities_by_login`; the lengths keep any two logins apart.
pub fn login_key(pool_id: &str, provider: &str, subject: &str) -> String {
    format!(
        "{}:{}:{pool_id}{provider}{subject}",
        pool_id.len(),
        provider.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups_page(names: &[&str]) -> Page<Group> {
        Page {
            items: names
                .iter()
                .map(|name| Group {
                    pool_id: UserPoolId::new("p"),
                    name: (*name).to_string(),
                    description: None,
                    role_arn: None,
                    precedence: None,
                    created_at: cognate_domain::Timestamp(0),
                    last_modified_at: cognate_domain::Timestamp(0),
                })
                .collect(),
            next: None,
        }
    }

    /// The groups `cached_user_groups` answers, the database holding `names` (its read future
    /// is ready at once, so one poll completes it).
    fn groups_of(cache: &ReadCache, user: &str, limit: usize, names: &[&str]) -> Vec<String> {
        use std::task::{Context, Poll, Waker};
        let pool = UserPoolId::new("p");
        let page = groups_page(names);
        let read = cached_user_groups(Some(cache), &pool, user, limit, async { Ok(page) });
        match std::pin::pin!(read).poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(Ok(page)) => page.items.into_iter().map(|g| g.name).collect(),
            other => panic!("read through the cache: {other:?}"),
        }
    }

    #[test]
    fn user_groups_are_forgotten_on_membership_group_and_user_writes() {
        let cache = ReadCache::default();
        assert_eq!(groups_of(&cache, "alice", 25, &["a"]), ["a"]);
        assert_eq!(groups_of(&cache, "bob", 25, &["b"]), ["b"]);
        // Kept: the database's answer is not read again.
        assert_eq!(groups_of(&cache, "alice", 25, &["changed"]), ["a"]);
        // Another page size is read, not answered from the entry.
        assert_eq!(groups_of(&cache, "alice", 1, &["x"]), ["x"]);

        cache.forget_user_groups("p", "alice");
        assert_eq!(groups_of(&cache, "alice", 25, &["a2"]), ["a2"]);
        assert_eq!(groups_of(&cache, "bob", 25, &["changed"]), ["b"]);
        cache.forget_user("p", "alice");
        assert_eq!(groups_of(&cache, "alice", 25, &["a3"]), ["a3"]);
        cache.forget_pool_groups("p");
        assert_eq!(groups_of(&cache, "alice", 25, &["a4"]), ["a4"]);
        assert_eq!(groups_of(&cache, "bob", 25, &["b2"]), ["b2"]);
        cache.forget_pool("p");
        assert_eq!(groups_of(&cache, "bob", 25, &["b3"]), ["b3"]);
    }

    fn refresh_token(hash: &str, pool: &str, user: &str) -> RefreshTokenRecord {
        RefreshTokenRecord {
            token_hash: hash.into(),
            pool_id: UserPoolId::new(pool),
            client_id: cognate_domain::ids::ClientId::new("c"),
            username_key: user.into(),
            sub: cognate_domain::ids::Sub::new("s"),
            origin_jti: "j".into(),
            auth_time: 0,
            issued_at: cognate_domain::Timestamp(0),
            expires_at: cognate_domain::Timestamp(0),
            revoked: false,
            rotated_at: None,
            scopes: None,
        }
    }

    #[test]
    fn a_user_change_forgets_that_users_refresh_tokens_only() {
        let cache = ReadCache::default();
        let tokens = &cache.refresh_tokens;
        for (hash, pool, user) in [
            ("h1", "p1", "alice"),
            ("h2", "p2", "alice"),
            ("h3", "p1", "bob"),
        ] {
            tokens.put(
                hash,
                Arc::new(refresh_token(hash, pool, user)),
                tokens.generation(),
            );
        }
        cache.forget_user("p1", "alice");
        let kept = |hash| matches!(tokens.get(hash), Lookup::Hit(_));
        assert_eq!((kept("h1"), kept("h2"), kept("h3")), (false, true, true));
        cache.forget_user_refresh_tokens("p2", "alice");
        assert_eq!((kept("h2"), kept("h3")), (false, true));
    }
}
