//! The OIDC documents of a pool: JWKS and discovery.

use cognate_awsjson::ApiError;
use serde_json::{Value, json};

use crate::{Idp, signing};

pub async fn jwks(idp: &Idp, pool_id: &str) -> Result<Value, ApiError> {
    let pool = idp.pool(pool_id).await?;
    let keys: Vec<Value> = signing::ensure_keys(idp, &pool.id)
        .await?
        .iter()
        .filter_map(|key| serde_json::from_str(&key.public_jwk).ok())
        .collect();
    Ok(json!({ "keys": keys }))
}

pub async fn openid_configuration(idp: &Idp, pool_id: &str) -> Result<Value, ApiError> {
    let pool = idp.pool(pool_id).await?;
    let issuer = idp.issuer(pool.id.as_str());
    let base = &idp.config.public_url;
    Ok(json!({
        "issuer": issuer,
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "authorization_endpoint": format!("{base}/oauth2/authorize"),
        "token_endpoint": format!("{base}/oauth2/token"),
        "userinfo_endpoint": format!("{base}/oauth2/userInfo"),
        "end_session_endpoint": format!("{base}/logout"),
        "revocation_endpoint": format!("{base}/oauth2/revoke"),
        "response_types_supported": ["code", "token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "email", "email_verified",
            "phone_number", "phone_number_verified", "cognito:username", "cognito:groups"],
    }))
}

impl Idp {
    /// `<public_url>/<poolId>`: the `iss` of the pool's tokens.
    pub fn issuer(&self, pool_id: &str) -> String {
        format!("{}/{pool_id}", self.config.public_url)
    }
}
