//! The hosted pages in a real browser: Debian's chromium, headless, driven through
//! /usr/bin/chromedriver (WebDriver). One journey through every page a person meets: sign-in
//! with code + PKCE to a relying party's callback (a tiny axum server here), a wrong password
//! then the right one, logout, sign-up with the code from the outbox, TOTP MFA, forgot password.
//! Then the implicit grant (tokens in the callback's fragment), the pool's UI customization (CSS
//! and logo, seen in the rendered page), choice-based sign-in with an email code, and sign-in
//! through another pool of the same server as the pool's OpenID Connect provider. Every page
//! is saved as a PNG under target/browser-screenshots/<journey>/. Skips, saying so, when
//! chromedriver is not installed (.ci/run installs it).
//!
//! This file is the harness (chromedriver, the relying party, a journey's pool and client);
//! each journey is a module.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod choice;
mod customization;
mod federation;
mod hosted_pages;
mod implicit;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use aws_sdk_cognitoidentityprovider::types::{
    AuthFactorType, ExplicitAuthFlowsType, OAuthFlowType, SignInPolicyType, UserPoolPolicyType,
    VerifiedAttributeType,
};
use base64::Engine as _;
use cognate_testkit::{Backend, FIXTURE_FLOWS, PASSWORD, TestApp};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const VERIFIER: &str = "browser-pkce-verifier-of-more-than-forty-three-characters";

/// chromedriver, ended when the test ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_driver() -> (Driver, String) {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let url = format!("http://127.0.0.1:{port}");
    // Wait (bounded) until it listens.
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    (Driver(child), url)
}

async fn browser(driver: &str) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1024,800"]
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(driver)
        .await
        .expect("a chromium session")
}

