//! A stand-in OpenID Connect provider on `127.0.0.1:0`, for federation tests: discovery,
//! `/authorize` (auto-approves the configured user and redirects back with a code), `/token`
//! (client_secret_post or client_secret_basic; issues RS256 ID tokens with the request's
//! `nonce`), `/jwks.json` and `/userinfo`. Every request is recorded, and the ID token can be
//! spoiled on purpose (`Tamper`) to test a relying party's refusals. It also plays Sign in
//! with Apple (`sign_in_with_apple`): ES256 client secrets checked, answers by form post.

mod apple;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use cognate_crypto::{SigningKey, jwt};
use cognate_domain::{Clock, SystemClock};
use serde_json::{Map, Value, json};

/// What `/token` spoils in the ID token it issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tamper {
    None,
    /// Signed by a key the JWKS does not publish (under the published kid).
    BadSignature,
    /// `aud` is another client.
    WrongAudience,
    /// Expired an hour ago.
    Expired,
    /// `nonce` is not the one `/authorize` got.
    WrongNonce,
    /// `iss` is another issuer.
    WrongIssuer,
}

/// One request the provider received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: BTreeMap<String, String>,
    pub form: BTreeMap<String, String>,
    /// `client_secret_post` or `client_secret_basic` when a token request authenticated.
    pub client_auth: Option<String>,
}

/// A code `/authorize` issued.
struct Grant {
    redirect_uri: String,
    nonce: Option<String>,
    claims: Map<String, Value>,
}

struct Inner {
    issuer: String,
    client_id: String,
    client_secret: String,
    key: SigningKey,
    forger: SigningKey,
    user: Mutex<Option<Map<String, Value>>>,
    /// Claims only `/userinfo` gives.
    userinfo_extra: Mutex<Map<String, Value>>,
    tamper: Mutex<Tamper>,
    basic_only: AtomicBool,
    codes: Mutex<HashMap<String, Grant>>,
    tokens: Mutex<HashMap<String, Map<String, Value>>>,
    requests: Mutex<Vec<Recorded>>,
    /// Set when the stand-in plays Sign in with Apple.
    apple: Mutex<Option<apple::AppleAccount>>,
    /// Apple's `user` field, posted back once (on the "first sign-in").
    apple_user: Mutex<Option<Value>>,
}

pub struct StandInIdp {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    inner: Arc<Inner>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// Form or query pairs.
fn pairs(text: &[u8]) -> BTreeMap<String, String> {
    reqwest::Url::parse(&format!("http://x/?{}", String::from_utf8_lossy(text)))
        .map(|url| url.query_pairs().into_owned().collect())
        .unwrap_or_default()
}

impl StandInIdp {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the stand-in OIDC provider");
        let address = listener.local_addr().expect("a bound address");
        let issuer = format!("http://{address}");
        let inner = Arc::new(Inner {
            issuer: issuer.clone(),
            client_id: format!(
                "standin-{}",
                &uuid::Uuid::new_v4().simple().to_string()[..8]
            ),
            client_secret: uuid::Uuid::new_v4().simple().to_string(),
            key: SigningKey::generate().expect("a signing key"),
            forger: SigningKey::generate().expect("a forger's key"),
            user: Mutex::new(None),
            userinfo_extra: Mutex::new(Map::new()),
            tamper: Mutex::new(Tamper::None),
            basic_only: AtomicBool::new(false),
            codes: Mutex::default(),
            tokens: Mutex::default(),
            requests: Mutex::default(),
            apple: Mutex::default(),
            apple_user: Mutex::default(),
        });
        let router = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/authorize", get(authorize))
            .route("/token", get(token_by_query).post(token))
            .route("/userinfo", get(userinfo).post(userinfo))
            .route("/jwks.json", get(jwks))
            .with_state(inner.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self {
            issuer,
            client_id: inner.client_id.clone(),
            client_secret: inner.client_secret.clone(),
            inner,
        }
    }

