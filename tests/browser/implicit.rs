//! The implicit grant in the browser.

use cognate_testkit::PASSWORD;

use crate::{Journey, Setup, run, url};

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