/// The relying party: records each callback's query and shows a page.
async fn relying_party() -> (String, Arc<Mutex<Vec<String>>>) {
    use axum::extract::RawQuery;
    use axum::response::Html;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let app = axum::Router::new()
        .route(
            "/callback",
            axum::routing::get(move |RawQuery(query): RawQuery| {
                let record = record.clone();
                async move {
                    record.lock().unwrap().push(query.unwrap_or_default());
                    Html("<!DOCTYPE html><title>Example app</title><h1>Example app: signed in</h1>")
                }
            }),
        )
        .route(
            "/signed-out",
            axum::routing::get(|| async {
                Html("<!DOCTYPE html><title>Example app</title><h1>Example app: signed out</h1>")
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://localhost:{}", listener.local_addr().unwrap().port());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

struct Journey {
    app: TestApp,
    client: Client,
    pool_id: String,
    client_id: String,
    api_client: String,
    rp: String,
    callbacks: Arc<Mutex<Vec<String>>>,
    shots: PathBuf,
    step: Mutex<u32>,
    /// The federation journey's provider: the pool whose hosted sign-in B's users go through.
    provider_pool: Option<String>,
}

impl Journey {
    /// Saves the page as `NN-name.png`.
    async fn shot(&self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        let mut step = self.step.lock().unwrap();
        *step += 1;
        std::fs::write(self.shots.join(format!("{:02}-{name}.png", *step)), png).unwrap();
    }

    fn authorize_url(&self) -> String {
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(Sha256::digest(VERIFIER.as_bytes()));
        format!(
            "{}/oauth2/authorize?response_type=code&client_id={}&redirect_uri={}/callback\
             &scope=openid+email&state=browser-state&code_challenge={challenge}\
             &code_challenge_method=S256",
            self.app.endpoint, self.client_id, self.rp
        )
    }

    async fn fill(&self, css: &str, text: &str) {
        let element = self.client.find(Locator::Css(css)).await.unwrap();
        element.clear().await.unwrap();
        element.send_keys(text).await.unwrap();
    }

    /// Clicks `css` and waits (bounded) for the next page: the old one's root goes stale.
    async fn press(&self, css: &str) {
        let old = self.client.find(Locator::Css("html")).await.unwrap();
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        for _ in 0..200 {
            if old.tag_name().await.is_err() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        self.client
            .wait()
            .for_element(Locator::Css("body"))
            .await
            .unwrap();
    }

    /// Clicks `css` where no page follows (a radio button).
    async fn click(&self, css: &str) {
        let element = self.client.find(Locator::Css(css)).await.unwrap();
        element.click().await.unwrap();
    }

    async fn text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// The page is the callback: exchange its code (PKCE) for tokens.
    async fn exchange_callback(&self) -> Value {
        let url = self.client.current_url().await.unwrap();
        assert!(url.as_str().starts_with(&self.rp), "{url}");
        let query = self.callbacks.lock().unwrap().last().cloned().unwrap();
        let pairs: Vec<(String, String)> = url::form_urlencoded_pairs(&query);
        let code = pairs.iter().find(|(k, _)| k == "code").unwrap().1.clone();
        assert!(
            pairs
                .iter()
                .any(|(k, v)| k == "state" && v == "browser-state")
        );
        let redirect = format!("{}/callback", self.rp);
        let response = self
            .app
            .http
            .post(format!("{}/oauth2/token", self.app.endpoint))
            .form(&[
                ("grant_type", "authorization_code"),
                ("client_id", self.client_id.as_str()),
                ("code", code.as_str()),
                ("redirect_uri", redirect.as_str()),
                ("code_verifier", VERIFIER),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    async fn sign_in(&self, username: &str, password: &str) {
        self.fill("#signInFormUsername", username).await;
        self.fill("#signInFormPassword", password).await;
        self.press("button[name=signInSubmitButton]").await;
    }

    async fn logout(&self) {
        let url = format!(
            "{}/logout?client_id={}&logout_uri={}/signed-out",
            self.app.endpoint, self.client_id, self.rp
        );
        self.client.goto(&url).await.unwrap();
    }
}

mod url {
    /// `a=b&c=d` decoded.
    pub fn form_urlencoded_pairs(query: &str) -> Vec<(String, String)> {
        reqwest::Url::parse(&format!("http://x/?{query}"))
            .unwrap()
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }
}

/// What a journey's pool and app client are set up with.
#[derive(Clone, Copy, Default)]
struct Setup {
    /// The screenshots' folder under target/browser-screenshots/.
    name: &'static str,
    /// The implicit grant (`response_type=token`) instead of the code grant.
    implicit: bool,
    /// Choice-based sign-in: the pool allows EMAIL_OTP first, the client ALLOW_USER_AUTH.
    choice: bool,
    /// Another pool of the server as the pool's OpenID Connect provider, which the client
    /// supports beside COGNITO (`federation::PROVIDER`).
    federated: bool,
}

async fn setup(mut app: TestApp, client: Client, options: Setup) -> Journey {
    let (rp, callbacks) = relying_party().await;
    let mut pool = app
        .idp
        .create_user_pool()
        .pool_name("browser")
        .auto_verified_attributes(VerifiedAttributeType::Email);
    if options.choice {
        let policy = SignInPolicyType::builder()
            .allowed_first_auth_factors(AuthFactorType::Password)
            .allowed_first_auth_factors(AuthFactorType::EmailOtp)
            .build();
        pool = pool.policies(UserPoolPolicyType::builder().sign_in_policy(policy).build());
    }
    let pool_id = pool.send().await.unwrap().user_pool.unwrap().id.unwrap();
    let api_client = app.client_for(&pool_id).await;
    let mut providers = vec!["COGNITO".to_string()];
    let mut provider_pool = None;
    if options.federated {
        // The browser talks to the server's public URL: the provider sends it back there.
        app.endpoint = federation::public_url(&app);
        provider_pool = Some(federation::provider_for(&app, &pool_id).await);
        providers.push(federation::PROVIDER.to_string());
    }
    let mut flows = FIXTURE_FLOWS.to_vec();
    if options.choice {
        flows.push(ExplicitAuthFlowsType::AllowUserAuth);
    }
    let grant = if options.implicit {
        OAuthFlowType::Implicit
    } else {
        OAuthFlowType::Code
    };
    let client_id = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("web")
        .set_explicit_auth_flows(Some(flows))
        .allowed_o_auth_flows(grant)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_scopes("email")
        .callback_urls(format!("{rp}/callback"))
        .logout_urls(format!("{rp}/signed-out"))
        .set_supported_identity_providers(Some(providers))
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/browser-screenshots")
        .join(options.name);
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).unwrap();
    Journey {
        app,
        client,
        pool_id,
        client_id,
        api_client,
        rp,
        callbacks,
        shots,
        step: Mutex::new(0),
        provider_pool,
    }
}

/// chromedriver and a chromium session, or `None` (said) when chromedriver is not installed.
async fn chromium() -> Option<(Driver, Client)> {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        eprintln!(
            "SKIPPED: {CHROMEDRIVER} is not installed (apt-get install chromium chromium-driver)"
        );
        return None;
    }
    let (driver, driver_url) = start_driver().await;
    let client = browser(&driver_url).await;
    Some((driver, client))
}

/// Runs `journey` in chromium against a fresh server set up with `options`.
async fn run<F>(options: Setup, journey: F)
where
    F: AsyncFnOnce(&Journey) -> Result<(), String>,
{
    let Some((_driver, client)) = chromium().await else {
        return;
    };
    let app = TestApp::spawn_with(Backend::Sqlite, |config| {
        if options.federated {
            federation::on_localhost(config);
        }
    })
    .await
    .unwrap();
    let j = setup(app, client, options).await;
    let result = journey(&j).await;
    let _ = j.client.clone().close().await;
    result.unwrap();
}
