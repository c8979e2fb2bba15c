//! Identities and their credentials: GetId (unauthenticated and with user-pool logins, both
//! provider forms), the binding of identities to logins, refused tokens, credentials and role
//! mapping, OpenID tokens, listing, unlinking and deleting identities, on both backends.

use std::collections::HashMap;

use cognate_testkit::identity::types::{
    AmbiguousRoleResolutionType, MappingRule, MappingRuleMatchType, RoleMapping, RoleMappingType,
    RulesConfigurationType,
};
use cognate_testkit::{PASSWORD, TestApp, backend_tests, failure};

use crate::auth::{claims, sign_in};
use crate::identity_pools::{
    AUTH_ROLE, GROUP_ROLE, UNAUTH_ROLE, identity_pool, provider, provider_name,
};

backend_tests!(
    unauthenticated_identities_get_credentials,
    unauthenticated_access_refused_when_disabled,
    one_user_one_identity,
    cognate_issuer_form_is_accepted,
    tampered_and_foreign_tokens_are_refused,
    credentials_are_bound_to_the_identity_logins,
    expired_tokens_are_refused,
    rules_mapping_picks_or_denies,
    open_id_token_names_pool_and_identity,
    list_describe_unlink_delete_identities,
    server_side_token_check_refuses_signed_out_users,
);

/// A user pool + client + signed-in user linked to a new identity pool with roles.
pub struct Linked {
    pub user_pool: String,
    pub client: String,
    pub pool: String,
    pub id_token: String,
}

pub async fn linked(app: &TestApp, allow_unauthenticated: bool) -> Linked {
    let (user_pool, client) = app.pool_with_client().await;
    app.confirmed_user(&user_pool, "alice", PASSWORD).await;
    let id_token = sign_in(app, &client, "alice", PASSWORD)
        .await
        .id_token
        .unwrap();
    let pool = identity_pool(
        app,
        allow_unauthenticated,
        vec![provider(&user_pool, &client)],
    )
    .await;
    set_roles(app, &pool).await;
    Linked {
        user_pool,
        client,
        pool,
        id_token,
    }
}

pub async fn set_roles(app: &TestApp, pool: &str) {
    app.identity
        .set_identity_pool_roles()
        .identity_pool_id(pool)
        .roles("authenticated", AUTH_ROLE)
        .roles("unauthenticated", UNAUTH_ROLE)
        .send()
        .await
        .unwrap();
}

pub async fn get_id_with(app: &TestApp, pool: &str, provider: &str, token: &str) -> String {
    app.identity
        .get_id()
        .identity_pool_id(pool)
        .logins(provider, token)
        .send()
        .await
        .unwrap()
        .identity_id
        .unwrap()
}

