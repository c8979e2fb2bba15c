//! App clients through the AWS SDK for Rust, on both backends.

use aws_sdk_cognitoidentityprovider::types::{
    ExplicitAuthFlowsType, OAuthFlowType, PreventUserExistenceErrorTypes, TimeUnitsType,
    TokenValidityUnitsType,
};
use cognate_testkit::{TestApp, backend_tests};

backend_tests!(
    create_without_secret_has_aws_defaults,
    secrets_are_distinct_and_described,
    token_validity_units_and_bounds,
    oauth_settings_are_echoed,
    update_and_delete,
    list_pages_clients,
    bad_flows_are_refused,
    client_secret_rotation,
);

async fn pool(app: &TestApp) -> String {
    app.idp
        .create_user_pool()
        .pool_name("c")
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap()
}

async fn create_without_secret_has_aws_defaults(app: TestApp) {
    let pool_id = pool(&app).await;
    let client = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("web")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let id = client.client_id().unwrap();
    assert_eq!(id.len(), 26);
    assert!(
        id.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    );
    assert_eq!(client.client_secret(), None);
    assert_eq!(client.refresh_token_validity(), 30);
    assert_eq!(client.enable_token_revocation(), Some(true));
    assert_eq!(
        client.prevent_user_existence_errors(),
        Some(&PreventUserExistenceErrorTypes::Legacy)
    );
    assert_eq!(client.user_pool_id(), Some(pool_id.as_str()));
    let mut flows: Vec<&str> = client
        .explicit_auth_flows()
        .iter()
        .map(|f| f.as_str())
        .collect();
    flows.sort_unstable();
    assert_eq!(
        flows,
        [
            "ALLOW_CUSTOM_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
            "ALLOW_USER_SRP_AUTH"
        ]
    );
}

async fn secrets_are_distinct_and_described(app: TestApp) {
    let pool_id = pool(&app).await;
    let mut secrets = Vec::new();
    for _ in 0..2 {
        let client = app
            .idp
            .create_user_pool_client()
            .user_pool_id(&pool_id)
            .client_name("srv")
            .generate_secret(true)
            .send()
            .await
            .unwrap()
            .user_pool_client
            .unwrap();
        let secret = client.client_secret().unwrap().to_string();
        let described = app
            .idp
            .describe_user_pool_client()
            .user_pool_id(&pool_id)
            .client_id(client.client_id().unwrap())
            .send()
            .await
            .unwrap()
            .user_pool_client
            .unwrap();
        assert_eq!(described.client_secret(), Some(secret.as_str()));
        secrets.push(secret);
    }
    assert_ne!(secrets[0], secrets[1]);
}

