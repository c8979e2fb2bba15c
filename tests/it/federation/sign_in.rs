//! Signing in through the stand-in OIDC provider: the redirect with state and nonce, the code
//! exchange, the ID token verified, the federated user made as AWS makes it (and updated at
//! each sign-in), the app's tokens; and every refusal (forged, wrong audience, expired, wrong
//! nonce or issuer, unknown state, another browser, unregistered or unsupported providers,
//! the pre sign-up trigger).

use cognate_testkit::lambda::{Reply, StandInLambda, arn};
use cognate_testkit::oidc_provider::Tamper;
use cognate_testkit::{Backend, TestApp, backend_tests};
use serde_json::json;

use super::{
    Fed, IDENTIFIER, PROVIDER, SUB, assert_no_federated_user, callback_error, client_with,
    federate, federated_tokens, identities,
};
use crate::auth::claims;
use crate::hosted::{Authorize, Browser, CALLBACK};

backend_tests!(
    a_first_sign_in_makes_the_federated_user,
    each_sign_in_updates_mapped_attributes,
    idp_identifier_selects_the_provider,
    basic_client_authentication_when_the_form_is_refused,
    userinfo_claims_are_mapped,
    spoiled_id_tokens_are_refused,
    unknown_or_foreign_states_are_refused,
    providers_must_be_registered_and_supported,
    a_provider_error_reaches_the_app,
    the_login_page_offers_the_providers,
);

async fn a_first_sign_in_makes_the_federated_user(app: TestApp) {
    let fed = Fed::new(&app).await;
    let tokens = federated_tokens(&app, &fed).await;

    let authorize = fed.idp.calls("/authorize");
    assert_eq!(authorize.len(), 1);
    let sent = &authorize[0].query;
    assert_eq!(sent["client_id"], fed.idp.client_id);
    assert_eq!(sent["scope"], "openid email profile");
    assert_eq!(sent["response_type"], "code");
    assert!(sent["redirect_uri"].ends_with("/oauth2/idpresponse"));
    assert!(!sent["state"].is_empty() && !sent["nonce"].is_empty());
    let token_calls = fed.idp.calls("/token");
    assert_eq!(token_calls.len(), 1);
    assert_eq!(
        token_calls[0].client_auth.as_deref(),
        Some("client_secret_post")
    );
    assert_eq!(
        fed.idp.calls("/userinfo").len(),
        1,
        "attributes_request_method GET"
    );

    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["cognito:username"], fed.username());
    assert_eq!(id["email"], "ada@corp.example.com");
    assert_eq!(id["given_name"], "Ada");
    assert_eq!(
        id["nonce"], "n-0S6_WzA2Mj",
        "the app's nonce, not the provider's"
    );
    let identity = &id["identities"][0];
    assert_eq!(identity["userId"], SUB);
    assert_eq!(identity["providerName"], PROVIDER);
    assert_eq!(identity["providerType"], "OIDC");
    assert_eq!(identity["primary"], "true");
    assert!(identity["dateCreated"].is_string());
    let access = claims(tokens["access_token"].as_str().unwrap());
    assert_eq!(access["username"], fed.username());

    let user = app
        .idp
        .admin_get_user()
        .user_pool_id(&fed.pool_id)
        .username(fed.username())
        .send()
        .await
        .unwrap();
    assert_eq!(
        user.user_status().map(|s| s.as_str()),
        Some("EXTERNAL_PROVIDER")
    );
    let entries = identities(&app, &fed.pool_id, &fed.username()).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["userId"], SUB);
    assert_eq!(entries[0]["primary"], true);
    assert!(entries[0]["dateCreated"].is_number());
}

