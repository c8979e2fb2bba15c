//! The hosted side's operations: user pool domains, resource servers, the app client's OAuth
//! settings and hosted-UI customization, on both backends.

// Test code: a panic is how a failed expectation reports.

use aws_sdk_cognitoidentityprovider::primitives::Blob;
use aws_sdk_cognitoidentityprovider::types::{
    CustomDomainConfigType, DomainStatusType, OAuthFlowType, ResourceServerScopeType,
};
use cognate_testkit::{TestApp, backend_tests, failure};

backend_tests!(
    domain_lifecycle_and_describe_pool,
    domain_prefix_rules_and_uniqueness,
    custom_domain_is_described_with_its_certificate,
    custom_domain_refusals,
    resource_server_crud_and_errors,
    client_oauth_settings_are_validated,
    client_scopes_must_exist,
    ui_customization_needs_a_domain_and_falls_back_to_the_pool,
);

const CALLBACK: &str = "http://localhost:3000/callback";

async fn pool(app: &TestApp) -> String {
    app.pool_with_client().await.0
}

fn scope(name: &str) -> ResourceServerScopeType {
    ResourceServerScopeType::builder()
        .scope_name(name)
        .scope_description(format!("may {name}"))
        .build()
        .unwrap()
}

async fn resource_server(app: &TestApp, pool_id: &str, identifier: &str, scopes: &[&str]) {
    app.idp
        .create_resource_server()
        .user_pool_id(pool_id)
        .identifier(identifier)
        .name("orders api")
        .set_scopes(Some(scopes.iter().map(|s| scope(s)).collect()))
        .send()
        .await
        .unwrap();
}

