//! Cognate's identity issuer: the RS256 key GetOpenIdToken signs with (one for the server,
//! kept in the database so every replica signs with it), its tokens and its JWKS.

use std::sync::{Arc, RwLock};

use cognate_awsjson::ApiError;
use cognate_crypto::{SigningKey, jwt};
use cognate_domain::identity::{Identity as IdentityRecord, IdentityKeyRecord};
use serde_json::{Value, json};

use crate::Identity;
use crate::errors::{Result, internal};

/// Lifetime of GetOpenIdToken's tokens (AWS: ten minutes).
pub const OPEN_ID_TOKEN_SECS: i64 = 600;
/// The path of the issuer under the public URL.
pub const ISSUER_PATH: &str = "cognito-identity";

/// The opened signing key, loaded once.
#[derive(Default)]
pub struct IssuerKeyCache {
    key: RwLock<Option<Arc<SigningKey>>>,
}

fn key_aad(kid: &str) -> Vec<u8> {
    format!("identity-issuer-key/{kid}").into_bytes()
}

impl Identity {
    /// `<public_url>/cognito-identity`.
    pub fn issuer(&self) -> String {
        format!("{}/{ISSUER_PATH}", self.config.public_url)
    }

    /// An OpenID token for `identity`: `aud` the pool, `sub` the identity, `amr` how it
    /// authenticated (`provider_subjects` are the verified logins' canonical provider and sub).
    pub async fn open_id_token(
        &self,
        identity: &IdentityRecord,
        provider_subjects: &[(String, String)],
    ) -> Result<String> {
        self.open_id_token_for(identity, provider_subjects, OPEN_ID_TOKEN_SECS)
            .await
    }

    /// Like `open_id_token`, valid for `secs`.
    pub async fn open_id_token_for(
        &self,
        identity: &IdentityRecord,
        provider_subjects: &[(String, String)],
        secs: i64,
    ) -> Result<String> {
        let key = self.issuer_key().await?;
        let now = self.clock.now().secs();
        let mut amr = Vec::new();
        if provider_subjects.is_empty() {
            amr.push(json!("unauthenticated"));
        } else {
            amr.push(json!("authenticated"));
            for (provider, subject) in provider_subjects {
                amr.push(json!(provider));
                amr.push(json!(format!("{provider}:CognitoSignIn:{subject}")));
            }
        }
        let claims = json!({
            "iss": self.issuer(),
            "sub": identity.id,
            "aud": identity.pool_id,
            "amr": amr,
            "iat": now,
            "exp": now + secs,
        });
        jwt::sign(&key, &claims).map_err(|error| {
            tracing::error!(%error, "identity token signing failed");
            ApiError::internal()
        })
    }

    pub(crate) async fn issuer_key(&self) -> Result<Arc<SigningKey>> {
        if let Some(key) = self.issuer_key.key.read().ok().and_then(|k| k.clone()) {
            return Ok(key);
        }
        let record = self.ensure_issuer_key().await?;
        let der = self
            .seal
            .open(&record.sealed_private_key, &key_aad(&record.kid))
            .map_err(|error| {
                tracing::error!(%error, "the identity issuer key could not be opened (wrong seal key?)");
                ApiError::internal()
            })?;
        let key = Arc::new(SigningKey::from_pkcs8(&der).map_err(|error| {
            tracing::error!(%error, "the stored identity issuer key does not parse");
            ApiError::internal()
        })?);
        if let Ok(mut slot) = self.issuer_key.key.write() {
            *slot = Some(key.clone());
        }
        Ok(key)
    }

    /// The issuer's key record, generated on first use. Replicas racing converge on the first
    /// stored key.
    async fn ensure_issuer_key(&self) -> Result<IdentityKeyRecord> {
        let keys = self.store.list_identity_keys().await.map_err(internal)?;
        if let Some(key) = keys.into_iter().next() {
            return Ok(key);
        }
        let key = self.keys.generate().await.map_err(|error| {
            tracing::error!(%error, "identity issuer key generation failed");
            ApiError::internal()
        })?;
        let record = IdentityKeyRecord {
            sealed_private_key: self.seal.seal(&key.pkcs8_der, &key_aad(&key.kid)),
            public_jwk: serde_json::to_string(&key.public_jwk).unwrap_or_default(),
            kid: key.kid,
            created_at: self.clock.now(),
        };
        self.store
            .add_identity_key(&record)
            .await
            .map_err(internal)?;
        self.store
            .list_identity_keys()
            .await
            .map_err(internal)?
            .into_iter()
            .next()
            .ok_or_else(ApiError::internal)
    }
}

/// The issuer's JWKS (`/cognito-identity/.well-known/jwks.json`).
pub async fn jwks(identity: &Identity) -> Result<Value> {
    identity.ensure_issuer_key().await?;
    let keys: Vec<Value> = identity
        .store
        .list_identity_keys()
        .await
        .map_err(internal)?
        .iter()
        .filter_map(|key| serde_json::from_str(&key.public_jwk).ok())
        .collect();
    Ok(json!({ "keys": keys }))
}

/// The issuer's discovery document.
pub fn openid_configuration(identity: &Identity) -> Value {
    let issuer = identity.issuer();
    json!({
        "issuer": issuer,
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "amr"],
    })
}
