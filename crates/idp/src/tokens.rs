//! ID, access and refresh tokens: issuing them with AWS's claim sets, and authenticating access
//! tokens (signature, expiry, issuer, pool, `token_use`, scope, revocation) for the operations
//! that take one.

use std::sync::Arc;

use cognate_awsjson::ApiError;
use cognate_crypto::CryptoError;
use cognate_crypto::jwt::{self, ClaimChecks, Unverified};
use cognate_crypto::secrets::{random_token, sha256_hex};
use cognate_domain::Timestamp;
use cognate_domain::client::AppClient;
use cognate_domain::ids::{ClientId, UserPoolId};
use cognate_domain::pool::UserPool;
use cognate_domain::tokens::RefreshTokenRecord;
use cognate_domain::user::User;
use cognate_model::idp::{AuthenticationResultType, ErrorCode};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::Idp;
use crate::errors::{Result, internal};
use crate::users::state::UserState;
use crate::users::{self, user_not_found};

/// The scope of access tokens from the user-pool API (as opposed to the OAuth endpoints).
pub const ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";
/// Verified access tokens kept (`crate::token_cache`).
pub const TOKEN_CACHE_CAPACITY: usize = 100_000;

/// What ties tokens to one sign-in: kept across refreshes.
#[derive(Debug, Clone)]
pub struct SignIn {
    /// Epoch seconds of the authentication.
    pub auth_time: i64,
    pub origin_jti: String,
    /// The confirmed device the user signed in through (DEVICE_PASSWORD_VERIFIER, or a sign-in
    /// naming it as DEVICE_KEY); a full sign-in without one gets a new device key when the pool
    /// tracks devices.
    pub device_key: Option<String>,
    /// The path issuing the tokens, as pre token generation names it.
    pub source: crate::triggers::TokenSource,
    /// A hosted (OAuth) sign-in's grant; `None` for the user-pool API's sign-ins, whose
    /// access tokens carry the admin scope alone.
    pub oauth: Option<OAuthGrant>,
}

/// What an OAuth sign-in puts in its tokens: the granted scopes (access token `scope`) and the
/// relying party's `nonce` (ID token).
#[derive(Debug, Clone, Default)]
pub struct OAuthGrant {
    pub scopes: Vec<String>,
    pub nonce: Option<String>,
}

impl SignIn {
    pub fn new(idp: &Idp) -> Self {
        Self {
            auth_time: idp.clock.now().secs(),
            origin_jti: uuid::Uuid::new_v4().to_string(),
            device_key: None,
            source: crate::triggers::TokenSource::Authentication,
            oauth: None,
        }
    }
}