    /// The user `/authorize` approves: `sub` and its other claims.
    pub fn set_user(&self, sub: &str, claims: Value) {
        let mut claims = claims.as_object().cloned().unwrap_or_default();
        claims.insert("sub".into(), json!(sub));
        *lock(&self.inner.user) = Some(claims);
    }

    /// No user: `/authorize` answers `access_denied`.
    pub fn clear_user(&self) {
        *lock(&self.inner.user) = None;
    }

    /// Claims only `/userinfo` gives (not in the ID token).
    pub fn set_userinfo_extra(&self, claims: Value) {
        *lock(&self.inner.userinfo_extra) = claims.as_object().cloned().unwrap_or_default();
    }

    pub fn tamper(&self, tamper: Tamper) {
        *lock(&self.inner.tamper) = tamper;
    }

    /// Refuse client_secret_post (401 invalid_client), as providers that take Basic only do.
    pub fn basic_only(&self, on: bool) {
        self.inner.basic_only.store(on, Ordering::SeqCst);
    }

    /// Plays Sign in with Apple from now on: token requests must carry an ES256 client secret
    /// signed by a new P-256 key. The ProviderDetails of a `SignInWithApple` provider with
    /// that key (`private_key` its PKCS#8 PEM).
    pub fn sign_in_with_apple(&self, scopes: &str) -> HashMap<String, String> {
        let (pem, public_key) = apple::new_key();
        let account = apple::AppleAccount {
            team_id: "STANDINTEAM".into(),
            key_id: "STANDINKEY1".into(),
            public_key,
        };
        let details = HashMap::from([
            ("client_id".to_string(), self.client_id.clone()),
            ("team_id".to_string(), account.team_id.clone()),
            ("key_id".to_string(), account.key_id.clone()),
            ("private_key".to_string(), pem),
            ("authorize_scopes".to_string(), scopes.to_string()),
        ]);
        *lock(&self.inner.apple) = Some(account);
        details
    }

    /// Apple's `user` field (`{"name":{"firstName":…,"lastName":…},"email":…}`), posted back
    /// with the next form-post answer only, as Apple sends it on a first sign-in.
    pub fn set_apple_user(&self, user: Value) {
        *lock(&self.inner.apple_user) = Some(user);
    }

    pub fn authorize_url(&self) -> String {
        format!("{}/authorize", self.issuer)
    }

    /// ProviderDetails for CreateIdentityProvider (OIDC) with every endpoint explicit.
    pub fn provider_details(&self, scopes: &str) -> HashMap<String, String> {
        let mut details = self.discovery_details(scopes);
        for (key, path) in [
            ("authorize_url", "/authorize"),
            ("token_url", "/token"),
            ("attributes_url", "/userinfo"),
            ("jwks_uri", "/jwks.json"),
        ] {
            details.insert(key.into(), format!("{}{path}", self.issuer));
        }
        details
    }

    /// ProviderDetails naming only the issuer: the endpoints come from discovery.
    pub fn discovery_details(&self, scopes: &str) -> HashMap<String, String> {
        HashMap::from([
            ("client_id".to_string(), self.client_id.clone()),
            ("client_secret".to_string(), self.client_secret.clone()),
            ("authorize_scopes".to_string(), scopes.to_string()),
            ("oidc_issuer".to_string(), self.issuer.clone()),
            ("attributes_request_method".to_string(), "GET".to_string()),
        ])
    }

    /// The requests to `path`, oldest first.
    pub fn calls(&self, path: &str) -> Vec<Recorded> {
        lock(&self.inner.requests)
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }
}

impl Inner {
    fn record(&self, method: &str, path: &str, query: &str, body: &[u8]) -> usize {
        let mut requests = lock(&self.requests);
        requests.push(Recorded {
            method: method.into(),
            path: path.into(),
            query: pairs(query.as_bytes()),
            form: pairs(body),
            client_auth: None,
        });
        requests.len() - 1
    }

