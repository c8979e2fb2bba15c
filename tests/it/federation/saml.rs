//! SAML 2.0 federation through the stand-in IdP (`cognate_testkit::saml_provider`): the
//! provider's details checked and echoed as AWS does, the SP-initiated sign-in (redirect-binding
//! AuthnRequest, signed Response posted to `/saml2/idpresponse`, the federated user, the app's
//! code), and every refusal: forged, altered, unsigned, wrong audience, recipient, issuer or
//! InResponseTo, a failed status, expired, replayed, unknown or foreign RelayState.

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::types::IdentityProviderTypeType;
use cognate_testkit::saml_provider::{StandInSamlIdp, Tamper};
use cognate_testkit::{TestApp, backend_tests, failure};

use super::{callback_error, client_with, identities};
use crate::auth::claims;
use crate::hosted::{Authorize, Browser, Page, VERIFIER, callback_code, exchange};

backend_tests!(
    saml_details_are_checked_and_echoed,
    unimplemented_saml_options_are_refused,
    a_saml_sign_in_makes_the_federated_user,
    an_assertion_signed_alone_is_accepted,
    spoiled_saml_responses_are_refused,
    an_expired_assertion_is_refused,
    a_replayed_assertion_is_refused,
    unknown_or_foreign_relay_states_are_refused,
);

backend_tests!(
    config = without_the_helper;
    a_missing_saml_helper_fails_loudly_and_stores_nothing,
);

/// A server whose `cognate-saml` helper is not where it is configured to be.
fn without_the_helper(config: &mut cognate_server::config::Config) {
    config.federation.saml_helper = "/nonexistent/cognate-saml".into();
}

const PROVIDER: &str = "CorpSaml";
const NAME_ID: &str = "ada@corp.example.com";
const EMAIL_ATTRIBUTE: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress";
const ACS: &str = "/saml2/idpresponse";

struct SamlFed {
    idp: StandInSamlIdp,
    pool_id: String,
    client_id: String,
}

impl SamlFed {
    async fn new(app: &TestApp) -> Self {
        let idp = StandInSamlIdp::start().await;
        idp.set_user(NAME_ID, &[(EMAIL_ATTRIBUTE, NAME_ID), ("firstName", "Ada")]);
        let (pool_id, _) = app.pool_with_client().await;
        let details = HashMap::from([("MetadataURL".to_string(), idp.metadata_url())]);
        create(app, &pool_id, details)
            .await
            .expect("CreateIdentityProvider");
        let client_id = client_with(app, &pool_id, &["COGNITO", PROVIDER]).await;
        Self {
            idp,
            pool_id,
            client_id,
        }
    }

    fn authorize(&self) -> Authorize {
        Authorize::code(&self.client_id).set("identity_provider", PROVIDER)
    }

    fn username(&self) -> String {
        format!("{PROVIDER}_{NAME_ID}")
    }
}

