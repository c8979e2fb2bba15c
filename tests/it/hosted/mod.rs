//! The hosted pages and the authorization server as a browser and a relying party meet them:
//! `/oauth2/authorize`, `/login` and its challenge pages, the code exchange, client credentials
//! and `/logout`, over plain HTTP with redirects not followed, on both backends.

mod account;
mod authorize;
mod choice;
mod lang;
mod login;
mod token;

use std::collections::BTreeMap;
use std::sync::Mutex;

use aws_sdk_cognitoidentityprovider::types::{ExplicitAuthFlowsType, OAuthFlowType};
use base64::Engine as _;
use cognate_testkit::{FIXTURE_FLOWS, TestApp};
use reqwest::Url;
use sha2::{Digest, Sha256};

use crate::oauth::{Reply, post_form};

pub const CALLBACK: &str = "https://app.example/callback";
pub const LOGOUT: &str = "https://app.example/signed-out";
pub const VERIFIER: &str = "a-pkce-code-verifier-of-at-least-forty-three-characters-long";
pub const STATE: &str = "st4te-value";

/// base64url(SHA-256(verifier)): the S256 code challenge.
pub fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A code-flow client of `pool_id` (openid, email, profile; CALLBACK and LOGOUT registered).
pub async fn oauth_client(app: &TestApp, pool_id: &str) -> String {
    oauth_client_with(app, pool_id, FIXTURE_FLOWS.to_vec()).await
}

/// `oauth_client` with the ExplicitAuthFlows `flows`.
pub async fn oauth_client_with(
    app: &TestApp,
    pool_id: &str,
    flows: Vec<ExplicitAuthFlowsType>,
) -> String {
    app.idp
        .create_user_pool_client()
        .user_pool_id(pool_id)
        .client_name("web")
        .set_explicit_auth_flows(Some(flows))
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_scopes("email")
        .allowed_o_auth_scopes("profile")
        .callback_urls(CALLBACK)
        .logout_urls(LOGOUT)
        .supported_identity_providers("COGNITO")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap()
}

/// A pool with alice (confirmed) and a code-flow client: (pool_id, client_id).
pub async fn hosted_pool(app: &TestApp) -> (String, String) {
    let (pool_id, _) = app.pool_with_client().await;
    app.confirmed_user(&pool_id, "alice", cognate_testkit::PASSWORD)
        .await;
    let client_id = oauth_client(app, &pool_id).await;
    (pool_id, client_id)
}

/// An authorization request's query, starting from a valid code + PKCE request.
pub struct Authorize(Vec<(String, String)>);

impl Authorize {
    pub fn code(client_id: &str) -> Self {
        let pairs = [
            ("response_type", "code".to_string()),
            ("client_id", client_id.to_string()),
            ("redirect_uri", CALLBACK.to_string()),
            ("scope", "openid email".to_string()),
            ("state", STATE.to_string()),
            ("nonce", "n-0S6_WzA2Mj".to_string()),
            ("code_challenge", challenge(VERIFIER)),
            ("code_challenge_method", "S256".to_string()),
        ];
        Self(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    pub fn set(mut self, name: &str, value: &str) -> Self {
        self.0.retain(|(k, _)| k != name);
        self.0.push((name.to_string(), value.to_string()));
        self
    }

    pub fn without(mut self, name: &str) -> Self {
        self.0.retain(|(k, _)| k != name);
        self
    }

    pub fn path(&self) -> String {
        let query: String = url_encoded(&self.0);
        format!("/oauth2/authorize?{query}")
    }
}

fn url_encoded(pairs: &[(String, String)]) -> String {
    let mut serializer = Url::parse("http://x/").unwrap();
    serializer.query_pairs_mut().extend_pairs(pairs);
    serializer.query().unwrap_or_default().to_string()
}

/// A page or redirect as the browser got it.
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub body: String,
}

impl Page {
    /// A parameter of the redirect's query (or fragment).
    pub fn param(&self, name: &str) -> Option<String> {
        let location = self.location.as_deref()?;
        let url = Url::parse(location).or_else(|_| Url::parse(&format!("http://x{location}")));
        let url = url.ok()?;
        // An implicit (token) request answers in the fragment.
        let fragment = Url::parse(&format!("http://x/?{}", url.fragment().unwrap_or_default()));
        let fragment = fragment.ok()?;
        url.query_pairs()
            .chain(fragment.query_pairs())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// The value of the form field `name` (a hidden input).
    pub fn field(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&marker)? + marker.len();
        let end = self.body[start..].find('"')? + start;
        Some(self.body[start..end].to_string())
    }

    /// Whether the page shows `message` in its alert.
    pub fn alerts(&self, message: &str) -> bool {
        self.body.contains("role=\"alert\"") && self.body.contains(message)
    }
}

/// A browser: keeps cookies, follows nothing.
pub struct Browser {
    http: reqwest::Client,
    base: String,
    cookies: Mutex<BTreeMap<String, String>>,
}

impl Browser {
    pub fn new(app: &TestApp) -> Self {
        Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: app.endpoint.clone(),
            cookies: Mutex::new(BTreeMap::new()),
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).cloned()
    }