    /// The client authentication of a token request, or None when it fails.
    fn client_auth(
        &self,
        headers: &HeaderMap,
        form: &BTreeMap<String, String>,
    ) -> Option<&'static str> {
        let basic = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Basic "));
        if let Some(account) = &*lock(&self.apple) {
            let secret = form.get("client_secret").map(String::as_str);
            let checked = apple::check_client_secret(
                account,
                &self.client_id,
                &self.issuer,
                secret.unwrap_or_default(),
            );
            if let Err(why) = &checked {
                eprintln!("stand-in Apple refuses the client secret: {why}");
            }
            let ok = checked.is_ok() && form.get("client_id") == Some(&self.client_id);
            return ok.then_some("es256_client_secret");
        }
        if let Some(encoded) = basic {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .ok()?;
            let text = String::from_utf8(decoded).ok()?;
            let (id, secret) = text.split_once(':')?;
            let id = pairs(format!("a={id}").as_bytes()).remove("a")?;
            let secret = pairs(format!("a={secret}").as_bytes()).remove("a")?;
            return (id == self.client_id && secret == self.client_secret)
                .then_some("client_secret_basic");
        }
        if self.basic_only.load(Ordering::SeqCst) {
            return None;
        }
        let ok = form.get("client_id") == Some(&self.client_id)
            && form.get("client_secret") == Some(&self.client_secret);
        ok.then_some("client_secret_post")
    }

    fn id_token(&self, grant: &Grant) -> String {
        let tamper = *lock(&self.tamper);
        let now = SystemClock.now().secs();
        let mut claims = grant.claims.clone();
        claims.insert("iss".into(), json!(self.issuer));
        claims.insert("aud".into(), json!(self.client_id));
        claims.insert("iat".into(), json!(now));
        claims.insert("exp".into(), json!(now + 3600));
        if let Some(nonce) = &grant.nonce {
            claims.insert("nonce".into(), json!(nonce));
        }
        let mut key = &self.key;
        match tamper {
            Tamper::None => {}
            Tamper::BadSignature => key = &self.forger,
            Tamper::WrongAudience => {
                claims.insert("aud".into(), json!("someone-else"));
            }
            Tamper::Expired => {
                claims.insert("iat".into(), json!(now - 7200));
                claims.insert("exp".into(), json!(now - 3600));
            }
            Tamper::WrongNonce => {
                claims.insert("nonce".into(), json!("not-the-nonce"));
            }
            Tamper::WrongIssuer => {
                claims.insert("iss".into(), json!("https://elsewhere.example.com"));
            }
        }
        if tamper == Tamper::BadSignature {
            return signed_with_kid(key, self.key.kid(), &Value::Object(claims));
        }
        jwt::sign(key, &Value::Object(claims)).unwrap_or_default()
    }
}

/// A token naming `kid` in its header but signed with `key`.
fn signed_with_kid(key: &SigningKey, kid: &str, claims: &Value) -> String {
    jwt::sign_with_header(key, &jwt::rs256_header(kid), claims).unwrap_or_default()
}