impl Idp {
    /// Signs ID and access tokens for `user` and, as `with_refresh` says, stores and returns a
    /// new refresh token bound to the same sign-in.
    pub async fn issue_tokens(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        sign_in: &SignIn,
        with_refresh: Refresh,
    ) -> Result<AuthenticationResultType> {
        let keys = self.pool_keys(&pool.id).await?;
        let issued = self.clock.now();
        let now = issued.secs();
        let validity = &client.token_validity;
        let event_id = uuid::Uuid::new_v4().to_string();
        let issuer = self.issuer(pool.id.as_str());
        let mut groups = self.token_groups(pool, user).await?;
        let source = match with_refresh {
            Refresh::New => sign_in.source,
            Refresh::None | Refresh::Until(_) => crate::triggers::TokenSource::RefreshTokens,
        };
        let shape = self
            .pre_token_generation(pool, client, user, source, &mut groups)
            .await?;

        let mut id_claims = Map::new();
        for (name, value) in &user.attributes {
            if users::attributes::readable_by(Some(client), name) {
                id_claims.insert(name.clone(), attribute_claim(name, value));
            }
        }
        groups.add_to(&mut id_claims, true);
        id_claims.extend(claims([
            ("sub", json!(user.sub.as_str())),
            ("iss", json!(issuer)),
            ("cognito:username", json!(user.username)),
            ("origin_jti", json!(sign_in.origin_jti)),
            ("aud", json!(client.client_id.as_str())),
            ("event_id", json!(event_id)),
            ("token_use", json!("id")),
            ("auth_time", json!(sign_in.auth_time)),
            ("exp", json!(now + validity.id_token_secs)),
            ("iat", json!(now)),
            ("jti", json!(jti_at(issued))),
        ]));

        let mut access_claims = claims([("sub", json!(user.sub.as_str()))]);
        // A full sign-in not through a device gets a new device key (when the pool tracks
        // devices): the access token names it and the refresh token is bound to it.
        let new_device = match (&sign_in.device_key, with_refresh) {
            (None, Refresh::New) => self.new_device_metadata(pool),
            _ => None,
        };
        let sign_in = &SignIn {
            device_key: new_device
                .as_ref()
                .and_then(|d| d.device_key.clone())
                .or_else(|| sign_in.device_key.clone()),
            ..sign_in.clone()
        };
        if let Some(key) = &sign_in.device_key {
            access_claims.insert("device_key".into(), json!(key));
        }
        groups.add_to(&mut access_claims, false);
        access_claims.extend(claims([
            ("iss", json!(issuer)),
            ("client_id", json!(client.client_id.as_str())),
            ("origin_jti", json!(sign_in.origin_jti)),
            ("event_id", json!(event_id)),
            ("token_use", json!("access")),
            ("scope", json!(scope_claim(sign_in.oauth.as_ref()))),
            ("auth_time", json!(sign_in.auth_time)),
            ("exp", json!(now + validity.access_token_secs)),
            ("iat", json!(now)),
            ("jti", json!(jti_at(issued))),
            ("username", json!(user.username)),
        ]));
        if let Some(nonce) = sign_in.oauth.as_ref().and_then(|o| o.nonce.as_ref()) {
            id_claims.insert("nonce".into(), json!(nonce));
        }
        shape.apply(&mut id_claims, &mut access_claims);
        if matches!(with_refresh, Refresh::New) {
            self.post_authentication(pool, client, user, new_device.is_some())
                .await?;
        }
        // AWS adds `origin_jti` only for clients with token revocation enabled.
        if !client.enable_token_revocation {
            id_claims.remove("origin_jti");
            access_claims.remove("origin_jti");
        }

        let sign = |key, claims: &Map<String, Value>| {
            jwt::sign(key, claims).map_err(|error| {
                tracing::error!(%error, "token signing failed");
                ApiError::internal()
            })
        };
        let id_token = sign(&keys.id_token, &id_claims)?;
        let access_token = sign(&keys.access_token, &access_claims)?;
        let refresh_token = match with_refresh {
            Refresh::None => None,
            Refresh::New => Some(
                self.store_refresh_token(pool, client, user, sign_in, None)
                    .await?,
            ),
            Refresh::Until(expires_at) => Some(
                self.store_refresh_token(pool, client, user, sign_in, Some(expires_at))
                    .await?,
            ),
        };
        Ok(AuthenticationResultType {
            access_token: Some(access_token.into()),
            expires_in: Some(validity.access_token_secs as i32),
            token_type: Some("Bearer".into()),
            refresh_token: refresh_token.map(Into::into),
            id_token: Some(id_token.into()),
            new_device_metadata: new_device,
        })
    }

    /// The client-credentials grant's access token: no user, the client as `sub`, the granted
    /// custom scopes, the client's access-token validity. Returns (token, expires_in).
    pub async fn issue_client_token(
        &self,
        pool: &UserPool,
        client: &AppClient,
        scopes: &[String],
    ) -> Result<(String, i64)> {
        let keys = self.pool_keys(&pool.id).await?;
        let issued = self.clock.now();
        let now = issued.secs();
        let validity = client.token_validity.access_token_secs;
        let claims = claims([
            ("sub", json!(client.client_id.as_str())),
            ("token_use", json!("access")),
            ("scope", json!(scopes.join(" "))),
            ("auth_time", json!(now)),
            ("iss", json!(self.issuer(pool.id.as_str()))),
            ("exp", json!(now + validity)),
            ("iat", json!(now)),
            ("version", json!(2)),
            ("jti", json!(jti_at(issued))),
            ("client_id", json!(client.client_id.as_str())),
        ]);
        let token = jwt::sign(&keys.access_token, &claims).map_err(|error| {
            tracing::error!(%error, "token signing failed");
            ApiError::internal()
        })?;
        Ok((token, validity))
    }

