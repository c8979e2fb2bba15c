//! CreateIdentityProvider, DescribeIdentityProvider, ListIdentityProviders,
//! UpdateIdentityProvider, DeleteIdentityProvider and GetIdentityProviderByIdentifier: details
//! echoed as AWS does per type, discovery, identifiers, and every refusal.

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::types::IdentityProviderTypeType as Type;
use cognate_testkit::oidc_provider::StandInIdp;
use cognate_testkit::{TestApp, backend_tests, failure};

use super::{IDENTIFIER, PROVIDER, client_with, create_provider};

backend_tests!(
    oidc_providers_round_trip,
    oidc_endpoints_come_from_discovery,
    listing_pages_by_name,
    provider_refusals,
    social_providers_echo_aws_settings,
    clients_may_name_existing_providers_only,
);

fn details(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn corp() -> HashMap<String, String> {
    let base = "https://idp.example.com";
    details(&[
        ("client_id", "corp-client"),
        ("client_secret", "corp-secret"),
        ("authorize_scopes", "openid email"),
        ("attributes_request_method", "GET"),
        ("oidc_issuer", base),
        ("authorize_url", "https://idp.example.com/authorize"),
        ("token_url", "https://idp.example.com/token"),
        ("attributes_url", "https://idp.example.com/userinfo"),
        ("jwks_uri", "https://idp.example.com/jwks.json"),
    ])
}

async fn pool(app: &TestApp) -> String {
    app.pool_with_client().await.0
}

async fn oidc_providers_round_trip(app: TestApp) {
    let pool_id = pool(&app).await;
    let created = app
        .idp
        .create_identity_provider()
        .user_pool_id(&pool_id)
        .provider_name(PROVIDER)
        .provider_type(Type::Oidc)
        .set_provider_details(Some(corp()))
        .attribute_mapping("email", "email")
        .idp_identifiers(IDENTIFIER)
        .send()
        .await
        .unwrap()
        .identity_provider
        .unwrap();
    assert_eq!(created.provider_type(), Some(&Type::Oidc));
    let shown = created.provider_details().unwrap();
    for (key, value) in corp() {
        assert_eq!(shown.get(&key), Some(&value), "{key} echoed");
    }
    assert_eq!(shown["attributes_url_add_attributes"], "false");
    let mapping = created.attribute_mapping().unwrap();
    assert_eq!(mapping["email"], "email");
    assert_eq!(mapping["username"], "sub", "AWS maps username to sub");
    assert!(created.creation_date().is_some() && created.last_modified_date().is_some());

    let described = app
        .idp
        .describe_identity_provider()
        .user_pool_id(&pool_id)
        .provider_name(PROVIDER)
        .send()
        .await
        .unwrap()
        .identity_provider
        .unwrap();
    assert_eq!(described, created);
    let by_identifier = app
        .idp
        .get_identity_provider_by_identifier()
        .user_pool_id(&pool_id)
        .idp_identifier(IDENTIFIER)
        .send()
        .await
        .unwrap();
    assert_eq!(by_identifier.identity_provider.unwrap(), created);

    let mut scopes = HashMap::new();
    scopes.insert(
        "authorize_scopes".to_string(),
        "openid email profile".to_string(),
    );
    let updated = app
        .idp
        .update_identity_provider()
        .user_pool_id(&pool_id)
        .provider_name(PROVIDER)
        .set_provider_details(Some(scopes))
        .attribute_mapping("given_name", "given_name")
        .idp_identifiers("corp-2")
        .send()
        .await
        .unwrap()
        .identity_provider
        .unwrap();
    let shown = updated.provider_details().unwrap();
    assert_eq!(shown["authorize_scopes"], "openid email profile");
    assert_eq!(
        shown["client_id"], "corp-client",
        "details not given are kept"
    );
    let mapping = updated.attribute_mapping().unwrap();
    assert_eq!(mapping.get("email"), None, "the mapping is replaced");
    assert_eq!(mapping["given_name"], "given_name");
    assert_eq!(updated.idp_identifiers(), ["corp-2"]);
    let (code, _) = failure(
        app.idp
            .get_identity_provider_by_identifier()
            .user_pool_id(&pool_id)
            .idp_identifier(IDENTIFIER)
            .send()
            .await,
    );
    assert_eq!(
        code, "ResourceNotFoundException",
        "the old identifier is free"
    );

    app.idp
        .delete_identity_provider()
        .user_pool_id(&pool_id)
        .provider_name(PROVIDER)
        .send()
        .await
        .unwrap();
    for result in [
        failure(
            app.idp
                .describe_identity_provider()
                .user_pool_id(&pool_id)
                .provider_name(PROVIDER)
                .send()
                .await,
        ),
        failure(
            app.idp
                .delete_identity_provider()
                .user_pool_id(&pool_id)
                .provider_name(PROVIDER)
                .send()
                .await,
        ),
        failure(
            app.idp
                .get_identity_provider_by_identifier()
                .user_pool_id(&pool_id)
                .idp_identifier("corp-2")
                .send()
                .await,
        ),
    ] {
        assert_eq!(result.0, "ResourceNotFoundException");
    }
}

async fn oidc_endpoints_come_from_discovery(app: TestApp) {
    let pool_id = pool(&app).await;
    let idp = StandInIdp::start().await;
    create_provider(
        &app,
        &pool_id,
        PROVIDER,
        idp.discovery_details("openid email"),
    )
    .await;
    let shown = app
        .idp
        .describe_identity_provider()
        .user_pool_id(&pool_id)
        .provider_name(PROVIDER)
        .send()
        .await
        .unwrap()
        .identity_provider
        .unwrap()
        .provider_details
        .unwrap();
    assert_eq!(shown["authorize_url"], format!("{}/authorize", idp.issuer));
    assert_eq!(shown["token_url"], format!("{}/token", idp.issuer));
    assert_eq!(shown["attributes_url"], format!("{}/userinfo", idp.issuer));
    assert_eq!(shown["jwks_uri"], format!("{}/jwks.json", idp.issuer));
    assert_eq!(idp.calls("/.well-known/openid-configuration").len(), 1);

    // An issuer without a discovery document is refused when endpoints are missing.
    let mut nowhere = idp.discovery_details("openid");
    nowhere.insert("oidc_issuer".into(), format!("{}/nothing-here", idp.issuer));
    let (code, message) = failure(
        app.idp
            .create_identity_provider()
            .user_pool_id(&pool_id)
            .provider_name("Nowhere")
            .provider_type(Type::Oidc)
            .set_provider_details(Some(nowhere))
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException", "{message}");
}

async fn listing_pages_by_name(app: TestApp) {
    let pool_id = pool(&app).await;
    for name in ["Zeta", "Alpha", "Mid"] {
        let mut request = app
            .idp
            .create_identity_provider()
            .user_pool_id(&pool_id)
            .provider_name(name)
            .provider_type(Type::Oidc);
        for (key, value) in corp() {
            request = request.provider_details(key, value);
        }
        request.send().await.unwrap();
    }
    let first = app
        .idp
        .list_identity_providers()
        .user_pool_id(&pool_id)
        .max_results(2)
        .send()
        .await
        .unwrap();
    let names: Vec<_> = first
        .providers()
        .iter()
        .map(|p| p.provider_name().unwrap())
        .collect();
    assert_eq!(names, ["Alpha", "Mid"]);
    assert_eq!(first.providers()[0].provider_type(), Some(&Type::Oidc));
    let rest = app
        .idp
        .list_identity_providers()
        .user_pool_id(&pool_id)
        .max_results(2)
        .next_token(first.next_token().unwrap())
        .send()
        .await
        .unwrap();
    let names: Vec<_> = rest
        .providers()
        .iter()
        .map(|p| p.provider_name().unwrap())
        .collect();
    assert_eq!(names, ["Zeta"]);
    assert_eq!(rest.next_token(), None);
}

async fn provider_refusals(app: TestApp) {
    let pool_id = pool(&app).await;
    create_provider(&app, &pool_id, PROVIDER, corp()).await;
    let create = |name: &str, kind: Type, details: HashMap<String, String>| {
        app.idp
            .create_identity_provider()
            .user_pool_id(&pool_id)
            .provider_name(name)
            .provider_type(kind)
            .set_provider_details(Some(details))
    };
    let (code, message) = failure(create(PROVIDER, Type::Oidc, corp()).send().await);
    assert_eq!(code, "DuplicateProviderException");
    assert_eq!(
        message,
        format!("{PROVIDER} already exists in user pool {pool_id}")
    );
    let (code, _) = failure(
        create("Other", Type::Oidc, corp())
            .idp_identifiers(IDENTIFIER)
            .send()
            .await,
    );
    assert_eq!(
        code, "InvalidParameterException",
        "identifiers are unique in the pool"
    );
    let mut broken: Vec<(&str, HashMap<String, String>)> = Vec::new();
    for (label, change) in [
        ("no client_id", ("client_id", None)),
        ("unknown key", ("team_id", Some("x"))),
        ("PUT", ("attributes_request_method", Some("PUT"))),
        ("no openid scope", ("authorize_scopes", Some("email"))),
        (
            "plain http",
            ("token_url", Some("http://idp.example.com/token")),
        ),
    ] {
        let mut details = corp();
        match change.1 {
            Some(value) => details.insert(change.0.to_string(), value.to_string()),
            None => details.remove(change.0),
        };
        broken.push((label, details));
    }
    for (label, details) in broken {
        let (code, _) = failure(create("Other", Type::Oidc, details).send().await);
        assert_eq!(code, "InvalidParameterException", "{label}");
    }
    for (label, name, kind) in [
        ("leading underscore", "_Bad", Type::Oidc),
        ("a social name for OIDC", "Google", Type::Oidc),
        (
            "a social provider named otherwise",
            "MyGoogle",
            Type::Google,
        ),
    ] {
        let details = if kind == Type::Google {
            details(&[
                ("client_id", "g"),
                ("client_secret", "s"),
                ("authorize_scopes", "email"),
            ])
        } else {
            corp()
        };
        let (code, _) = failure(create(name, kind, details).send().await);
        assert_eq!(code, "InvalidParameterException", "{label}");
    }
    let (code, _) = failure(
        create("Other", Type::Oidc, corp())
            .attribute_mapping("shoe_size", "shoe")
            .send()
            .await,
    );
    assert_eq!(
        code, "InvalidParameterException",
        "mapping to an unknown attribute"
    );
    let saml = details(&[("MetadataURL", "https://idp.example.com/metadata")]);
    // SAML metadata that cannot be fetched is refused, as AWS refuses it (no internet here).
    let (code, message) = failure(create("Saml", Type::Saml, saml).send().await);
    assert_eq!(code, "InvalidParameterException");
    assert!(
        message.contains("https://idp.example.com/metadata"),
        "{message}"
    );
    let (code, _) = failure(
        app.idp
            .describe_identity_provider()
            .user_pool_id("us-east-1_NoSuchPool")
            .provider_name(PROVIDER)
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
}

/// Creates the social provider `kind` (named after it) with `pairs` as details.
async fn social(
    app: &TestApp,
    pool_id: &str,
    kind: Type,
    pairs: &[(&str, &str)],
) -> aws_sdk_cognitoidentityprovider::types::IdentityProviderType {
    app.idp
        .create_identity_provider()
        .user_pool_id(pool_id)
        .provider_name(kind.as_str())
        .provider_type(kind)
        .set_provider_details(Some(details(pairs)))
        .send()
        .await
        .unwrap()
        .identity_provider
        .unwrap()
}

async fn social_providers_echo_aws_settings(app: TestApp) {
    let pool_id = pool(&app).await;
    let google = social(
        &app,
        &pool_id,
        Type::Google,
        &[
            ("client_id", "123.apps.googleusercontent.com"),
            ("client_secret", "g-secret"),
            ("authorize_scopes", "email profile openid"),
        ],
    )
    .await;
    let shown = google.provider_details().unwrap();
    assert_eq!(
        shown["authorize_url"],
        "https://accounts.google.com/o/oauth2/v2/auth"
    );
    assert_eq!(
        shown["token_url"],
        "https://www.googleapis.com/oauth2/v4/token"
    );
    assert_eq!(shown["oidc_issuer"], "https://accounts.google.com");
    assert_eq!(shown["token_request_method"], "POST");
    assert_eq!(shown["attributes_url_add_attributes"], "true");
    assert_eq!(shown["client_secret"], "g-secret");
    assert_eq!(google.attribute_mapping().unwrap()["username"], "sub");

    let facebook = social(
        &app,
        &pool_id,
        Type::Facebook,
        &[
            ("client_id", "fb"),
            ("client_secret", "fb-secret"),
            ("authorize_scopes", "public_profile, email"),
            ("api_version", "v18.0"),
        ],
    )
    .await;
    let shown = facebook.provider_details().unwrap();
    assert_eq!(
        shown["authorize_url"],
        "https://www.facebook.com/v18.0/dialog/oauth"
    );
    assert_eq!(shown["token_request_method"], "GET");
    assert_eq!(facebook.attribute_mapping().unwrap()["username"], "id");

    let apple = social(
        &app,
        &pool_id,
        Type::SignInWithApple,
        &[
            ("client_id", "com.example.app"),
            ("team_id", "TEAM"),
            ("key_id", "KEY"),
            ("private_key", "-----BEGIN PRIVATE KEY-----x"),
            ("authorize_scopes", "email name"),
        ],
    )
    .await;
    let shown = apple.provider_details().unwrap();
    assert_eq!(shown.get("private_key"), None, "Apple's key is never shown");
    assert_eq!(shown["team_id"], "TEAM");
    assert_eq!(shown["oidc_issuer"], "https://appleid.apple.com");
}

async fn clients_may_name_existing_providers_only(app: TestApp) {
    let pool_id = pool(&app).await;
    let (code, message) = failure(
        app.idp
            .create_user_pool_client()
            .user_pool_id(&pool_id)
            .client_name("web")
            .supported_identity_providers(PROVIDER)
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(
        message,
        format!("The provider {PROVIDER} does not exist for User Pool {pool_id}")
    );
    create_provider(&app, &pool_id, PROVIDER, corp()).await;
    let client_id = client_with(&app, &pool_id, &["COGNITO", PROVIDER]).await;
    let client = app
        .idp
        .describe_user_pool_client()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(client.supported_identity_providers(), ["COGNITO", PROVIDER]);
}
