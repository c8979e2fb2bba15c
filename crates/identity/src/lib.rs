//! cognito-identity: identity pools, credentials and the STS endpoint they need. One file per
//! operation under `ops/`, registered in `ops/mod.rs`.

mod access;
mod credentials;
mod developer;
mod disabled;
mod errors;
mod issuer;
mod linking;
mod logins;
mod lookup;
mod oidc;
mod ops;
mod pools;
mod roles;
pub mod seed;
pub mod sts;

use std::ops::Deref;
use std::sync::Arc;

use cognate_crypto::keys::KeyFactory;
use cognate_crypto::seal::SealKey;
use cognate_domain::{Clock, Store};
use cognate_idp::Idp;

pub use issuer::{jwks, openid_configuration};
pub use oidc::OidcProviderConfig;
pub use ops::registry;

/// Settings the service needs from the server's configuration.
#[derive(Debug, Clone)]
pub struct IdentityConfig {
    /// The region of identity pools created by unsigned requests (a signed one names its own).
    pub region: String,
    pub account_id: String,
    /// Base URL of this server: the identity issuer is `<public_url>/cognito-identity`.
    pub public_url: String,
    /// External OpenID Connect providers pools may list (AWS: IAM OIDC providers).
    pub oidc_providers: Vec<OidcProviderConfig>,
}

/// Everything an operation may use, passed in (no globals).
pub struct Services {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub seal: Arc<SealKey>,
    pub keys: Arc<KeyFactory>,
    /// The user-pool service, for verifying ID tokens given as Logins.
    pub idp: Idp,
    pub config: IdentityConfig,
    issuer_key: issuer::IssuerKeyCache,
    oidc: oidc::OidcProviders,
}

/// The cognito-identity service: cheap to clone, handed to every operation.
#[derive(Clone)]
pub struct Identity(Arc<Services>);

impl Identity {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        seal: Arc<SealKey>,
        keys: Arc<KeyFactory>,
        idp: Idp,
        config: IdentityConfig,
    ) -> Self {
        let oidc = oidc::OidcProviders::new(&config.oidc_providers);
        Self(Arc::new(Services {
            oidc,
            store,
            clock,
            seal,
            keys,
            idp,
            config,
            issuer_key: issuer::IssuerKeyCache::default(),
        }))
    }
}

impl Deref for Identity {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}