    /// A new opaque refresh token; only its hash is stored. It expires after the client's
    /// refresh validity, or at `expires_at` (a rotated token keeps its predecessor's end).
    pub async fn store_refresh_token(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        sign_in: &SignIn,
        expires_at: Option<Timestamp>,
    ) -> Result<String> {
        let token = crate::devices::bound_refresh_token(random_token(96), sign_in);
        let now = self.clock.now();
        let record = RefreshTokenRecord {
            token_hash: sha256_hex(token.as_bytes()),
            pool_id: pool.id.clone(),
            client_id: client.client_id.clone(),
            username_key: user.username_key.clone(),
            sub: user.sub.clone(),
            origin_jti: sign_in.origin_jti.clone(),
            auth_time: sign_in.auth_time,
            issued_at: now,
            expires_at: expires_at
                .unwrap_or_else(|| now.plus_secs(client.token_validity.refresh_token_secs)),
            revoked: false,
            rotated_at: None,
            scopes: sign_in.oauth.as_ref().map(|grant| grant.scopes.clone()),
        };
        self.store
            .insert_refresh_token(&record)
            .await
            .map_err(internal)?;
        Ok(token)
    }

    /// Authenticates an access token for a user-pool API call: a valid signature from the pool,
    /// unexpired, `token_use` access with the admin scope, a live and enabled user, not revoked.
    pub async fn authenticate(&self, token: &str) -> Result<Authenticated> {
        self.authenticate_scoped(token, Some(ADMIN_SCOPE)).await
    }

    /// `authenticate`, with the scope the token must carry (`None`: any, as userInfo takes
    /// OAuth tokens, which it checks for `openid` itself).
    pub async fn authenticate_scoped(
        &self,
        token: &str,
        required_scope: Option<&str>,
    ) -> Result<Authenticated> {
        let verified = self.verified_access_token(token).await?;
        if let Some(required) = required_scope
            && !verified.scopes.iter().any(|s| s == required)
        {
            return Err(not_authorized("Access Token does not have required scopes"));
        }
        // A cached token outlives its first check: its lifetime is checked at every use.
        jwt::check_lifetime(verified.exp, None, self.clock.now().unsigned_secs(), 0)
            .map_err(|_| expired())?;
        let user = match self
            .store
            .get_user(&verified.pool_id, &verified.username_key)
            .await
        {
            Ok(user) if user.sub.as_str() == verified.sub => user,
            Ok(_) | Err(cognate_domain::StoreError::NotFound) => return Err(user_not_found()),
            Err(other) => return Err(internal(other)),
        };
        let state = UserState::of(&user);
        if state.is_revoked_at(verified.issued_ms) || state.is_origin_revoked(&verified.origin_jti)
        {
            return Err(not_authorized("Access Token has been revoked"));
        }
        if !user.enabled {
            return Err(crate::users::lifecycle::user_disabled());
        }
        Ok(Authenticated {
            token: verified,
            user,
        })
    }