async fn create(
    app: &TestApp,
    pool_id: &str,
    details: HashMap<String, String>,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::create_identity_provider::CreateIdentityProviderOutput,
    aws_sdk_cognitoidentityprovider::error::SdkError<
        aws_sdk_cognitoidentityprovider::operation::create_identity_provider::CreateIdentityProviderError,
    >,
>{
    app.idp
        .create_identity_provider()
        .user_pool_id(pool_id)
        .provider_name(PROVIDER)
        .provider_type(IdentityProviderTypeType::Saml)
        .set_provider_details(Some(details))
        .attribute_mapping("email", EMAIL_ATTRIBUTE)
        .attribute_mapping("given_name", "firstName")
        .send()
        .await
}

/// The browser sent to the IdP and shown its auto-posting form.
async fn at_idp(fed: &SamlFed, browser: &Browser) -> Page {
    let start = browser.get(&fed.authorize().path()).await;
    assert_eq!(start.status, 302, "{}", start.body);
    let location = start.location.expect("a redirect to the IdP");
    assert!(location.starts_with(&fed.idp.base), "{location}");
    let page = browser.get(&location).await;
    assert_eq!(page.status, 200, "{}", page.body);
    page
}

/// What the IdP's form posts, posted.
async fn post_form(browser: &Browser, form: &Page) -> Page {
    let response = form.field("SAMLResponse").expect("a SAMLResponse");
    let relay = form.field("RelayState").expect("a RelayState");
    browser
        .post(ACS, &[("SAMLResponse", &response), ("RelayState", &relay)])
        .await
}

async fn saml_sign_in(app: &TestApp, fed: &SamlFed) -> Page {
    let browser = Browser::new(app);
    let form = at_idp(fed, &browser).await;
    post_form(&browser, &form).await
}

async fn saml_details_are_checked_and_echoed(app: TestApp) {
    let idp = StandInSamlIdp::start().await;
    let (pool_id, _) = app.pool_with_client().await;
    let refused = |details: &[(&str, &str)]| {
        let details: HashMap<String, String> = details
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let app = &app;
        let pool_id = pool_id.clone();
        async move { failure(create(app, &pool_id, details).await) }
    };
    let (code, message) = refused(&[]).await;
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(
        message,
        "At least one of the MetadataURL or MetadataFile should be provided."
    );
    let (code, _) = refused(&[("MetadataFile", "<not metadata")]).await;
    assert_eq!(code, "InvalidParameterException");
    let post_only = idp.metadata().replace(
        r#"<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect""#,
        r#"<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact""#,
    );
    let (code, message) = refused(&[("MetadataFile", &post_only)]).await;
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(
        message,
        "No SingleSignOn Http redirect binding location found in metadata."
    );
    let missing = format!("{}/nothing-here", idp.base);
    let (code, message) = refused(&[("MetadataURL", &missing)]).await;
    assert_eq!(code, "InvalidParameterException");
    assert!(message.starts_with("Non-ok status code 404"), "{message}");

    let created = create(
        &app,
        &pool_id,
        HashMap::from([
            ("MetadataFile".to_string(), idp.metadata()),
            ("IDPSignout".to_string(), "false".to_string()),
        ]),
    )
    .await
    .expect("CreateIdentityProvider")
    .identity_provider
    .unwrap();
    assert_eq!(
        created.provider_type(),
        Some(&IdentityProviderTypeType::Saml)
    );
    let details = created.provider_details().unwrap();
    assert_eq!(details["MetadataFile"], idp.metadata());
    assert_eq!(details["IDPSignout"], "false");
    assert_eq!(
        details["SSORedirectBindingURI"],
        format!("{}/sso", idp.base)
    );
    assert_eq!(
        details["SLORedirectBindingURI"],
        format!("{}/slo", idp.base)
    );

    // A described provider sent back as it is, then switched to its metadata URL.
    app.idp
        .update_identity_provider()
        .user_pool_id(&pool_id)
        .provider_name(PROVIDER)
        .set_provider_details(Some(details.clone()))
        .send()
        .await
        .expect("the described details sent back");
    let updated = app
        .idp
        .update_identity_provider()
        .user_pool_id(&pool_id)
        .provider_name(PROVIDER)
        .provider_details("MetadataURL", idp.metadata_url())
        .send()
        .await
        .expect("UpdateIdentityProvider")
        .identity_provider
        .unwrap();
    let details = updated.provider_details().unwrap();
    assert_eq!(details["MetadataURL"], idp.metadata_url());
    assert_eq!(
        details["MetadataFile"],
        idp.metadata(),
        "the fetched document"
    );
}

async fn unimplemented_saml_options_are_refused(app: TestApp) {
    let idp = StandInSamlIdp::start().await;
    let (pool_id, _) = app.pool_with_client().await;
    for (key, value) in [
        ("EncryptedResponses", "true"),
        ("IDPInit", "true"),
        ("IDPSignout", "true"),
        ("RequestSigningAlgorithm", "rsa-sha256"),
    ] {
        let details = HashMap::from([
            ("MetadataFile".to_string(), idp.metadata()),
            (key.to_string(), value.to_string()),
        ]);
        let (code, message) = failure(create(&app, &pool_id, details).await);
        assert_eq!(code, "UnsupportedOperationException", "{key}");
        assert!(message.contains(key), "{key}: {message}");
    }
}

async fn a_saml_sign_in_makes_the_federated_user(app: TestApp) {
    let fed = SamlFed::new(&app).await;
    let page = saml_sign_in(&app, &fed).await;
    let code = callback_code(&page);

    let requests = fed.idp.requests();
    assert_eq!(requests.len(), 1);
    let sent = &requests[0];
    assert_eq!(
        sent.issuer,
        format!("urn:amazon:cognito:sp:{}", fed.pool_id)
    );
    assert_eq!(sent.acs_url, format!("{}{ACS}", app.endpoint));
    assert_eq!(sent.destination, format!("{}/sso", fed.idp.base));
    assert!(sent.id.starts_with('_'), "an NCName: {}", sent.id);
    assert!(!sent.relay_state.is_empty());

    let reply = exchange(&app, &fed.client_id, &code, VERIFIER).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let id = claims(reply.json()["id_token"].as_str().unwrap());
    assert_eq!(id["cognito:username"], fed.username());
    assert_eq!(id["email"], NAME_ID);
    assert_eq!(id["given_name"], "Ada");
    assert_eq!(id["identities"][0]["providerType"], "SAML");
    assert_eq!(id["identities"][0]["userId"], NAME_ID);
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

    // The next sign-in updates the mapped attributes of the same user.
    fed.idp.set_user(
        NAME_ID,
        &[(EMAIL_ATTRIBUTE, NAME_ID), ("firstName", "Augusta")],
    );
    callback_code(&saml_sign_in(&app, &fed).await);
    let entries = identities(&app, &fed.pool_id, &fed.username()).await;
    assert_eq!(entries.len(), 1);
    let given = app
        .idp
        .admin_get_user()
        .user_pool_id(&fed.pool_id)
        .username(fed.username())
        .send()
        .await
        .unwrap()
        .user_attributes()
        .iter()
        .find(|a| a.name() == "given_name")
        .and_then(|a| a.value().map(str::to_string));
    assert_eq!(given.as_deref(), Some("Augusta"));
}

async fn an_assertion_signed_alone_is_accepted(app: TestApp) {
    let fed = SamlFed::new(&app).await;
    fed.idp.tamper(Tamper::SignAssertionOnly);
    callback_code(&saml_sign_in(&app, &fed).await);
}

async fn spoiled_saml_responses_are_refused(app: TestApp) {
    let fed = SamlFed::new(&app).await;
    for (tamper, description) in [
        (Tamper::Unsigned, "SAML Assertion signature is invalid."),
        (Tamper::ForeignKey, "SAML Assertion signature is invalid."),
        (Tamper::Altered, "SAML Assertion signature is invalid."),
        (
            Tamper::WrongAudience,
            "The SAML Assertion audience is not this user pool.",
        ),
        (
            Tamper::WrongRecipient,
            "The SAML response recipient or destination is not this user pool's endpoint.",
        ),
        (
            Tamper::WrongInResponseTo,
            "The SAML response does not answer this sign-in's request.",
        ),
        (
            Tamper::WrongIssuer,
            "The issuer of the SAML response is not the identity provider.",
        ),
        (
            Tamper::FailedStatus,
            "The SAML response status is urn:oasis:names:tc:SAML:2.0:status:Requester.",
        ),
    ] {
        fed.idp.tamper(tamper);
        let page = saml_sign_in(&app, &fed).await;
        let (error, said) = callback_error(&page);
        assert_eq!(
            (error.as_str(), said.as_str()),
            (
                "server_error",
                format!("Invalid SAML response received: {description}").as_str()
            ),
            "{tamper:?}"
        );
    }
    let found = app
        .idp
        .admin_get_user()
        .user_pool_id(&fed.pool_id)
        .username(fed.username())
        .send()
        .await;
    assert_eq!(failure(found).0, "UserNotFoundException");
}

async fn an_expired_assertion_is_refused(app: TestApp) {
    let fed = SamlFed::new(&app).await;
    let browser = Browser::new(&app);
    let form = at_idp(&fed, &browser).await;
    // Past the assertion's five minutes and the leeway, within the sign-in state's lifetime.
    app.clock.advance_secs(400);
    let (_, said) = callback_error(&post_form(&browser, &form).await);
    assert_eq!(
        said,
        "Invalid SAML response received: The SAML Assertion is expired or not yet valid."
    );
}

async fn a_replayed_assertion_is_refused(app: TestApp) {
    let fed = SamlFed::new(&app).await;
    let browser = Browser::new(&app);
    let form = at_idp(&fed, &browser).await;
    let binding = browser
        .cookie("cognate-federation")
        .expect("a binding cookie");
    callback_code(&post_form(&browser, &form).await);
    // Someone who captured the post and the cookie sends both again.
    browser.set_cookie("cognate-federation", &binding);
    let (_, said) = callback_error(&post_form(&browser, &form).await);
    assert_eq!(
        said,
        "Invalid SAML response received: The SAML Assertion has already been used."
    );
}

async fn unknown_or_foreign_relay_states_are_refused(app: TestApp) {
    let fed = SamlFed::new(&app).await;
    let browser = Browser::new(&app);
    let form = at_idp(&fed, &browser).await;
    let response = form.field("SAMLResponse").unwrap();
    let made_up = browser
        .post(ACS, &[("SAMLResponse", &response), ("RelayState", "nope")])
        .await;
    assert_eq!((made_up.status, made_up.location), (400, None));
    // The genuine post carried to another browser (no binding cookie).
    let other = Browser::new(&app);
    let carried = post_form(&other, &form).await;
    assert_eq!((carried.status, carried.location), (400, None));
    // Still good in the browser that started it.
    callback_code(&post_form(&browser, &form).await);
}

async fn a_missing_saml_helper_fails_loudly_and_stores_nothing(app: TestApp) {
    let idp = StandInSamlIdp::start().await;
    let (pool_id, _) = app.pool_with_client().await;
    let details = HashMap::from([("MetadataFile".to_string(), idp.metadata())]);
    let (code, message) = failure(create(&app, &pool_id, details).await);
    assert_eq!(code, "InternalErrorException");
    // Where the helper was looked for is the operator's to read in the log, not the caller's.
    assert_eq!(message, "An internal error occurred");
    let listed = app
        .idp
        .list_identity_providers()
        .user_pool_id(&pool_id)
        .send()
        .await
        .expect("ListIdentityProviders");
    assert!(listed.providers().is_empty());
}
