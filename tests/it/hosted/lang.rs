//! `lang` on `/oauth2/authorize`: the pages in one of AWS's managed-login languages, the choice
//! carried from page to page and kept in a cookie for the next authorization request; a code
//! AWS does not offer gets English.

use cognate_testkit::{PASSWORD, TestApp, backend_tests};

use super::{Authorize, Browser, callback_code, hosted_pool, submit};

backend_tests!(
    lang_localizes_the_pages_and_is_remembered,
    unsupported_lang_falls_back_to_english,
    every_page_of_a_flow_keeps_the_language,
);

async fn lang_localizes_the_pages_and_is_remembered(app: TestApp) {
    let (_, client_id) = hosted_pool(&app).await;
    let browser = Browser::new(&app);
    let german = Authorize::code(&client_id).set("lang", "de");
    let redirect = browser.get(&german.path()).await;
    assert!(
        redirect
            .set_cookies
            .iter()
            .any(|c| c.starts_with("lang=de;") && c.contains("HttpOnly")),
        "{:?}",
        redirect.set_cookies
    );
    let (login, page) = browser.login_page(&german).await;
    assert!(page.body.contains("<html lang=\"de\">"));
    assert!(page.body.contains("Anmelden"), "{}", page.body);
    assert!(page.body.contains("Passwort vergessen?"));
    let wrong = browser
        .submit_password(&login, &page, "alice", "Wr0ng!Password")
        .await;
    assert!(
        wrong.alerts("Falscher Benutzername oder falsches Passwort."),
        "{}",
        wrong.body
    );
    // The next authorization request names no language: the cookie's is used, and carried on.
    let plain = Authorize::code(&client_id);
    let redirect = browser.get(&plain.path()).await;
    let location = redirect.location.unwrap();
    assert!(location.contains("lang=de"), "{location}");
    let page = browser.get(&location).await;
    assert!(page.body.contains("<html lang=\"de\">"));
    // A new lang replaces the kept one.
    let japanese = Authorize::code(&client_id).set("lang", "ja");
    let (_, page) = browser.login_page(&japanese).await;
    assert!(page.body.contains("サインイン"), "{}", page.body);
    assert_eq!(browser.cookie("lang").as_deref(), Some("ja"));
    let done = browser
        .submit_password(&page_path(&japanese), &page, "alice", PASSWORD)
        .await;
    callback_code(&done);
}

fn page_path(authorize: &Authorize) -> String {
    authorize.path().replace("/oauth2/authorize", "/login")
}

async fn unsupported_lang_falls_back_to_english(app: TestApp) {
    let (_, client_id) = hosted_pool(&app).await;
    let browser = Browser::new(&app);
    for code in ["xx", "pt", "en-GB"] {
        let authorize = Authorize::code(&client_id).set("lang", code);
        let (_, page) = browser.login_page(&authorize).await;
        assert!(page.body.contains("<html lang=\"en\">"), "{code}");
        assert!(
            page.body
                .contains("Sign in with your username and password")
        );
        assert_eq!(browser.cookie("lang").as_deref(), Some("en"), "{code}");
    }
    // AWS's codes in any case.
    let authorize = Authorize::code(&client_id).set("lang", "pt-br");
    let (_, page) = browser.login_page(&authorize).await;
    assert!(page.body.contains("<html lang=\"pt-BR\">"));
    assert!(page.body.contains("Esqueceu sua senha?"));
}

/// Sign-up, confirmation and their messages in the language of the authorization request.
async fn every_page_of_a_flow_keeps_the_language(app: TestApp) {
    let (_, client_id) = hosted_pool(&app).await;
    let browser = Browser::new(&app);
    let french = Authorize::code(&client_id).set("lang", "fr");
    let (_, login) = browser.login_page(&french).await;
    let sign_up_path = page_path(&french).replace("/login", "/signup");
    assert!(login.body.contains("S&#39;inscrire") || login.body.contains("S'inscrire"));
    let sign_up = browser.get(&sign_up_path).await;
    assert!(
        sign_up.body.contains("<html lang=\"fr\">"),
        "{}",
        sign_up.body
    );
    let fields = [
        ("username", "alice"),
        ("email", "a@example.com"),
        ("password", PASSWORD),
    ];
    let taken = submit(&browser, &sign_up, &fields).await;
    assert!(
        taken.alerts("Cet utilisateur existe déjà."),
        "{}",
        taken.body
    );
    let forgot = browser
        .get(&page_path(&french).replace("/login", "/forgotPassword"))
        .await;
    assert!(
        forgot.body.contains("Mot de passe oublié ?"),
        "{}",
        forgot.body
    );
    assert!(forgot.body.contains("Retour à la connexion"));
}