    async fn verified_access_token(&self, token: &str) -> Result<Arc<VerifiedAccessToken>> {
        if let Some(hit) = self.token_cache.get(token) {
            return Ok(hit);
        }
        let invalid = || not_authorized("Invalid Access Token");
        let unverified = Unverified::parse(token).map_err(|_| invalid())?;
        let pool_id = self.pool_of_token(&unverified).ok_or_else(invalid)?;
        let pool = match self.store.get_pool(&pool_id).await {
            Ok(pool) => pool,
            Err(cognate_domain::StoreError::NotFound) => return Err(invalid()),
            Err(other) => return Err(internal(other)),
        };
        let keys = self.pool_keys(&pool.id).await?;
        let checks = ClaimChecks {
            token_use: Some("access"),
            ..ClaimChecks::default()
        };
        let now = self.clock.now().unsigned_secs();
        let claims: AccessClaims = unverified
            .verify(|kid| keys.public_key(kid), now, &checks)
            .map_err(|error| match error {
                CryptoError::Expired => expired(),
                _ => invalid(),
            })?;
        // Client-credentials tokens have no user: they authenticate nothing here.
        let username = claims.username.ok_or_else(invalid)?;
        let verified = Arc::new(VerifiedAccessToken {
            username_key: users::username_key(&pool, &username),
            pool_id: pool.id.clone(),
            username,
            sub: claims.sub,
            client_id: ClientId::new(claims.client_id),
            origin_jti: claims.origin_jti.unwrap_or_default(),
            issued_ms: issued_millis(claims.jti.as_deref(), claims.iat),
            exp: claims.exp,
            scopes: claims
                .scope
                .unwrap_or_default()
                .split(' ')
                .map(str::to_string)
                .collect(),
        });
        self.token_cache.put(token, verified.clone());
        Ok(verified)
    }

    /// The pool whose issuer a token names, read before it is verified (to find the keys that
    /// verify it).
    pub fn pool_of_token(&self, token: &Unverified<'_>) -> Option<UserPoolId> {
        let issuer = token.claims().get("iss").and_then(Value::as_str)?;
        self.pool_id_of_issuer(issuer)
    }

    /// The pool an `iss` names: Cognate's `<public_url>/<poolId>` or AWS's own form.
    pub fn pool_id_of_issuer(&self, issuer: &str) -> Option<UserPoolId> {
        let own = format!("{}/", self.config.public_url);
        let pool_id = match issuer.strip_prefix(&own) {
            Some(rest) => rest,
            None => issuer
                .strip_prefix("https://cognito-idp.")
                .and_then(|rest| rest.split_once(".amazonaws.com/"))
                .map(|(_, id)| id)?,
        };
        (!pool_id.is_empty() && !pool_id.contains('/')).then(|| UserPoolId::new(pool_id))
    }
}

/// The access token's `scope`: the OAuth grant's scopes, else the user-pool API's admin scope.
fn scope_claim(grant: Option<&OAuthGrant>) -> String {
    match grant {
        Some(grant) => grant.scopes.join(" "),
        None => ADMIN_SCOPE.to_string(),
    }
}

/// `email_verified` and friends are booleans in tokens; other attributes are strings.
fn attribute_claim(name: &str, value: &str) -> Value {
    match (name, value) {
        ("email_verified" | "phone_number_verified", "true") => Value::Bool(true),
        ("email_verified" | "phone_number_verified", "false") => Value::Bool(false),
        ("identities", _) => identities_claim(value),
        _ => Value::String(value.to_string()),
    }
}

/// The `identities` claim: the attribute's entries as a JSON array, with `primary` and
/// `dateCreated` as strings, as AWS's ID tokens carry them.
fn identities_claim(value: &str) -> Value {
    let Ok(Value::Array(entries)) = serde_json::from_str::<Value>(value) else {
        return Value::String(value.to_string());
    };
    let spelled = entries
        .into_iter()
        .map(|mut entry| {
            for key in ["primary", "dateCreated"] {
                if let Some(field) = entry.get_mut(key)
                    && !field.is_string()
                    && !field.is_null()
                {
                    *field = Value::String(field.to_string());
                }
            }
            entry
        })
        .collect();
    Value::Array(spelled)
}

/// Whether a sign-in's tokens come with a refresh token, and until when it lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresh {
    None,
    /// A new refresh token with the client's refresh validity.
    New,
    /// A new refresh token ending at the given instant (rotation keeps the original end).
    Until(Timestamp),
}

/// A `jti`: a UUID (version 7) whose timestamp is the issue instant in millis, so revocation
/// by time ("everything issued up to the sign-out") is exact within the second of `iat`.
fn jti_at(issued: Timestamp) -> String {
    let random = *uuid::Uuid::new_v4().as_bytes();
    let mut tail = [0u8; 10];
    tail.copy_from_slice(&random[6..16]);
    let millis = u64::try_from(issued.millis()).unwrap_or_default();
    uuid::Builder::from_unix_timestamp_millis(millis, &tail)
        .into_uuid()
        .to_string()
}