async fn unauthenticated_identities_get_credentials(app: TestApp) {
    let pool = identity_pool(&app, true, vec![]).await;
    // No roles yet: credentials cannot be minted.
    let id = app
        .identity
        .get_id()
        .identity_pool_id(&pool)
        .send()
        .await
        .unwrap()
        .identity_id
        .unwrap();
    assert!(id.starts_with("us-east-1:"));
    let (code, _) = failure(
        app.identity
            .get_credentials_for_identity()
            .identity_id(&id)
            .send()
            .await,
    );
    assert_eq!(code, "InvalidIdentityPoolConfigurationException");

    set_roles(&app, &pool).await;
    let out = app
        .identity
        .get_credentials_for_identity()
        .identity_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(out.identity_id.as_deref(), Some(id.as_str()));
    let credentials = out.credentials.unwrap();
    let key = credentials.access_key_id.unwrap();
    assert_eq!(key.len(), 20);
    assert!(key.starts_with("ASIA"));
    assert!(
        key.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    );
    assert_eq!(credentials.secret_key.unwrap().len(), 40);
    assert!(!credentials.session_token.unwrap().is_empty());
    let expiration = credentials.expiration.unwrap().secs();
    let now = cognate_domain::Clock::now(&*app.clock).secs();
    assert!(
        (now + 3590..=now + 3610).contains(&expiration),
        "{expiration} vs {now}"
    );

    // Each call mints new credentials.
    let again = app
        .identity
        .get_credentials_for_identity()
        .identity_id(&id)
        .send()
        .await
        .unwrap();
    assert_ne!(again.credentials.unwrap().access_key_id.unwrap(), key);

    // Unknown identities are not found.
    let (code, _) = failure(
        app.identity
            .get_credentials_for_identity()
            .identity_id("us-east-1:00000000-0000-4000-8000-000000000001")
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
}

async fn unauthenticated_access_refused_when_disabled(app: TestApp) {
    let linked = linked(&app, false).await;
    let (code, message) = failure(
        app.identity
            .get_id()
            .identity_pool_id(&linked.pool)
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
    assert_eq!(
        message,
        "Unauthenticated access is not supported for this identity pool."
    );
    // An authenticated identity's credentials need its login.
    let id = get_id_with(
        &app,
        &linked.pool,
        &provider_name(&linked.user_pool),
        &linked.id_token,
    )
    .await;
    let (code, _) = failure(
        app.identity
            .get_credentials_for_identity()
            .identity_id(&id)
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
    let (code, _) = failure(
        app.identity
            .get_open_id_token()
            .identity_id(&id)
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
}

async fn one_user_one_identity(app: TestApp) {
    let linked = linked(&app, true).await;
    let name = provider_name(&linked.user_pool);
    let first = get_id_with(&app, &linked.pool, &name, &linked.id_token).await;
    let token_again = sign_in(&app, &linked.client, "alice", PASSWORD)
        .await
        .id_token
        .unwrap();
    assert_eq!(
        get_id_with(&app, &linked.pool, &name, &token_again).await,
        first,
        "the same user maps to the same identity"
    );
    app.confirmed_user(&linked.user_pool, "bob", PASSWORD).await;
    let bob = sign_in(&app, &linked.client, "bob", PASSWORD)
        .await
        .id_token
        .unwrap();
    let bob_id = get_id_with(&app, &linked.pool, &name, &bob).await;
    assert_ne!(bob_id, first, "two users never share an identity");

    // Concurrent first logins of one user still give one identity.
    app.confirmed_user(&linked.user_pool, "carol", PASSWORD)
        .await;
    let carol = sign_in(&app, &linked.client, "carol", PASSWORD)
        .await
        .id_token
        .unwrap();
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let client = app.identity.clone();
            let (pool, name, carol) = (linked.pool.clone(), name.clone(), carol.clone());
            tokio::spawn(async move {
                client
                    .get_id()
                    .identity_pool_id(pool)
                    .logins(name, carol)
                    .send()
                    .await
                    .unwrap()
                    .identity_id
                    .unwrap()
            })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap());
    }
    assert!(ids.windows(2).all(|w| w[0] == w[1]), "{ids:?}");
}

async fn cognate_issuer_form_is_accepted(app: TestApp) {
    let linked = linked(&app, false).await;
    let iss = claims(&linked.id_token)["iss"]
        .as_str()
        .unwrap()
        .to_string();
    let own_form = iss.trim_start_matches("http://").to_string();
    let aws_form = provider_name(&linked.user_pool);
    let by_aws = get_id_with(&app, &linked.pool, &aws_form, &linked.id_token).await;
    let by_own = get_id_with(&app, &linked.pool, &own_form, &linked.id_token).await;
    assert_eq!(by_aws, by_own, "both provider forms name one login");
    app.identity
        .get_credentials_for_identity()
        .identity_id(&by_aws)
        .logins(&own_form, &linked.id_token)
        .send()
        .await
        .unwrap();
}

async fn tampered_and_foreign_tokens_are_refused(app: TestApp) {
    let linked = linked(&app, true).await;
    let name = provider_name(&linked.user_pool);
    let mut parts: Vec<String> = linked.id_token.split('.').map(str::to_string).collect();
    let tampered_signature = format!(
        "{}.{}.{}AAAAAA",
        parts[0],
        parts[1],
        &parts[2][..parts[2].len() - 6]
    );
    // A payload edited to claim another subject, signature kept.
    let mut forged_claims = claims(&linked.id_token);
    forged_claims["sub"] = serde_json::json!("00000000-0000-4000-8000-000000000000");
    use base64::Engine as _;
    parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(&forged_claims).unwrap());
    let forged_payload = parts.join(".");
    for bad in ["not-a-jwt", &tampered_signature, &forged_payload] {
        let (code, _) = failure(
            app.identity
                .get_id()
                .identity_pool_id(&linked.pool)
                .logins(&name, bad)
                .send()
                .await,
        );
        assert_eq!(code, "NotAuthorizedException", "{bad}");
    }

    // A token of another pool's client (not listed in the identity pool).
    let other_client = app.client_for(&linked.user_pool).await;
    let foreign = sign_in(&app, &other_client, "alice", PASSWORD)
        .await
        .id_token
        .unwrap();
    let (code, _) = failure(
        app.identity
            .get_id()
            .identity_pool_id(&linked.pool)
            .logins(&name, &foreign)
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");

    // A token of another user pool, given under this pool's provider name or its own.
    let (other_pool, other_pool_client) = app.pool_with_client().await;
    app.confirmed_user(&other_pool, "mallory", PASSWORD).await;
    let mallory = sign_in(&app, &other_pool_client, "mallory", PASSWORD)
        .await
        .id_token
        .unwrap();
    for provider in [name.clone(), provider_name(&other_pool)] {
        let (code, _) = failure(
            app.identity
                .get_id()
                .identity_pool_id(&linked.pool)
                .logins(&provider, &mallory)
                .send()
                .await,
        );
        assert_eq!(code, "NotAuthorizedException", "{provider}");
    }

    // An access token is not an ID token.
    let access = sign_in(&app, &linked.client, "alice", PASSWORD)
        .await
        .access_token
        .unwrap();
    let (code, _) = failure(
        app.identity
            .get_id()
            .identity_pool_id(&linked.pool)
            .logins(&name, &access)
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
}

async fn credentials_are_bound_to_the_identity_logins(app: TestApp) {
    let linked = linked(&app, true).await;
    let name = provider_name(&linked.user_pool);
    let alice = get_id_with(&app, &linked.pool, &name, &linked.id_token).await;
    app.confirmed_user(&linked.user_pool, "bob", PASSWORD).await;
    let bob_token = sign_in(&app, &linked.client, "bob", PASSWORD)
        .await
        .id_token
        .unwrap();
    let _bob = get_id_with(&app, &linked.pool, &name, &bob_token).await;

    // Alice's identity with Alice's token: credentials.
    let out = app
        .identity
        .get_credentials_for_identity()
        .identity_id(&alice)
        .logins(&name, &linked.id_token)
        .send()
        .await
        .unwrap();
    assert!(out.credentials.unwrap().access_key_id.is_some());
    // Alice's identity with Bob's token: refused.
    let (code, _) = failure(
        app.identity
            .get_credentials_for_identity()
            .identity_id(&alice)
            .logins(&name, &bob_token)
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
    // Alice's identity without a login (as if unauthenticated): refused.
    let (code, _) = failure(
        app.identity
            .get_credentials_for_identity()
            .identity_id(&alice)
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
}

async fn expired_tokens_are_refused(app: TestApp) {
    let linked = linked(&app, true).await;
    let name = provider_name(&linked.user_pool);
    let id = get_id_with(&app, &linked.pool, &name, &linked.id_token).await;
    app.clock.advance_secs(3601);
    let (code, message) = failure(
        app.identity
            .get_credentials_for_identity()
            .identity_id(&id)
            .logins(&name, &linked.id_token)
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
    assert!(message.contains("expired"), "{message}");
}

fn rules_mapping(claim: &str, match_type: MappingRuleMatchType, value: &str) -> RoleMapping {
    RoleMapping::builder()
        .r#type(RoleMappingType::Rules)
        .ambiguous_role_resolution(AmbiguousRoleResolutionType::Deny)
        .rules_configuration(
            RulesConfigurationType::builder()
                .rules(
                    MappingRule::builder()
                        .claim(claim)
                        .match_type(match_type)
                        .value(value)
                        .role_arn(GROUP_ROLE)
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .build()
        .unwrap()
}

async fn rules_mapping_picks_or_denies(app: TestApp) {
    let linked = linked(&app, true).await;
    let name = provider_name(&linked.user_pool);
    let id = get_id_with(&app, &linked.pool, &name, &linked.id_token).await;
    let key = format!("{name}:{}", linked.client);
    let cases = [
        (
            MappingRuleMatchType::Equals,
            "cognito:username",
            "alice",
            true,
        ),
        (
            MappingRuleMatchType::Equals,
            "cognito:username",
            "bob",
            false,
        ),
        (MappingRuleMatchType::StartsWith, "email", "alice@", true),
        (MappingRuleMatchType::Contains, "email", "@example", true),
        (
            MappingRuleMatchType::NotEqual,
            "cognito:username",
            "bob",
            true,
        ),
        (
            MappingRuleMatchType::NotEqual,
            "cognito:username",
            "alice",
            false,
        ),
    ];
    for (match_type, claim, value, matches) in cases {
        app.identity
            .set_identity_pool_roles()
            .identity_pool_id(&linked.pool)
            .roles("authenticated", AUTH_ROLE)
            .role_mappings(&key, rules_mapping(claim, match_type.clone(), value))
            .send()
            .await
            .unwrap();
        let result = app
            .identity
            .get_credentials_for_identity()
            .identity_id(&id)
            .logins(&name, &linked.id_token)
            .send()
            .await;
        assert_eq!(result.is_ok(), matches, "{match_type:?} {claim} {value}");
        if !matches {
            assert_eq!(failure(result).0, "NotAuthorizedException");
        }
    }

    // AuthenticatedRole resolution falls back to the authenticated role instead of denying.
    let fallback = RoleMapping::builder()
        .r#type(RoleMappingType::Token)
        .ambiguous_role_resolution(AmbiguousRoleResolutionType::AuthenticatedRole)
        .build()
        .unwrap();
    app.identity
        .set_identity_pool_roles()
        .identity_pool_id(&linked.pool)
        .roles("authenticated", AUTH_ROLE)
        .role_mappings(&key, fallback)
        .send()
        .await
        .unwrap();
    app.identity
        .get_credentials_for_identity()
        .identity_id(&id)
        .logins(&name, &linked.id_token)
        .send()
        .await
        .unwrap();
    // Token type with Deny and no role claims: denied.
    let deny = RoleMapping::builder()
        .r#type(RoleMappingType::Token)
        .ambiguous_role_resolution(AmbiguousRoleResolutionType::Deny)
        .build()
        .unwrap();
    app.identity
        .set_identity_pool_roles()
        .identity_pool_id(&linked.pool)
        .roles("authenticated", AUTH_ROLE)
        .set_role_mappings(Some(HashMap::from([(key.clone(), deny)])))
        .send()
        .await
        .unwrap();
    let (code, _) = failure(
        app.identity
            .get_credentials_for_identity()
            .identity_id(&id)
            .logins(&name, &linked.id_token)
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
}

async fn open_id_token_names_pool_and_identity(app: TestApp) {
    let linked = linked(&app, true).await;
    let name = provider_name(&linked.user_pool);
    let guest = app
        .identity
        .get_id()
        .identity_pool_id(&linked.pool)
        .send()
        .await
        .unwrap()
        .identity_id
        .unwrap();
    let out = app
        .identity
        .get_open_id_token()
        .identity_id(&guest)
        .send()
        .await
        .unwrap();
    assert_eq!(out.identity_id.as_deref(), Some(guest.as_str()));
    let token = out.token.unwrap();
    let c = claims(&token);
    assert_eq!(c["sub"], guest.as_str());
    assert_eq!(c["aud"], linked.pool.as_str());
    assert_eq!(c["amr"][0], "unauthenticated");
    let iss = c["iss"].as_str().unwrap();
    assert_eq!(iss, format!("{}/cognito-identity", app.endpoint));

    let user = get_id_with(&app, &linked.pool, &name, &linked.id_token).await;
    let token = app
        .identity
        .get_open_id_token()
        .identity_id(&user)
        .logins(&name, &linked.id_token)
        .send()
        .await
        .unwrap()
        .token
        .unwrap();
    let c = claims(&token);
    assert_eq!(c["amr"][0], "authenticated");
    assert_eq!(c["amr"][1], name.as_str());

    // The signature verifies against the issuer's JWKS.
    let jwks: serde_json::Value = app
        .http
        .get(format!("{iss}/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let header: serde_json::Value = {
        use base64::Engine as _;
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token.split('.').next().unwrap())
            .unwrap();
        serde_json::from_slice(&raw).unwrap()
    };
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .expect("the token's kid is in the JWKS");
    let jwk: cognate_crypto::Jwk = serde_json::from_value(jwk.clone()).unwrap();
    let key = cognate_crypto::PublicKey::from_jwk(&jwk).unwrap();
    cognate_crypto::jwt::verify(&token, |_| Some(key.clone())).expect("signature verifies");
}

async fn list_describe_unlink_delete_identities(app: TestApp) {
    let linked = linked(&app, true).await;
    let name = provider_name(&linked.user_pool);
    let user = get_id_with(&app, &linked.pool, &name, &linked.id_token).await;
    let guest = app
        .identity
        .get_id()
        .identity_pool_id(&linked.pool)
        .send()
        .await
        .unwrap()
        .identity_id
        .unwrap();
    let listed = app
        .identity
        .list_identities()
        .identity_pool_id(&linked.pool)
        .max_results(60)
        .send()
        .await
        .unwrap();
    assert_eq!(
        listed.identity_pool_id.as_deref(),
        Some(linked.pool.as_str())
    );
    let identities: HashMap<String, Vec<String>> = listed
        .identities
        .unwrap()
        .into_iter()
        .map(|i| (i.identity_id.unwrap(), i.logins.unwrap_or_default()))
        .collect();
    assert_eq!(identities.len(), 2);
    assert_eq!(identities[&user], vec![name.clone()]);
    assert!(identities[&guest].is_empty());

    // Paging: one per page.
    let first = app
        .identity
        .list_identities()
        .identity_pool_id(&linked.pool)
        .max_results(1)
        .send()
        .await
        .unwrap();
    let second = app
        .identity
        .list_identities()
        .identity_pool_id(&linked.pool)
        .max_results(1)
        .set_next_token(first.next_token.clone())
        .send()
        .await
        .unwrap();
    assert!(first.next_token.is_some());
    assert_ne!(
        first.identities.unwrap()[0].identity_id,
        second.identities.unwrap()[0].identity_id
    );

    let described = app
        .identity
        .describe_identity()
        .identity_id(&user)
        .send()
        .await
        .unwrap();
    assert_eq!(described.logins, Some(vec![name.clone()]));
    assert!(described.creation_date.is_some());

    // Unlinking the login: the identity keeps its id but no longer has the login, and the
    // user's next GetId makes a new identity.
    app.identity
        .unlink_identity()
        .identity_id(&user)
        .logins(&name, &linked.id_token)
        .logins_to_remove(&name)
        .send()
        .await
        .unwrap();
    let described = app
        .identity
        .describe_identity()
        .identity_id(&user)
        .send()
        .await
        .unwrap();
    assert!(described.logins.unwrap_or_default().is_empty());
    let fresh = get_id_with(&app, &linked.pool, &name, &linked.id_token).await;
    assert_ne!(fresh, user);

    app.identity
        .delete_identities()
        .identity_ids_to_delete(&guest)
        .identity_ids_to_delete("us-east-1:00000000-0000-4000-8000-000000000009")
        .send()
        .await
        .unwrap();
    let (code, _) = failure(
        app.identity
            .describe_identity()
            .identity_id(&guest)
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
}

async fn server_side_token_check_refuses_signed_out_users(app: TestApp) {
    let (user_pool, client) = app.pool_with_client().await;
    app.confirmed_user(&user_pool, "alice", PASSWORD).await;
    let id_token = sign_in(&app, &client, "alice", PASSWORD)
        .await
        .id_token
        .unwrap();
    let checked = cognate_testkit::identity::types::CognitoIdentityProvider::builder()
        .provider_name(provider_name(&user_pool))
        .client_id(&client)
        .server_side_token_check(true)
        .build();
    let pool = identity_pool(&app, false, vec![checked]).await;
    let name = provider_name(&user_pool);
    get_id_with(&app, &pool, &name, &id_token).await;
    app.clock.advance_secs(1);
    app.idp
        .admin_user_global_sign_out()
        .user_pool_id(&user_pool)
        .username("alice")
        .send()
        .await
        .unwrap();
    let (code, _) = failure(
        app.identity
            .get_id()
            .identity_pool_id(&pool)
            .logins(&name, &id_token)
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
}