    /// Puts a cookie (back) in the jar, as someone who captured it would.
    pub fn set_cookie(&self, name: &str, value: &str) {
        let mut jar = self.cookies.lock().unwrap();
        jar.insert(name.to_string(), value.to_string());
    }

    fn cookie_header(&self) -> String {
        let cookies = self.cookies.lock().unwrap();
        cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn read(&self, response: reqwest::Response) -> Page {
        let set_cookies: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        self.keep_cookies(&set_cookies);
        Page {
            status: response.status().as_u16(),
            location: response
                .headers()
                .get("location")
                .map(|v| v.to_str().unwrap().to_string()),
            set_cookies,
            body: response.text().await.unwrap(),
        }
    }

    /// Stores the cookies a response set; a cleared one (`Max-Age=0`) is forgotten.
    fn keep_cookies(&self, set_cookies: &[String]) {
        let mut jar = self.cookies.lock().unwrap();
        for cookie in set_cookies {
            let pair = cookie.split(';').next().unwrap_or_default();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || cookie.contains("Max-Age=0") {
                jar.remove(name);
            } else {
                jar.insert(name.to_string(), value.to_string());
            }
        }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with('/') {
            format!("{}{path}", self.base)
        } else {
            path.to_string()
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        let response = self
            .http
            .get(self.url(path))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.read(response).await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        let pairs: Vec<(String, String)> = form
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let response = self
            .http
            .post(self.url(path))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(url_encoded(&pairs))
            .send()
            .await
            .unwrap();
        self.read(response).await
    }

    /// Authorize, then the sign-in form: the login page's path and the form.
    pub async fn login_page(&self, authorize: &Authorize) -> (String, Page) {
        let redirect = self.get(&authorize.path()).await;
        assert_eq!(redirect.status, 302, "{}", redirect.body);
        let login = redirect.location.unwrap();
        assert!(login.starts_with("/login?"), "{login}");
        let page = self.get(&login).await;
        assert_eq!(page.status, 200);
        (login, page)
    }

    /// Posts the sign-in form of `page` (at `login`).
    pub async fn submit_password(&self, login: &str, page: &Page, user: &str, pw: &str) -> Page {
        let csrf = page.field("_csrf").unwrap();
        self.post(
            login,
            &[("_csrf", &csrf), ("username", user), ("password", pw)],
        )
        .await
    }

    /// Signs `user` in through the pages to the callback (silently when the browser has a
    /// session): the authorization code.
    pub async fn sign_in(&self, authorize: &Authorize, user: &str, pw: &str) -> String {
        let first = self.get(&authorize.path()).await;
        if first
            .location
            .as_deref()
            .is_some_and(|l| l.starts_with(CALLBACK))
        {
            return callback_code(&first);
        }
        let (login, page) = self.login_page(authorize).await;
        let done = self.submit_password(&login, &page, user, pw).await;
        callback_code(&done)
    }
}

/// The path of `page`'s form (HTML-escaped `&` undone).
pub fn action(page: &Page) -> String {
    let marker = "action=\"";
    let start = page.body.find(marker).unwrap() + marker.len();
    let end = page.body[start..].find('"').unwrap() + start;
    page.body[start..end]
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// Posts `page`'s form with its hidden fields (CSRF token, name, challenge, session, sign-up
/// ticket, whichever it has) and `fields`.
pub async fn submit(browser: &Browser, page: &Page, fields: &[(&str, &str)]) -> Page {
    let hidden: Vec<(&str, String)> = [
        "_csrf",
        "username",
        "challenge",
        "session",
        "ticket",
        "flow",
        "answer",
    ]
    .into_iter()
    .filter(|name| !fields.iter().any(|(given, _)| given == name))
    .filter_map(|name| page.field(name).map(|value| (name, value)))
    .collect();
    let mut form: Vec<(&str, &str)> = hidden.iter().map(|(k, v)| (*k, v.as_str())).collect();
    form.extend_from_slice(fields);
    browser.post(&action(page), &form).await
}

/// The code of a redirect to the callback (with the request's state).
pub fn callback_code(page: &Page) -> String {
    assert_eq!(page.status, 302, "{}", page.body);
    let location = page.location.as_deref().unwrap();
    assert!(location.starts_with(CALLBACK), "{location}");
    assert_eq!(page.param("state").as_deref(), Some(STATE));
    page.param("code").unwrap()
}

/// The token endpoint's answer to exchanging `code` as a public client.
pub async fn exchange(app: &TestApp, client_id: &str, code: &str, verifier: &str) -> Reply {
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", client_id),
        ("code", code),
        ("redirect_uri", CALLBACK),
        ("code_verifier", verifier),
    ];
    post_form(app, "token", &form, None).await
}