/// The issue instant of a token: the millis in its `jti` when they agree with `iat`, otherwise
/// the start of `iat`'s second (so a sign-out in that second revokes it).
fn issued_millis(jti: Option<&str>, iat: i64) -> i64 {
    let from_jti = jti
        .and_then(|jti| uuid::Uuid::parse_str(jti).ok())
        .filter(|id| id.get_version_num() == 7)
        .and_then(|id| id.get_timestamp())
        .map(|ts| {
            let (secs, nanos) = ts.to_unix();
            (secs as i64) * 1000 + i64::from(nanos / 1_000_000)
        });
    match from_jti {
        Some(millis) if millis.div_euclid(1000) == iat => millis,
        _ => iat.saturating_mul(1000),
    }
}

fn claims<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

pub fn not_authorized(message: &str) -> ApiError {
    ErrorCode::NotAuthorizedException.msg(message)
}

fn expired() -> ApiError {
    not_authorized("Access Token has expired")
}

/// The claims of an access token that a user-pool API call reads.
#[derive(Deserialize)]
struct AccessClaims {
    sub: String,
    /// Absent from client-credentials tokens.
    username: Option<String>,
    client_id: String,
    origin_jti: Option<String>,
    jti: Option<String>,
    iat: i64,
    exp: u64,
    scope: Option<String>,
}

/// Group claims for a user's tokens (filled in by the groups feature).
#[derive(Debug, Default)]
pub struct TokenGroups {
    pub groups: Vec<String>,
    pub roles: Vec<String>,
    pub preferred_role: Option<String>,
}

impl TokenGroups {
    fn add_to(&self, claims: &mut Map<String, Value>, with_roles: bool) {
        if self.groups.is_empty() {
            return;
        }
        claims.insert("cognito:groups".into(), json!(self.groups));
        if with_roles {
            if !self.roles.is_empty() {
                claims.insert("cognito:roles".into(), json!(self.roles));
            }
            if let Some(role) = &self.preferred_role {
                claims.insert("cognito:preferred_role".into(), json!(role));
            }
        }
    }
}

impl Idp {
    /// The user's memberships as claims (see `groups::token_groups`).
    async fn token_groups(&self, pool: &UserPool, user: &User) -> Result<TokenGroups> {
        self.groups_for_token(pool, user).await
    }
}

/// The facts of a verified access token (signature checked once, then cached).
#[derive(Debug)]
pub struct VerifiedAccessToken {
    pub pool_id: UserPoolId,
    pub username: String,
    pub username_key: String,
    pub sub: String,
    pub client_id: ClientId,
    pub origin_jti: String,
    /// Epoch millis of issue: from the `jti` when it carries them, else `iat`'s second.
    pub issued_ms: i64,
    pub exp: u64,
    /// The `scope` claim, split.
    pub scopes: Vec<String>,
}

/// An authenticated caller: its token and its current user record.
#[derive(Debug)]
pub struct Authenticated {
    pub token: Arc<VerifiedAccessToken>,
    pub user: User,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jti_carries_the_issue_millis() {
        let issued = Timestamp(1_700_000_123_456);
        let jti = jti_at(issued);
        assert_eq!(
            uuid::Uuid::parse_str(&jti).map(|u| u.get_version_num()),
            Ok(7)
        );
        assert_eq!(issued_millis(Some(&jti), 1_700_000_123), 1_700_000_123_456);
    }

    #[test]
    fn other_jtis_fall_back_to_the_start_of_iat() {
        let v4 = uuid::Uuid::new_v4().to_string();
        assert_eq!(issued_millis(Some(&v4), 1_700_000_123), 1_700_000_123_000);
        assert_eq!(issued_millis(None, 5), 5_000);
        // A v7 jti disagreeing with iat is not trusted.
        let jti = jti_at(Timestamp(1_700_000_999_001));
        assert_eq!(issued_millis(Some(&jti), 1_700_000_123), 1_700_000_123_000);
    }
}
