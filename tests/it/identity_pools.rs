//! Identity pools: create/describe/update/delete/list, roles and role mappings, principal tag
//! maps and tags, on both backends.

use std::collections::HashMap;

use cognate_testkit::identity::types::{
    AmbiguousRoleResolutionType, CognitoIdentityProvider, MappingRule, MappingRuleMatchType,
    RoleMapping, RoleMappingType, RulesConfigurationType,
};
use cognate_testkit::{TestApp, backend_tests, failure};

backend_tests!(
    create_describe_update_delete,
    list_pages_through_every_pool,
    roles_and_mappings_round_trip,
    invalid_role_settings_are_refused,
    tags_by_arn,
    principal_tag_maps_round_trip,
    unknown_pools_are_not_found,
);

pub const AUTH_ROLE: &str = "arn:aws:iam::123456789012:role/auth";
pub const UNAUTH_ROLE: &str = "arn:aws:iam::123456789012:role/unauth";
pub const GROUP_ROLE: &str = "arn:aws:iam::123456789012:role/group";

/// `cognito-idp.us-east-1.amazonaws.com/<poolId>`.
pub fn provider_name(pool_id: &str) -> String {
    format!("cognito-idp.us-east-1.amazonaws.com/{pool_id}")
}

pub fn provider(pool_id: &str, client_id: &str) -> CognitoIdentityProvider {
    CognitoIdentityProvider::builder()
        .provider_name(provider_name(pool_id))
        .client_id(client_id)
        .server_side_token_check(false)
        .build()
}

/// An identity pool accepting `providers`; its id.
pub async fn identity_pool(
    app: &TestApp,
    allow_unauthenticated: bool,
    providers: Vec<CognitoIdentityProvider>,
) -> String {
    app.identity
        .create_identity_pool()
        .identity_pool_name("pool")
        .allow_unauthenticated_identities(allow_unauthenticated)
        .set_cognito_identity_providers(Some(providers))
        .send()
        .await
        .unwrap()
        .identity_pool_id
}

fn arn(pool_id: &str) -> String {
    format!("arn:aws:cognito-identity:us-east-1:123456789012:identitypool/{pool_id}")
}