async fn domain_lifecycle_and_describe_pool(app: TestApp) {
    let pool_id = pool(&app).await;
    app.idp
        .create_user_pool_domain()
        .user_pool_id(&pool_id)
        .domain("my-app-login")
        .send()
        .await
        .unwrap();
    let described = app
        .idp
        .describe_user_pool_domain()
        .domain("my-app-login")
        .send()
        .await
        .unwrap()
        .domain_description
        .unwrap();
    assert_eq!(described.user_pool_id.as_deref(), Some(pool_id.as_str()));
    assert_eq!(described.domain.as_deref(), Some("my-app-login"));
    assert_eq!(described.status, Some(DomainStatusType::Active));
    assert!(described.custom_domain_config.is_none());
    let user_pool = app
        .idp
        .describe_user_pool()
        .user_pool_id(&pool_id)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    assert_eq!(user_pool.domain.as_deref(), Some("my-app-login"));
    app.idp
        .delete_user_pool_domain()
        .user_pool_id(&pool_id)
        .domain("my-app-login")
        .send()
        .await
        .unwrap();
    let gone = app
        .idp
        .describe_user_pool_domain()
        .domain("my-app-login")
        .send()
        .await
        .unwrap()
        .domain_description
        .unwrap();
    assert_eq!(gone.domain, None, "AWS describes an unknown domain empty");
    let (code, message) = failure(
        app.idp
            .delete_user_pool_domain()
            .user_pool_id(&pool_id)
            .domain("my-app-login")
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(message, "No such domain or user pool exists.");
}

async fn domain_prefix_rules_and_uniqueness(app: TestApp) {
    let (a, b) = (pool(&app).await, pool(&app).await);
    let create = |pool_id: &str, domain: &str| {
        app.idp
            .create_user_pool_domain()
            .user_pool_id(pool_id)
            .domain(domain)
            .send()
    };
    create(&a, "shared-name").await.unwrap();
    let (code, message) = failure(create(&b, "shared-name").await);
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(message, "Domain already associated with another user pool.");
    let (code, message) = failure(create(&a, "second-name").await);
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(message, "User pool already has a domain configured.");
    for bad in [
        "my-cognito-app",
        "aws-login",
        "amazon1",
        "Upper",
        "under_score",
        "-lead",
    ] {
        let (code, _) = failure(create(&b, bad).await);
        assert_eq!(code, "InvalidParameterException", "{bad}");
    }
    let (code, _) = failure(create("us-east-1_nopenope1", "free-name").await);
    assert_eq!(code, "ResourceNotFoundException");
}

fn certificate(arn: &str) -> CustomDomainConfigType {
    CustomDomainConfigType::builder()
        .certificate_arn(arn)
        .build()
        .unwrap()
}

/// A custom domain is a fully-qualified name (the pinned model's pattern refuses dots; AWS takes
/// them): created with its certificate, described as AWS describes it, its certificate updated.
async fn custom_domain_is_described_with_its_certificate(app: TestApp) {
    let pool_id = pool(&app).await;
    let arn = "arn:aws:acm:us-east-1:123456789012:certificate/aaaa";
    let created = app
        .idp
        .create_user_pool_domain()
        .user_pool_id(&pool_id)
        .domain("auth.example.com")
        .custom_domain_config(certificate(arn))
        .send()
        .await
        .unwrap();
    let cloudfront = created.cloud_front_domain.unwrap();
    assert!(cloudfront.ends_with(".cloudfront.net"), "{cloudfront}");
    let described = app
        .idp
        .describe_user_pool_domain()
        .domain("auth.example.com")
        .send()
        .await
        .unwrap()
        .domain_description
        .unwrap();
    assert_eq!(described.domain.as_deref(), Some("auth.example.com"));
    assert_eq!(described.user_pool_id.as_deref(), Some(pool_id.as_str()));
    assert_eq!(described.status, Some(DomainStatusType::Active));
    assert_eq!(
        described.cloud_front_distribution.as_deref(),
        Some(cloudfront.as_str())
    );
    assert_eq!(
        described.custom_domain_config.map(|c| c.certificate_arn),
        Some(arn.to_string())
    );
    assert!(described.s3_bucket.is_some() && described.version.is_some());
    assert_eq!(described.aws_account_id.as_deref().map(str::len), Some(12));
    let new_arn = "arn:aws:acm:us-east-1:123456789012:certificate/bbbb";
    app.idp
        .update_user_pool_domain()
        .user_pool_id(&pool_id)
        .domain("auth.example.com")
        .custom_domain_config(certificate(new_arn))
        .send()
        .await
        .unwrap();
    let described = app
        .idp
        .describe_user_pool_domain()
        .domain("auth.example.com")
        .send()
        .await
        .unwrap()
        .domain_description
        .unwrap();
    assert_eq!(
        described.custom_domain_config.map(|c| c.certificate_arn),
        Some(new_arn.to_string())
    );
    // A pool has one custom domain and one prefix domain.
    app.idp
        .create_user_pool_domain()
        .user_pool_id(&pool_id)
        .domain("my-prefix")
        .send()
        .await
        .unwrap();
    let user_pool = app
        .idp
        .describe_user_pool()
        .user_pool_id(&pool_id)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    assert_eq!(user_pool.custom_domain.as_deref(), Some("auth.example.com"));
    assert_eq!(user_pool.domain.as_deref(), Some("my-prefix"));
    app.idp
        .delete_user_pool_domain()
        .user_pool_id(&pool_id)
        .domain("auth.example.com")
        .send()
        .await
        .unwrap();
}

/// What AWS refuses around custom domains: a dotted name without a certificate (a prefix keeps
/// the prefix rule), a certificate CloudFront cannot use, a certificate for a prefix domain.
async fn custom_domain_refusals(app: TestApp) {
    let pool_id = pool(&app).await;
    let (code, message) = failure(
        app.idp
            .create_user_pool_domain()
            .user_pool_id(&pool_id)
            .domain("auth.example.com")
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
    assert!(
        message.starts_with("The domain name contains an invalid character."),
        "{message}"
    );
    for arn in [
        "arn:aws:acm:eu-west-1:123456789012:certificate/aaaa",
        "arn:aws:iam::123456789012:server-certificate/aaaa",
    ] {
        let (code, message) = failure(
            app.idp
                .create_user_pool_domain()
                .user_pool_id(&pool_id)
                .domain("auth.example.com")
                .custom_domain_config(certificate(arn))
                .send()
                .await,
        );
        assert_eq!(code, "InvalidParameterException", "{arn}");
        assert!(message.contains("isn't in us-east-1 region"), "{message}");
    }
    let (code, _) = failure(
        app.idp
            .create_user_pool_domain()
            .user_pool_id(&pool_id)
            .domain("Auth.Example.com")
            .custom_domain_config(certificate(
                "arn:aws:acm:us-east-1:123456789012:certificate/aaaa",
            ))
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
    app.idp
        .create_user_pool_domain()
        .user_pool_id(&pool_id)
        .domain("plain-prefix")
        .send()
        .await
        .unwrap();
    let (code, message) = failure(
        app.idp
            .update_user_pool_domain()
            .user_pool_id(&pool_id)
            .domain("plain-prefix")
            .custom_domain_config(certificate(
                "arn:aws:acm:us-east-1:123456789012:certificate/aaaa",
            ))
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(
        message,
        "User pool should have a custom domain associated, failed to update the certificate."
    );
}

async fn resource_server_crud_and_errors(app: TestApp) {
    let pool_id = pool(&app).await;
    resource_server(
        &app,
        &pool_id,
        "https://api.example.com",
        &["read", "write"],
    )
    .await;
    let described = app
        .idp
        .describe_resource_server()
        .user_pool_id(&pool_id)
        .identifier("https://api.example.com")
        .send()
        .await
        .unwrap()
        .resource_server
        .unwrap();
    assert_eq!(described.name.as_deref(), Some("orders api"));
    assert_eq!(described.scopes.unwrap().len(), 2);
    let (code, _) = failure(
        app.idp
            .create_resource_server()
            .user_pool_id(&pool_id)
            .identifier("https://api.example.com")
            .name("again")
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
    resource_server(&app, &pool_id, "b-api", &[]).await;
    let first = app
        .idp
        .list_resource_servers()
        .user_pool_id(&pool_id)
        .max_results(1)
        .send()
        .await
        .unwrap();
    assert_eq!(first.resource_servers.len(), 1);
    let rest = app
        .idp
        .list_resource_servers()
        .user_pool_id(&pool_id)
        .max_results(1)
        .set_next_token(first.next_token)
        .send()
        .await
        .unwrap();
    assert_eq!(rest.resource_servers.len(), 1);
    assert_ne!(
        first.resource_servers[0].identifier,
        rest.resource_servers[0].identifier
    );
    let updated = app
        .idp
        .update_resource_server()
        .user_pool_id(&pool_id)
        .identifier("b-api")
        .name("B")
        .scopes(scope("admin"))
        .send()
        .await
        .unwrap()
        .resource_server
        .unwrap();
    assert_eq!(updated.name.as_deref(), Some("B"));
    for result in [
        failure(
            app.idp
                .describe_resource_server()
                .user_pool_id(&pool_id)
                .identifier("nope")
                .send()
                .await,
        ),
        failure(
            app.idp
                .update_resource_server()
                .user_pool_id(&pool_id)
                .identifier("nope")
                .name("x")
                .send()
                .await,
        ),
        failure(
            app.idp
                .delete_resource_server()
                .user_pool_id(&pool_id)
                .identifier("nope")
                .send()
                .await,
        ),
    ] {
        assert_eq!(result.0, "ResourceNotFoundException");
    }
    app.idp
        .delete_resource_server()
        .user_pool_id(&pool_id)
        .identifier("b-api")
        .send()
        .await
        .unwrap();
}

async fn client_oauth_settings_are_validated(app: TestApp) {
    let pool_id = pool(&app).await;
    resource_server(&app, &pool_id, "rs", &["read"]).await;
    let client = || {
        app.idp
            .create_user_pool_client()
            .user_pool_id(&pool_id)
            .client_name("web")
            .allowed_o_auth_flows_user_pool_client(true)
    };
    let (code, _) = failure(
        client()
            .allowed_o_auth_flows(OAuthFlowType::Code)
            .allowed_o_auth_scopes("openid")
            .send()
            .await,
    );
    assert_eq!(
        code, "InvalidOAuthFlowException",
        "code without CallbackURLs"
    );
    let (code, _) = failure(
        client()
            .allowed_o_auth_flows(OAuthFlowType::ClientCredentials)
            .allowed_o_auth_scopes("rs/read")
            .send()
            .await,
    );
    assert_eq!(
        code, "InvalidOAuthFlowException",
        "client_credentials without a secret"
    );
    let (code, _) = failure(
        client()
            .generate_secret(true)
            .allowed_o_auth_flows(OAuthFlowType::ClientCredentials)
            .allowed_o_auth_flows(OAuthFlowType::Code)
            .allowed_o_auth_scopes("rs/read")
            .callback_urls(CALLBACK)
            .send()
            .await,
    );
    assert_eq!(
        code, "InvalidOAuthFlowException",
        "client_credentials with code"
    );
    for (url, what) in [
        ("http://app.example.com/cb", "http off localhost"),
        ("https://app.example.com/cb#x", "a fragment"),
    ] {
        let (code, _) = failure(
            client()
                .allowed_o_auth_flows(OAuthFlowType::Code)
                .allowed_o_auth_scopes("openid")
                .callback_urls(url)
                .send()
                .await,
        );
        assert_eq!(code, "InvalidParameterException", "{what}");
    }
    let (code, _) = failure(
        client()
            .allowed_o_auth_flows(OAuthFlowType::Code)
            .allowed_o_auth_scopes("openid")
            .callback_urls(CALLBACK)
            .default_redirect_uri("https://elsewhere.example.com/cb")
            .send()
            .await,
    );
    assert_eq!(
        code, "InvalidParameterException",
        "DefaultRedirectURI not a callback"
    );
    let (code, _) = failure(
        client()
            .allowed_o_auth_flows(OAuthFlowType::Code)
            .allowed_o_auth_scopes("openid")
            .callback_urls(CALLBACK)
            .supported_identity_providers("Google")
            .send()
            .await,
    );
    assert_eq!(
        code, "InvalidParameterException",
        "unknown identity provider"
    );
    let made = client()
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .callback_urls(CALLBACK)
        .default_redirect_uri(CALLBACK)
        .supported_identity_providers("COGNITO")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(made.allowed_o_auth_flows_user_pool_client, Some(true));
    assert_eq!(made.callback_urls, Some(vec![CALLBACK.to_string()]));
    let (code, _) = failure(
        app.idp
            .update_user_pool_client()
            .user_pool_id(&pool_id)
            .client_id(made.client_id.unwrap())
            .allowed_o_auth_flows_user_pool_client(true)
            .allowed_o_auth_flows(OAuthFlowType::Implicit)
            .allowed_o_auth_scopes("openid")
            .send()
            .await,
    );
    assert_eq!(
        code, "InvalidOAuthFlowException",
        "update checks the same rules"
    );
}

async fn client_scopes_must_exist(app: TestApp) {
    let pool_id = pool(&app).await;
    let client = |scopes: &[&str]| {
        app.idp
            .create_user_pool_client()
            .user_pool_id(&pool_id)
            .client_name("web")
            .allowed_o_auth_flows_user_pool_client(true)
            .allowed_o_auth_flows(OAuthFlowType::Code)
            .callback_urls(CALLBACK)
            .set_allowed_o_auth_scopes(Some(scopes.iter().map(|s| s.to_string()).collect()))
            .send()
    };
    let (code, _) = failure(client(&["openid", "rs/read"]).await);
    assert_eq!(code, "ScopeDoesNotExistException");
    resource_server(&app, &pool_id, "rs", &["read"]).await;
    let (code, _) = failure(client(&["openid", "rs/write"]).await);
    assert_eq!(code, "ScopeDoesNotExistException");
    let made = client(&["openid", "email", "phone", "profile", "rs/read"])
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(made.allowed_o_auth_scopes.map(|s| s.len()), Some(5));
}

async fn ui_customization_needs_a_domain_and_falls_back_to_the_pool(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    let (code, _) = failure(
        app.idp
            .set_ui_customization()
            .user_pool_id(&pool_id)
            .css(".banner-customizable { background: #123456; }")
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException", "no domain yet");
    app.idp
        .create_user_pool_domain()
        .user_pool_id(&pool_id)
        .domain("ui-test")
        .send()
        .await
        .unwrap();
    let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0];
    let set = app
        .idp
        .set_ui_customization()
        .user_pool_id(&pool_id)
        .css(".banner-customizable { background: #123456; }")
        .image_file(Blob::new(png.to_vec()))
        .send()
        .await
        .unwrap()
        .ui_customization
        .unwrap();
    assert_eq!(set.client_id.as_deref(), Some("ALL"));
    assert!(set.image_url.is_some(), "a logo URL");
    let for_client = app
        .idp
        .get_ui_customization()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .send()
        .await
        .unwrap()
        .ui_customization
        .unwrap();
    assert_eq!(
        for_client.css, set.css,
        "the pool-wide customization applies"
    );
    let (code, _) = failure(
        app.idp
            .set_ui_customization()
            .user_pool_id(&pool_id)
            .image_file(Blob::new(b"GIF89a".to_vec()))
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException", "not a PNG or JPEG");
}
