//! cognito-idp: user pools. One file per operation under `ops/`, registered in `ops/mod.rs`.

pub mod auth;
pub mod auth_events;
mod clients;
pub mod devices;
mod errors;
pub mod federation;
pub mod groups;
pub mod hosted;
pub mod id_tokens;
pub mod import;
mod invalidation;
pub mod keycache;
mod lookup;
pub mod mfa;
pub mod oauth;
mod ops;
pub mod paging;
mod pools;
mod secret_hash;
pub mod seed;
mod signing;
mod tags;
pub mod token_cache;
pub mod tokens;
pub mod triggers;
pub mod users;
pub mod wellknown;

use std::ops::Deref;
use std::sync::Arc;

use cognate_crypto::keys::KeyFactory;
use cognate_crypto::password::PasswordHasher;
use cognate_crypto::seal::SealKey;
use cognate_domain::delivery::MessageSender;
use cognate_domain::{Clock, Store};

pub use ops::registry;

/// Settings the service needs from the server's configuration.
#[derive(Debug, Clone)]
pub struct IdpConfig {
    /// The region of pools created by unsigned requests (a signed one names its own).
    pub region: String,
    pub account_id: String,
    /// Base URL of this server: issuers are `<public_url>/<poolId>`.
    pub public_url: String,
    /// External identity providers: request limits and the social providers' endpoints.
    pub federation: federation::FederationSettings,
}

/// Everything an operation may use, passed in (no globals).
pub struct Services {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub seal: Arc<SealKey>,
    pub keys: Arc<KeyFactory>,
    pub hasher: Arc<PasswordHasher>,
    pub config: IdpConfig,
    pub key_cache: keycache::KeyCache,
    pub token_cache: token_cache::VerifiedTokenCache<tokens::VerifiedAccessToken>,
    pub id_token_cache: token_cache::VerifiedTokenCache<id_tokens::CachedIdToken>,
    /// Lambda triggers: the pool's functions are invoked through this.
    pub triggers: Arc<cognate_lambda::Triggers>,
    /// Delivery beyond the outbox (SMTP, an SMS webhook): every sent message is handed to it.
    pub sender: Arc<dyn MessageSender>,
    /// Requests to external identity providers (discovery, keys, tokens), shared with the
    /// hosted UI's relying party and identity pools' OIDC logins.
    pub outbound: cognate_outbound::Outbound,
}

/// The cognito-idp service: cheap to clone, handed to every operation.
#[derive(Clone)]
pub struct Idp(Arc<Services>);

impl Idp {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        seal: Arc<SealKey>,
        keys: Arc<KeyFactory>,
        hasher: Arc<PasswordHasher>,
        config: IdpConfig,
        triggers: Arc<cognate_lambda::Triggers>,
        sender: Arc<dyn MessageSender>,
    ) -> Self {
        let outbound = cognate_outbound::Outbound::new(
            config.federation.limits(),
            Some(&config.federation.saml_helper)
                .filter(|path| !path.is_empty())
                .map(std::path::PathBuf::from),
        );
        Self(Arc::new(Services {
            outbound,
            store,
            clock,
            seal,
            keys,
            hasher,
            config,
            key_cache: keycache::KeyCache::default(),
            token_cache: token_cache::VerifiedTokenCache::new(tokens::TOKEN_CACHE_CAPACITY),
            id_token_cache: token_cache::VerifiedTokenCache::new(id_tokens::CACHE_CAPACITY),
            triggers,
            sender,
        }))
    }
}

impl Deref for Idp {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}