fn json_response(status: StatusCode, body: Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn redirect(location: &str) -> Response {
    (StatusCode::FOUND, [("location", location.to_string())]).into_response()
}

async fn discovery(State(inner): State<Arc<Inner>>) -> Response {
    inner.record("GET", "/.well-known/openid-configuration", "", b"");
    let at = |path: &str| format!("{}{path}", inner.issuer);
    json_response(
        StatusCode::OK,
        json!({
            "issuer": inner.issuer,
            "authorization_endpoint": at("/authorize"),
            "token_endpoint": at("/token"),
            "userinfo_endpoint": at("/userinfo"),
            "jwks_uri": at("/jwks.json"),
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }),
    )
}

async fn jwks(State(inner): State<Arc<Inner>>) -> Response {
    inner.record("GET", "/jwks.json", "", b"");
    json_response(StatusCode::OK, json!({ "keys": [inner.key.jwk()] }))
}

async fn authorize(State(inner): State<Arc<Inner>>, RawQuery(query): RawQuery) -> Response {
    let query = query.unwrap_or_default();
    inner.record("GET", "/authorize", &query, b"");
    let q = pairs(query.as_bytes());
    let Some(redirect_uri) = q.get("redirect_uri").cloned() else {
        return (StatusCode::BAD_REQUEST, "no redirect_uri").into_response();
    };
    if q.get("client_id") != Some(&inner.client_id) {
        return (StatusCode::BAD_REQUEST, "unknown client").into_response();
    }
    let mut back: Vec<(String, String)> = Vec::new();
    let user = lock(&inner.user).clone();
    match user {
        Some(claims) if q.get("response_type").map(String::as_str) == Some("code") => {
            let code = uuid::Uuid::new_v4().simple().to_string();
            let grant = Grant {
                redirect_uri: redirect_uri.clone(),
                nonce: q.get("nonce").cloned(),
                claims,
            };
            lock(&inner.codes).insert(code.clone(), grant);
            back.push(("code".into(), code));
        }
        _ => back.push(("error".into(), "access_denied".into())),
    }
    if let Some(state) = q.get("state") {
        back.push(("state".into(), state.clone()));
    }
    if q.get("response_mode").map(String::as_str) == Some("form_post") {
        if let Some(user) = lock(&inner.apple_user).take() {
            back.push(("user".into(), user.to_string()));
        }
        return apple::form_post(&redirect_uri, &back);
    }
    let mut url = reqwest::Url::parse(&redirect_uri).expect("an absolute redirect_uri");
    url.query_pairs_mut().extend_pairs(back);
    redirect(url.as_str())
}

/// Facebook's token endpoint: a GET with the credentials and code in the query.
async fn token_by_query(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    let index = inner.record("GET", "/token", &query, b"");
    issue(&inner, &headers, pairs(query.as_bytes()), index)
}

async fn token(State(inner): State<Arc<Inner>>, headers: HeaderMap, body: Bytes) -> Response {
    let index = inner.record("POST", "/token", "", &body);
    issue(&inner, &headers, pairs(&body), index)
}

/// A token request's answer: tokens for a valid code, else an OAuth error.
fn issue(
    inner: &Inner,
    headers: &HeaderMap,
    form: BTreeMap<String, String>,
    index: usize,
) -> Response {
    let auth = inner.client_auth(headers, &form);
    lock(&inner.requests)[index].client_auth = auth.map(str::to_string);
    if auth.is_none() {
        return json_response(StatusCode::UNAUTHORIZED, json!({"error": "invalid_client"}));
    }
    let grant = form
        .get("code")
        .and_then(|code| lock(&inner.codes).remove(code));
    let Some(grant) = grant.filter(|g| form.get("redirect_uri") == Some(&g.redirect_uri)) else {
        return json_response(StatusCode::BAD_REQUEST, json!({"error": "invalid_grant"}));
    };
    let access_token = uuid::Uuid::new_v4().simple().to_string();
    lock(&inner.tokens).insert(access_token.clone(), grant.claims.clone());
    json_response(
        StatusCode::OK,
        json!({
            "access_token": access_token,
            "id_token": inner.id_token(&grant),
            "token_type": "Bearer",
            "expires_in": 3600,
        }),
    )
}

async fn userinfo(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    inner.record("GET", "/userinfo", &query, b"");
    // Bearer, or (Facebook's Graph API) `access_token` in the query.
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string)
        .or_else(|| pairs(query.as_bytes()).remove("access_token"))
        .unwrap_or_default();
    let claims = lock(&inner.tokens).get(&token).cloned();
    match claims {
        Some(mut claims) => {
            claims.extend(lock(&inner.userinfo_extra).clone());
            json_response(StatusCode::OK, Value::Object(claims))
        }
        None => json_response(StatusCode::UNAUTHORIZED, json!({"error": "invalid_token"})),
    }
}
