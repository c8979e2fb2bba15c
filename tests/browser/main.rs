//! The hosted pages in a real browser: Debian's chromium, headless, driven through
//! /usr/bin/chromedriver (WebDriver). One journey through every page a person meets: sign-in
//! with code + PKCE to a relying party's callback (a tiny axum server here), a wrong password
//! then the right one, logout, sign-up with the code from the outbox, TOTP MFA, forgot password.
//! Then the implicit grant (tokens in the callback's fragment), the pool's UI customization (CSS
//! and logo, seen in the rendered page) and choice-based sign-in with an email code. Every page
//! is saved as a PNG under target/browser-screenshots/<journey>/. Skips, saying so, when
//! chromedriver is not installed (.ci/run installs it).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use aws_sdk_cognitoidentityprovider::primitives::Blob;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFactorType, ExplicitAuthFlowsType, OAuthFlowType, SignInPolicyType,
    SoftwareTokenMfaConfigType, SoftwareTokenMfaSettingsType, UserPoolMfaType, UserPoolPolicyType,
    VerifiedAttributeType,
};
use base64::Engine as _;
use cognate_domain::Clock as _;
use cognate_testkit::totp_client::totp_code;
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
}

async fn setup(app: TestApp, client: Client, options: Setup) -> Journey {
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
        .supported_identity_providers("COGNITO")
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
    }
}