async fn each_sign_in_updates_mapped_attributes(app: TestApp) {
    let fed = Fed::new(&app).await;
    let first = claims(
        federated_tokens(&app, &fed).await["id_token"]
            .as_str()
            .unwrap(),
    );
    fed.idp.set_user(
        SUB,
        json!({"email": "ada@corp.example.com", "given_name": "Augusta"}),
    );
    let second = claims(
        federated_tokens(&app, &fed).await["id_token"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(second["sub"], first["sub"], "the same user");
    assert_eq!(second["given_name"], "Augusta");
    let listed = app
        .idp
        .list_users()
        .user_pool_id(&fed.pool_id)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.users().len(), 1);
}

async fn idp_identifier_selects_the_provider(app: TestApp) {
    let fed = Fed::new(&app).await;
    let browser = Browser::new(&app);
    let authorize = Authorize::code(&fed.client_id).set("idp_identifier", IDENTIFIER);
    let page = federate(&fed, &browser, &authorize).await;
    crate::hosted::callback_code(&page);
    assert_eq!(fed.idp.calls("/token").len(), 1);
}

async fn basic_client_authentication_when_the_form_is_refused(app: TestApp) {
    let fed = Fed::new(&app).await;
    fed.idp.basic_only(true);
    federated_tokens(&app, &fed).await;
    let methods: Vec<_> = fed
        .idp
        .calls("/token")
        .iter()
        .map(|c| c.client_auth.clone())
        .collect();
    assert_eq!(methods, [None, Some("client_secret_basic".to_string())]);
}

async fn userinfo_claims_are_mapped(app: TestApp) {
    let fed = Fed::new(&app).await;
    app.idp
        .update_identity_provider()
        .user_pool_id(&fed.pool_id)
        .provider_name(PROVIDER)
        .attribute_mapping("email", "email")
        .attribute_mapping("family_name", "surname")
        .send()
        .await
        .unwrap();
    fed.idp.set_userinfo_extra(json!({"surname": "Lovelace"}));
    let id = claims(
        federated_tokens(&app, &fed).await["id_token"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(id["family_name"], "Lovelace");
    assert_eq!(id.get("given_name"), None, "no longer mapped");
}

async fn spoiled_id_tokens_are_refused(app: TestApp) {
    let fed = Fed::new(&app).await;
    for (tamper, description) in [
        (Tamper::BadSignature, "Invalid id_token signature"),
        (Tamper::WrongAudience, "Invalid id_token audience"),
        (Tamper::Expired, "Expired id_token"),
        (Tamper::WrongNonce, "Invalid id_token nonce"),
        (Tamper::WrongIssuer, "Invalid id_token issuer"),
    ] {
        fed.idp.tamper(tamper);
        let before = fed.idp.calls("/token").len();
        let page = federate(&fed, &Browser::new(&app), &fed.authorize()).await;
        assert_eq!(
            fed.idp.calls("/token").len(),
            before + 1,
            "{tamper:?}: code redeemed"
        );
        let (error, said) = callback_error(&page);
        assert_eq!(
            (error.as_str(), said.as_str()),
            ("invalid_request", description)
        );
        assert_eq!(page.param("state").as_deref(), Some(crate::hosted::STATE));
    }
    assert_no_federated_user(&app, &fed).await;
}

async fn unknown_or_foreign_states_are_refused(app: TestApp) {
    let fed = Fed::new(&app).await;
    let browser = Browser::new(&app);
    let made_up = browser
        .get("/oauth2/idpresponse?code=abc&state=not-a-state")
        .await;
    assert_eq!((made_up.status, made_up.location), (400, None));

    // A provider response carried to another browser (no binding cookie) is refused.
    let start = browser.get(&fed.authorize().path()).await;
    let at_idp = browser.get(start.location.as_deref().unwrap()).await;
    let back = at_idp.location.unwrap();
    let other = Browser::new(&app).get(&back).await;
    assert_eq!((other.status, other.location.is_none()), (400, true));
    assert!(
        fed.idp.calls("/token").is_empty(),
        "the code was never redeemed"
    );
    // In the browser that started it, the same response goes through.
    let done = browser.get(&back).await;
    assert!(done.location.unwrap().starts_with(CALLBACK));
}

async fn providers_must_be_registered_and_supported(app: TestApp) {
    let fed = Fed::new(&app).await;
    let browser = Browser::new(&app);
    let unknown = Authorize::code(&fed.client_id).set("identity_provider", "Nope");
    let page = browser.get(&unknown.path()).await;
    assert_eq!(
        callback_error(&page),
        (
            "invalid_request".into(),
            "Unsupported identity provider".into()
        )
    );
    let unknown = Authorize::code(&fed.client_id).set("idp_identifier", "nobody.example.com");
    assert_eq!(
        callback_error(&browser.get(&unknown.path()).await).0,
        "invalid_request"
    );

    let cognito_only = client_with(&app, &fed.pool_id, &["COGNITO"]).await;
    let unsupported = Authorize::code(&cognito_only).set("identity_provider", PROVIDER);
    let page = browser.get(&unsupported.path()).await;
    assert_eq!(callback_error(&page).0, "invalid_request");
    assert!(
        fed.idp.calls("/authorize").is_empty(),
        "never sent to the provider"
    );

    // identity_provider=COGNITO is the login page.
    let login = Authorize::code(&fed.client_id).set("identity_provider", "COGNITO");
    let page = browser.get(&login.path()).await;
    assert!(page.location.unwrap().starts_with("/login?"));
}

async fn a_provider_error_reaches_the_app(app: TestApp) {
    let fed = Fed::new(&app).await;
    fed.idp.clear_user();
    let page = federate(&fed, &Browser::new(&app), &fed.authorize()).await;
    assert_eq!(callback_error(&page).0, "access_denied");
    assert!(fed.idp.calls("/token").is_empty());
}

async fn the_login_page_offers_the_providers(app: TestApp) {
    let fed = Fed::new(&app).await;
    let browser = Browser::new(&app);
    let (_, page) = browser.login_page(&Authorize::code(&fed.client_id)).await;
    let marker = "class=\"idpButton-customizable\" href=\"";
    let start = page.body.find(marker).expect("a provider link") + marker.len();
    let end = page.body[start..].find('"').unwrap() + start;
    let href = page.body[start..end].replace("&#38;", "&");
    assert!(page.body.contains(&format!("Sign in with {PROVIDER}")));
    let to_idp = browser.get(&href).await;
    assert!(
        to_idp
            .location
            .unwrap()
            .starts_with(&fed.idp.authorize_url())
    );
}

/// The pre sign-up function sees `PreSignUp_ExternalProvider` on a first sign-in; its refusal
/// stops the sign-in and makes no user.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pre_sign_up_runs_for_external_providers() {
    let lambda = StandInLambda::start().await;
    let app = TestApp::spawn_with_lambda(Backend::Sqlite, &lambda)
        .await
        .unwrap();
    let fed = Fed::new(&app).await;
    let function = arn("pre-sign-up");
    app.idp
        .update_user_pool()
        .user_pool_id(&fed.pool_id)
        .lambda_config(
            aws_sdk_cognitoidentityprovider::types::LambdaConfigType::builder()
                .pre_sign_up(&function)
                .build(),
        )
        .send()
        .await
        .unwrap();
    lambda.register(&function, Reply::FunctionError("no strangers".into()));
    let page = federate(&fed, &Browser::new(&app), &fed.authorize()).await;
    let (_, said) = callback_error(&page);
    assert!(said.contains("no strangers"), "{said}");
    assert_no_federated_user(&app, &fed).await;

    lambda.register(&function, Reply::echo());
    federated_tokens(&app, &fed).await;
    let events = lambda.events(&function);
    let last = events.last().unwrap();
    assert_eq!(last["triggerSource"], "PreSignUp_ExternalProvider");
    assert_eq!(last["userName"], fed.username());
    assert_eq!(last["callerContext"]["clientId"], fed.client_id);
    assert_eq!(
        last["request"]["userAttributes"]["email"],
        "ada@corp.example.com"
    );
}