async fn token_validity_units_and_bounds(app: TestApp) {
    let pool_id = pool(&app).await;
    let units = TokenValidityUnitsType::builder()
        .access_token(TimeUnitsType::Minutes)
        .id_token(TimeUnitsType::Hours)
        .refresh_token(TimeUnitsType::Days)
        .build();
    let client = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("v")
        .access_token_validity(30)
        .id_token_validity(2)
        .refresh_token_validity(5)
        .token_validity_units(units)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(client.access_token_validity(), Some(30));
    assert_eq!(client.id_token_validity(), Some(2));
    assert_eq!(client.refresh_token_validity(), 5);
    let units = client.token_validity_units().unwrap();
    assert_eq!(units.access_token(), Some(&TimeUnitsType::Minutes));
    assert_eq!(units.id_token(), Some(&TimeUnitsType::Hours));

    // Two days of access token is beyond AWS's one-day bound.
    let error = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("v")
        .access_token_validity(2)
        .token_validity_units(
            TokenValidityUnitsType::builder()
                .access_token(TimeUnitsType::Days)
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert!(error.into_service_error().is_invalid_parameter_exception());
}

async fn oauth_settings_are_echoed(app: TestApp) {
    let pool_id = pool(&app).await;
    let client = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("o")
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_flows_user_pool_client(true)
        .callback_urls("https://app.example.com/cb")
        .supported_identity_providers("COGNITO")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let described = app
        .idp
        .describe_user_pool_client()
        .user_pool_id(&pool_id)
        .client_id(client.client_id().unwrap())
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(described.allowed_o_auth_flows(), &[OAuthFlowType::Code]);
    assert_eq!(
        described.callback_urls(),
        &["https://app.example.com/cb".to_string()]
    );
    assert_eq!(
        described.allowed_o_auth_flows_user_pool_client(),
        Some(true)
    );
    assert_eq!(
        described.supported_identity_providers(),
        &["COGNITO".to_string()]
    );
}

async fn update_and_delete(app: TestApp) {
    let pool_id = pool(&app).await;
    let client_id = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("before")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let updated = app
        .idp
        .update_user_pool_client()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .client_name("after")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(updated.client_name(), Some("after"));
    assert_eq!(
        updated.explicit_auth_flows(),
        &[ExplicitAuthFlowsType::AllowUserPasswordAuth]
    );
    assert_eq!(
        updated.prevent_user_existence_errors(),
        Some(&PreventUserExistenceErrorTypes::Enabled)
    );
    app.idp
        .delete_user_pool_client()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .send()
        .await
        .unwrap();
    let error = app
        .idp
        .describe_user_pool_client()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .send()
        .await
        .unwrap_err();
    assert!(error.into_service_error().is_resource_not_found_exception());
}

async fn list_pages_clients(app: TestApp) {
    let pool_id = pool(&app).await;
    let mut created = Vec::new();
    for i in 0..3 {
        let client = app
            .idp
            .create_user_pool_client()
            .user_pool_id(&pool_id)
            .client_name(format!("c{i}"))
            .send()
            .await
            .unwrap();
        created.push(client.user_pool_client.unwrap().client_id.unwrap());
    }
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = app
            .idp
            .list_user_pool_clients()
            .user_pool_id(&pool_id)
            .max_results(2)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        assert!(page.user_pool_clients().len() <= 2);
        seen.extend(
            page.user_pool_clients()
                .iter()
                .map(|c| c.client_id().unwrap().to_string()),
        );
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    seen.sort();
    created.sort();
    assert_eq!(seen, created);
}

async fn bad_flows_are_refused(app: TestApp) {
    let pool_id = pool(&app).await;
    let error = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("mixed")
        .explicit_auth_flows(ExplicitAuthFlowsType::AdminNoSrpAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap_err();
    assert!(error.into_service_error().is_invalid_parameter_exception());
    let missing_pool = app
        .idp
        .create_user_pool_client()
        .user_pool_id("us-east-1_AAAAAAAAA")
        .client_name("x")
        .send()
        .await
        .unwrap_err();
    assert!(
        missing_pool
            .into_service_error()
            .is_resource_not_found_exception()
    );
}

async fn client_secret_rotation(app: TestApp) {
    let pool_id = pool(&app).await;
    let client = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("rot")
        .generate_secret(true)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let client_id = client.client_id().unwrap();
    let added = app
        .idp
        .add_user_pool_client_secret()
        .user_pool_id(&pool_id)
        .client_id(client_id)
        .send()
        .await
        .unwrap()
        .client_secret_descriptor
        .unwrap();
    assert!(added.client_secret_value().is_some_and(|v| !v.is_empty()));
    let listed = app
        .idp
        .list_user_pool_client_secrets()
        .user_pool_id(&pool_id)
        .client_id(client_id)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.client_secrets().len(), 2);
    let third = app
        .idp
        .add_user_pool_client_secret()
        .user_pool_id(&pool_id)
        .client_id(client_id)
        .send()
        .await
        .unwrap_err();
    assert!(third.into_service_error().is_invalid_parameter_exception());
    app.idp
        .delete_user_pool_client_secret()
        .user_pool_id(&pool_id)
        .client_id(client_id)
        .client_secret_id(added.client_secret_id().unwrap())
        .send()
        .await
        .unwrap();
    let listed = app
        .idp
        .list_user_pool_client_secrets()
        .user_pool_id(&pool_id)
        .client_id(client_id)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.client_secrets().len(), 1);
}