/// Sets carol up with a verified authenticator and optional TOTP MFA: the secret.
async fn carol_with_totp(j: &Journey) -> String {
    let app = &j.app;
    app.confirmed_user(&j.pool_id, "carol", PASSWORD).await;
    app.idp
        .set_user_pool_mfa_config()
        .user_pool_id(&j.pool_id)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .mfa_configuration(UserPoolMfaType::Optional)
        .send()
        .await
        .unwrap();
    let access = app
        .idp
        .initiate_auth()
        .client_id(&j.api_client)
        .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "carol")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap()
        .access_token
        .unwrap();
    let secret = app
        .idp
        .associate_software_token()
        .access_token(&access)
        .send()
        .await
        .unwrap()
        .secret_code
        .unwrap();
    app.idp
        .verify_software_token()
        .access_token(&access)
        .user_code(totp_code(&secret, app.clock.now().secs()))
        .send()
        .await
        .unwrap();
    app.idp
        .set_user_mfa_preference()
        .access_token(&access)
        .software_token_mfa_settings(
            SoftwareTokenMfaSettingsType::builder()
                .enabled(true)
                .preferred_mfa(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    // The verifying code is spent: the sign-in uses the next step's.
    app.clock.advance_secs(30);
    secret
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
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let j = setup(app, client, options).await;
    let result = journey(&j).await;
    let _ = j.client.clone().close().await;
    result.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hosted_pages_in_chromium() {
    let options = Setup {
        name: "journey",
        ..Setup::default()
    };
    run(options, journey).await;
}

async fn journey(j: &Journey) -> Result<(), String> {
    // Sign-in: a wrong password, then the right one, to the callback; code + PKCE.
    j.client.goto(&j.authorize_url()).await.unwrap();
    j.shot("sign-in").await;
    j.sign_in("alice", "Not-the-passw0rd").await;
    j.shot("sign-in-wrong-password").await;
    let text = j.text().await;
    if !text.contains("Incorrect username or password.") {
        return Err(format!("no error shown: {text}"));
    }
    j.sign_in("alice", PASSWORD).await;
    j.shot("callback").await;
    let tokens = j.exchange_callback().await;
    assert!(tokens["id_token"].is_string() && tokens["refresh_token"].is_string());
    // A second authorize signs in silently.
    j.client.goto(&j.authorize_url()).await.unwrap();
    assert!(
        j.client
            .current_url()
            .await
            .unwrap()
            .as_str()
            .starts_with(&j.rp)
    );
    // Logout ends the session: authorize shows the form again.
    j.logout().await;
    j.shot("signed-out").await;
    j.client.goto(&j.authorize_url()).await.unwrap();
    assert!(
        j.text()
            .await
            .contains("Sign in with your username and password")
    );

    // Sign-up with the code from the outbox.
    j.press("a[href^='/signup']").await;
    j.shot("sign-up").await;
    j.fill("#username", "bob").await;
    j.fill("#email", "bob@example.com").await;
    j.fill("#password", "short").await;
    j.press("button[type=submit]").await;
    j.shot("sign-up-weak-password").await;
    j.fill("#password", PASSWORD).await;
    j.press("button[type=submit]").await;
    j.shot("confirm-account").await;
    let code = j.app.last_code(&j.pool_id, "bob").await;
    j.fill("#code", &code).await;
    // Confirmed in the browser that signed up: signed in, to the app's callback.
    j.press("button[type=submit]").await;
    j.shot("account-confirmed-callback").await;
    j.exchange_callback().await;
    j.logout().await;

    // TOTP MFA.
    let secret = carol_with_totp(j).await;
    j.client.goto(&j.authorize_url()).await.unwrap();
    j.sign_in("carol", PASSWORD).await;
    j.shot("mfa-totp").await;
    j.fill("#answer", "000000").await;
    j.press("button[type=submit]").await;
    j.shot("mfa-totp-wrong-code").await;
    let now = j.app.clock.now().secs();
    j.fill("#answer", &totp_code(&secret, now)).await;
    j.press("button[type=submit]").await;
    j.exchange_callback().await;
    j.logout().await;

    // Forgot password.
    j.client.goto(&j.authorize_url()).await.unwrap();
    j.press("a[href^='/forgotPassword']").await;
    j.shot("forgot-password").await;
    j.fill("#username", "alice").await;
    j.press("button[type=submit]").await;
    j.shot("reset-password").await;
    let code = j.app.last_code(&j.pool_id, "alice").await;
    j.fill("#code", &code).await;
    j.fill("#password", "N3w-Passw0rd!").await;
    j.press("button[type=submit]").await;
    j.shot("password-reset").await;
    j.sign_in("alice", "N3w-Passw0rd!").await;
    j.exchange_callback().await;

    j.logout().await;

    // MFA set-up: the pool now requires MFA, bob has none: the QR code page.
    j.app
        .idp
        .set_user_pool_mfa_config()
        .user_pool_id(&j.pool_id)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .mfa_configuration(UserPoolMfaType::On)
        .send()
        .await
        .unwrap();
    j.client.goto(&j.authorize_url()).await.unwrap();
    j.sign_in("bob", PASSWORD).await;
    j.shot("mfa-setup-qr").await;
    let secret = j
        .client
        .find(Locator::Css(".secret code"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    j.fill("#answer", &totp_code(&secret, j.app.clock.now().secs()))
        .await;
    j.press("button[type=submit]").await;
    j.exchange_callback().await;

    // An error page (unregistered redirect URI).
    let bad = j
        .authorize_url()
        .replace("redirect_uri=", "redirect_uri=https://evil.example");
    j.client.goto(&bad).await.unwrap();
    j.shot("error-page").await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn implicit_grant_in_chromium() {
    let options = Setup {
        name: "implicit",
        implicit: true,
        ..Setup::default()
    };
    run(options, implicit_journey).await;
}

/// `response_type=token`: the tokens come back in the callback's fragment (the relying party's
/// server never sees them).
async fn implicit_journey(j: &Journey) -> Result<(), String> {
    let url = j
        .authorize_url()
        .replace("response_type=code", "response_type=token");
    j.client.goto(&url).await.unwrap();
    j.shot("sign-in").await;
    j.sign_in("alice", PASSWORD).await;
    j.shot("callback").await;
    let landed = j.client.current_url().await.unwrap();
    if !landed.as_str().starts_with(&j.rp) {
        return Err(format!("not at the callback: {landed}"));
    }
    let fragment = url::form_urlencoded_pairs(landed.fragment().unwrap_or_default());
    let get = |name: &str| {
        fragment
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    if get("access_token").is_none() || get("id_token").is_none() {
        return Err(format!("no tokens in the fragment: {landed}"));
    }
    assert_eq!(get("token_type").as_deref(), Some("Bearer"));
    assert_eq!(get("state").as_deref(), Some("browser-state"));
    assert!(
        get("refresh_token").is_none(),
        "the implicit grant has no refresh token"
    );
    // The fragment stays in the browser: the relying party's server saw no token.
    let seen = j
        .callbacks
        .lock()
        .unwrap()
        .last()
        .cloned()
        .unwrap_or_default();
    assert!(!seen.contains("access_token"), "{seen}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ui_customization_in_chromium() {
    let options = Setup {
        name: "ui-customization",
        ..Setup::default()
    };
    run(options, customization_journey).await;
}

const BUTTON_COLOUR: &str = "rgba(200, 30, 90, 1)";
const BACKGROUND_COLOUR: &str = "rgba(20, 40, 60, 1)";

/// SetUICustomization's CSS and logo, as the browser renders them: the classes AWS names
/// (`submitButton-customizable`, `background-customizable`) take the pool's CSS over the page's
/// own, and the logo image loads.
async fn customization_journey(j: &Journey) -> Result<(), String> {
    j.app
        .idp
        .create_user_pool_domain()
        .user_pool_id(&j.pool_id)
        .domain("browser-branding")
        .send()
        .await
        .unwrap();
    let css = ".submitButton-customizable { background-color: rgb(200, 30, 90); }\n\
               .background-customizable { background-color: rgb(20, 40, 60); }\n\
               .label-customizable { color: rgb(200, 30, 90); }";
    j.app
        .idp
        .set_ui_customization()
        .user_pool_id(&j.pool_id)
        .client_id("ALL")
        .css(css)
        .image_file(Blob::new(logo_png()))
        .send()
        .await
        .unwrap();
    j.client.goto(&j.authorize_url()).await.unwrap();
    j.shot("sign-in-customized").await;
    let button = j
        .client
        .find(Locator::Css("button.submitButton-customizable"))
        .await
        .unwrap();
    let colour = button.css_value("background-color").await.unwrap();
    if colour != BUTTON_COLOUR {
        return Err(format!(
            "the button is {colour}, not the pool's {BUTTON_COLOUR}"
        ));
    }
    let body = j.client.find(Locator::Css("body")).await.unwrap();
    assert_eq!(
        body.css_value("background-color").await.unwrap(),
        BACKGROUND_COLOUR
    );
    // A loaded image has its natural size (a broken one has 0).
    let width = j
        .client
        .execute(
            "return document.querySelector('img.logo-customizable').naturalWidth",
            Vec::new(),
        )
        .await
        .unwrap();
    if width != json!(96) {
        return Err(format!("the logo did not load: naturalWidth {width}"));
    }
    j.sign_in("alice", PASSWORD).await;
    j.exchange_callback().await;
    Ok(())
}

/// A 96x32 PNG logo: three colour bands (stored deflate blocks, so no image library is needed).
fn logo_png() -> Vec<u8> {
    let (width, height) = (96u32, 32u32);
    // Each row: filter type 0 (none), then its pixels.
    let row: Vec<u8> = std::iter::once(0u8)
        .chain((0..width).flat_map(|x| match x * 3 / width {
            0 => [200, 30, 90],
            1 => [255, 255, 255],
            _ => [20, 40, 60],
        }))
        .collect();
    let raw = row.repeat(height as usize);
    let mut zlib = vec![0x78, 0x01];
    let chunks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        zlib.push(u8::from(i + 1 == chunks.len()));
        let len = chunk.len() as u16;
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend_from_slice(chunk);
    }
    zlib.extend_from_slice(&adler32(&raw).to_be_bytes());
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    let mut png = vec![0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];
    for (kind, data) in [(b"IHDR", header), (b"IDAT", zlib), (b"IEND", Vec::new())] {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(&data);
        png.extend_from_slice(&body);
        png.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    png
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for byte in data {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn choice_based_sign_in_in_chromium() {
    let options = Setup {
        name: "choice",
        choice: true,
        ..Setup::default()
    };
    run(options, choice_journey).await;
}

/// Choice-based sign-in: the name, the factors alice holds, the email code from the outbox.
async fn choice_journey(j: &Journey) -> Result<(), String> {
    j.client.goto(&j.authorize_url()).await.unwrap();
    j.shot("name").await;
    j.fill("#signInFormUsername", "alice").await;
    j.press("button[name=signInSubmitButton]").await;
    j.shot("choose-factor").await;
    let text = j.text().await;
    if !text.contains("Code sent by email") || !text.contains("Password") {
        return Err(format!("no choice of factors: {text}"));
    }
    j.click("input[value=EMAIL_OTP]").await;
    j.press("button[type=submit]").await;
    j.shot("email-code").await;
    let text = j.text().await;
    if !text.contains("Check your email") {
        return Err(format!("no code page: {text}"));
    }
    let code = j.app.last_code(&j.pool_id, "alice").await;
    j.fill("#answer", &code).await;
    j.press("button[type=submit]").await;
    j.shot("callback").await;
    j.exchange_callback().await;
    Ok(())
}