async fn create_describe_update_delete(app: TestApp) {
    let (user_pool, client) = app.pool_with_client().await;
    let created = app
        .identity
        .create_identity_pool()
        .identity_pool_name("acceptance")
        .allow_unauthenticated_identities(true)
        .identity_pool_tags("team", "a")
        .cognito_identity_providers(provider(&user_pool, &client))
        .send()
        .await
        .unwrap();
    let id = created.identity_pool_id.clone();
    let (region, uuid) = id.split_once(':').unwrap();
    assert_eq!(region, "us-east-1");
    assert!(uuid::Uuid::parse_str(uuid).is_ok(), "{id}");
    assert!(created.allow_unauthenticated_identities);

    let described = app
        .identity
        .describe_identity_pool()
        .identity_pool_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(described.identity_pool_name, "acceptance");
    let providers = described.cognito_identity_providers.unwrap();
    assert_eq!(providers.len(), 1);
    assert_eq!(
        providers[0].provider_name.as_deref(),
        Some(provider_name(&user_pool).as_str())
    );
    assert_eq!(providers[0].client_id.as_deref(), Some(client.as_str()));
    assert_eq!(
        described.identity_pool_tags,
        Some(HashMap::from([("team".to_string(), "a".to_string())]))
    );

    let updated = app
        .identity
        .update_identity_pool()
        .identity_pool_id(&id)
        .identity_pool_name("renamed")
        .allow_unauthenticated_identities(false)
        .developer_provider_name("login.acceptance")
        .send()
        .await
        .unwrap();
    assert_eq!(updated.identity_pool_name, "renamed");
    let described = app
        .identity
        .describe_identity_pool()
        .identity_pool_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(described.identity_pool_name, "renamed");
    assert!(!described.allow_unauthenticated_identities);
    assert_eq!(
        described.developer_provider_name.as_deref(),
        Some("login.acceptance")
    );
    // The update replaced the configuration: the providers left out are gone.
    assert!(
        described
            .cognito_identity_providers
            .unwrap_or_default()
            .is_empty()
    );

    app.identity
        .delete_identity_pool()
        .identity_pool_id(&id)
        .send()
        .await
        .unwrap();
    let (code, message) = failure(
        app.identity
            .describe_identity_pool()
            .identity_pool_id(&id)
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
    assert_eq!(message, format!("IdentityPool '{id}' not found."));
    let (code, _) = failure(
        app.identity
            .delete_identity_pool()
            .identity_pool_id(&id)
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
}

async fn list_pages_through_every_pool(app: TestApp) {
    let mut mine = Vec::new();
    for _ in 0..5 {
        mine.push(identity_pool(&app, true, vec![]).await);
    }
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = app
            .identity
            .list_identity_pools()
            .max_results(2)
            .set_next_token(token.clone())
            .send()
            .await
            .unwrap();
        let pools = page.identity_pools.unwrap_or_default();
        assert!(pools.len() <= 2);
        seen.extend(pools.into_iter().map(|p| p.identity_pool_id.unwrap()));
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    mine.sort();
    assert_eq!(seen, mine, "every pool once, in id order");

    let (code, _) = failure(
        app.identity
            .list_identity_pools()
            .max_results(2)
            .next_token("forged")
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
}

async fn roles_and_mappings_round_trip(app: TestApp) {
    let (user_pool, c1) = app.pool_with_client().await;
    let c2 = app.client_for(&user_pool).await;
    let id = identity_pool(
        &app,
        true,
        vec![provider(&user_pool, &c1), provider(&user_pool, &c2)],
    )
    .await;
    let token_mapping = RoleMapping::builder()
        .r#type(RoleMappingType::Token)
        .ambiguous_role_resolution(AmbiguousRoleResolutionType::AuthenticatedRole)
        .build()
        .unwrap();
    let rules_mapping = RoleMapping::builder()
        .r#type(RoleMappingType::Rules)
        .ambiguous_role_resolution(AmbiguousRoleResolutionType::Deny)
        .rules_configuration(
            RulesConfigurationType::builder()
                .rules(
                    MappingRule::builder()
                        .claim("custom:tenant")
                        .match_type(MappingRuleMatchType::Equals)
                        .value("acme")
                        .role_arn(GROUP_ROLE)
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    let mappings = HashMap::from([
        (format!("{}:{c1}", provider_name(&user_pool)), token_mapping),
        (format!("{}:{c2}", provider_name(&user_pool)), rules_mapping),
    ]);
    app.identity
        .set_identity_pool_roles()
        .identity_pool_id(&id)
        .roles("authenticated", AUTH_ROLE)
        .roles("unauthenticated", UNAUTH_ROLE)
        .set_role_mappings(Some(mappings.clone()))
        .send()
        .await
        .unwrap();
    let got = app
        .identity
        .get_identity_pool_roles()
        .identity_pool_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(got.identity_pool_id.as_deref(), Some(id.as_str()));
    assert_eq!(
        got.roles,
        Some(HashMap::from([
            ("authenticated".to_string(), AUTH_ROLE.to_string()),
            ("unauthenticated".to_string(), UNAUTH_ROLE.to_string()),
        ]))
    );
    assert_eq!(got.role_mappings, Some(mappings));

    // Setting roles again replaces them, mappings included.
    app.identity
        .set_identity_pool_roles()
        .identity_pool_id(&id)
        .roles("authenticated", AUTH_ROLE)
        .send()
        .await
        .unwrap();
    let got = app
        .identity
        .get_identity_pool_roles()
        .identity_pool_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(got.roles.unwrap().len(), 1);
    assert_eq!(got.role_mappings, None);
}

async fn invalid_role_settings_are_refused(app: TestApp) {
    let (user_pool, client) = app.pool_with_client().await;
    let id = identity_pool(&app, true, vec![provider(&user_pool, &client)]).await;
    let (code, _) = failure(
        app.identity
            .set_identity_pool_roles()
            .identity_pool_id(&id)
            .roles("admin", AUTH_ROLE)
            .send()
            .await,
    );
    // A role key outside the model's pattern: cognito-identity's model-constraint error.
    assert_eq!(code, "ValidationException");
    let no_rules = RoleMapping::builder()
        .r#type(RoleMappingType::Rules)
        .ambiguous_role_resolution(AmbiguousRoleResolutionType::Deny)
        .build()
        .unwrap();
    let (code, _) = failure(
        app.identity
            .set_identity_pool_roles()
            .identity_pool_id(&id)
            .roles("authenticated", AUTH_ROLE)
            .role_mappings(format!("{}:{client}", provider_name(&user_pool)), no_rules)
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
    let (code, _) = failure(
        app.identity
            .create_identity_pool()
            .identity_pool_name("bad")
            .allow_unauthenticated_identities(true)
            .cognito_identity_providers(
                CognitoIdentityProvider::builder()
                    .provider_name("evil.example/us-east-1_abc")
                    .client_id(&client)
                    .build(),
            )
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
}

async fn tags_by_arn(app: TestApp) {
    let id = identity_pool(&app, true, vec![]).await;
    app.identity
        .tag_resource()
        .resource_arn(arn(&id))
        .tags("a", "1")
        .tags("b", "2")
        .send()
        .await
        .unwrap();
    app.identity
        .untag_resource()
        .resource_arn(arn(&id))
        .tag_keys("a")
        .send()
        .await
        .unwrap();
    let tags = app
        .identity
        .list_tags_for_resource()
        .resource_arn(arn(&id))
        .send()
        .await
        .unwrap()
        .tags
        .unwrap();
    assert_eq!(tags, HashMap::from([("b".to_string(), "2".to_string())]));
    let missing = arn("us-east-1:00000000-0000-4000-8000-000000000000");
    let (code, _) = failure(
        app.identity
            .list_tags_for_resource()
            .resource_arn(missing)
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
}

async fn principal_tag_maps_round_trip(app: TestApp) {
    let (user_pool, client) = app.pool_with_client().await;
    let id = identity_pool(&app, true, vec![provider(&user_pool, &client)]).await;
    let set = app
        .identity
        .set_principal_tag_attribute_map()
        .identity_pool_id(&id)
        .identity_provider_name(provider_name(&user_pool))
        .principal_tags("user", "sub")
        .use_defaults(false)
        .send()
        .await
        .unwrap();
    assert_eq!(set.use_defaults, Some(false));
    let got = app
        .identity
        .get_principal_tag_attribute_map()
        .identity_pool_id(&id)
        .identity_provider_name(provider_name(&user_pool))
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.principal_tags,
        Some(HashMap::from([("user".to_string(), "sub".to_string())]))
    );
}

async fn unknown_pools_are_not_found(app: TestApp) {
    let missing = "us-east-1:00000000-0000-4000-8000-000000000000";
    let (code, _) = failure(
        app.identity
            .describe_identity_pool()
            .identity_pool_id(missing)
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
    let (code, _) = failure(app.identity.get_id().identity_pool_id(missing).send().await);
    assert_eq!(code, "ResourceNotFoundException");
    let (code, _) = failure(
        app.identity
            .get_identity_pool_roles()
            .identity_pool_id(missing)
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
}
