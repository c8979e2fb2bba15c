//! External OpenID Connect providers configured in Cognate's config: tokens verified against a
//! stand-in provider's JWKS (served here, signed with keys the test holds), role mapping on
//! their claims, several logins linked to one identity, and disabled identities hidden from
//! ListIdentities. Both backends.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::State;
use axum::routing::get;
use cognate_crypto::{Jwk, SigningKey, jwt};
use cognate_testkit::identity::types::{
    AmbiguousRoleResolutionType, MappingRule, MappingRuleMatchType, RoleMapping, RoleMappingType,
    RulesConfigurationType,
};
use cognate_testkit::{Backend, PASSWORD, TestApp, failure};
use serde_json::{Value, json};

use crate::auth::sign_in;
use crate::identity_pools::{AUTH_ROLE, GROUP_ROLE, UNAUTH_ROLE, provider, provider_name};
use crate::identity_sts::client_for;

/// The audience the stand-in provider issues tokens to, and Cognate is configured to accept.
const CLIENT: &str = "my-app";

/// Like `backend_tests!`, with a stand-in provider started first and configured in the app.
macro_rules! oidc_tests {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let idp = super::FakeProvider::start().await;
                    let app = idp.spawn(cognate_testkit::Backend::Sqlite).await.expect("sqlite app");
                    super::$name(app, idp).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let idp = super::FakeProvider::start().await;
                    match idp.spawn(cognate_testkit::Backend::Postgres).await {
                        Some(app) => super::$name(app, idp).await,
                        None => eprintln!("TEST_DATABASE_URL unset: Postgres run skipped"),
                    }
                }
            }
        )+
    };
}

oidc_tests!(
    valid_tokens_buy_credentials_and_map_roles_on_claims,
    bad_tokens_are_refused,
    unknown_kids_refetch_the_jwks_boundedly,
    providers_must_be_listed_and_configured,
    several_logins_link_to_one_identity,
    unlinking_the_last_login_disables_the_identity,
);

/// An external OpenID Connect provider: an issuer, a JWKS endpoint and the keys behind it.
struct FakeProvider {
    issuer: String,
    key: SigningKey,
    published: Arc<Mutex<Vec<Jwk>>>,
    fetches: Arc<AtomicUsize>,
}

#[derive(Clone)]
struct Jwks {
    published: Arc<Mutex<Vec<Jwk>>>,
    fetches: Arc<AtomicUsize>,
}

async fn serve_jwks(State(jwks): State<Jwks>) -> Json<Value> {
    jwks.fetches.fetch_add(1, Ordering::SeqCst);
    let keys = jwks.published.lock().unwrap().clone();
    Json(json!({ "keys": keys }))
}

impl FakeProvider {
    async fn start() -> Self {
        let key = SigningKey::generate().unwrap();
        let published = Arc::new(Mutex::new(vec![key.jwk().clone()]));
        let fetches = Arc::new(AtomicUsize::new(0));
        let state = Jwks {
            published: published.clone(),
            fetches: fetches.clone(),
        };
        let router = axum::Router::new()
            .route("/realm/jwks.json", get(serve_jwks))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self {
            issuer: format!("http://{address}/realm"),
            key,
            published,
            fetches,
        }
    }

    /// The app, configured with this provider.
    async fn spawn(&self, backend: Backend) -> Option<TestApp> {
        let (issuer, jwks_url) = (self.issuer.clone(), format!("{}/jwks.json", self.issuer));
        TestApp::spawn_with(backend, move |config| {
            config.identity.oidc_providers = vec![cognate_server::config::OidcProviderConfig {
                issuer,
                jwks_url,
                client_ids: vec![CLIENT.to_string()],
            }];
        })
        .await
    }

    /// The Logins key: the issuer without its scheme.
    fn name(&self) -> String {
        self.issuer.trim_start_matches("http://").to_string()
    }

    fn arn(&self) -> String {
        format!("arn:aws:iam::123456789012:oidc-provider/{}", self.name())
    }

    /// Valid claims for `sub` at the app's clock.
    fn claims(&self, app: &TestApp, sub: &str) -> Value {
        let now = cognate_domain::Clock::now(&*app.clock).secs();
        json!({"iss": self.issuer, "sub": sub, "aud": CLIENT, "iat": now, "exp": now + 600})
    }

    fn token(&self, claims: &Value) -> String {
        jwt::sign(&self.key, claims).unwrap()
    }

    fn token_for(&self, app: &TestApp, sub: &str) -> String {
        self.token(&self.claims(app, sub))
    }
}

/// A token whose header names `kid` but which `key` signed.
fn signed_as(key: &SigningKey, kid: &str, claims: &Value) -> String {
    jwt::sign_with_header(key, &jwt::rs256_header(kid), claims).unwrap()
}

/// An identity pool listing the provider (and `user_pools` as Cognito providers), with roles.
async fn oidc_pool(app: &TestApp, idp: &FakeProvider, user_pools: &[(&str, &str)]) -> String {
    let providers = user_pools
        .iter()
        .map(|(pool, client)| provider(pool, client))
        .collect();
    let pool = app
        .identity
        .create_identity_pool()
        .identity_pool_name("oidc")
        .allow_unauthenticated_identities(true)
        .open_id_connect_provider_arns(idp.arn())
        .set_cognito_identity_providers(Some(providers))
        .send()
        .await
        .unwrap()
        .identity_pool_id;
    app.identity
        .set_identity_pool_roles()
        .identity_pool_id(&pool)
        .roles("authenticated", AUTH_ROLE)
        .roles("unauthenticated", UNAUTH_ROLE)
        .send()
        .await
        .unwrap();
    pool
}

async fn get_id(app: &TestApp, pool: &str, logins: &[(&str, &str)]) -> Result<String, String> {
    let mut request = app.identity.get_id().identity_pool_id(pool);
    for (provider, token) in logins {
        request = request.logins(*provider, *token);
    }
    match request.send().await {
        Ok(out) => Ok(out.identity_id.unwrap()),
        Err(error) => Err(failure::<(), _, _>(Err(error)).0),
    }
}

/// The role ARN GetCallerIdentity names for credentials of `id` with `logins`.
async fn assumed_role(app: &TestApp, id: &str, logins: &[(&str, &str)]) -> Result<String, String> {
    let mut request = app.identity.get_credentials_for_identity().identity_id(id);
    for (provider, token) in logins {
        request = request.logins(*provider, *token);
    }
    let credentials = match request.send().await {
        Ok(out) => out.credentials.unwrap(),
        Err(error) => return Err(failure::<(), _, _>(Err(error)).0),
    };
    let caller = client_for(app, &credentials)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    Ok(caller.arn.unwrap())
}

fn role_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap()
}

async fn valid_tokens_buy_credentials_and_map_roles_on_claims(app: TestApp, idp: FakeProvider) {
    let pool = oidc_pool(&app, &idp, &[]).await;
    let name = idp.name();
    let token = idp.token_for(&app, "user-1");
    let id = get_id(&app, &pool, &[(&name, &token)]).await.unwrap();
    // The same subject again (a new token, the issuer's URL form too): the same identity.
    let again = idp.token_for(&app, "user-1");
    assert_eq!(get_id(&app, &pool, &[(&name, &again)]).await.unwrap(), id);
    assert_eq!(
        get_id(&app, &pool, &[(&idp.issuer, &again)]).await.unwrap(),
        id
    );
    let other = idp.token_for(&app, "user-2");
    assert_ne!(get_id(&app, &pool, &[(&name, &other)]).await.unwrap(), id);

    let arn = assumed_role(&app, &id, &[(&name, &token)]).await.unwrap();
    assert!(arn.contains(":assumed-role/auth/"), "{arn}");
    let described = app
        .identity
        .describe_identity()
        .identity_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(described.logins, Some(vec![name.clone()]));

    // Principal tags are set per provider name, as for user pools.
    app.identity
        .set_principal_tag_attribute_map()
        .identity_pool_id(&pool)
        .identity_provider_name(&name)
        .principal_tags("subject", "sub")
        .send()
        .await
        .unwrap();
    let tags = app
        .identity
        .get_principal_tag_attribute_map()
        .identity_pool_id(&pool)
        .identity_provider_name(&name)
        .send()
        .await
        .unwrap();
    assert_eq!(
        tags.principal_tags
            .unwrap()
            .get("subject")
            .map(String::as_str),
        Some("sub")
    );

    // Rules on a claim of the provider's token, keyed by the provider name.
    let rule = MappingRule::builder()
        .claim("tenant")
        .match_type(MappingRuleMatchType::Equals)
        .value("acme")
        .role_arn(GROUP_ROLE)
        .build()
        .unwrap();
    let mapping = RoleMapping::builder()
        .r#type(RoleMappingType::Rules)
        .ambiguous_role_resolution(AmbiguousRoleResolutionType::Deny)
        .rules_configuration(
            RulesConfigurationType::builder()
                .rules(rule)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    app.identity
        .set_identity_pool_roles()
        .identity_pool_id(&pool)
        .roles("authenticated", AUTH_ROLE)
        .role_mappings(&name, mapping)
        .send()
        .await
        .unwrap();
    let mut acme = idp.claims(&app, "user-1");
    acme["tenant"] = json!("acme");
    let acme = idp.token(&acme);
    let arn = assumed_role(&app, &id, &[(&name, &acme)]).await.unwrap();
    assert_eq!(role_name(&arn), "CognitoIdentityCredentials");
    assert!(arn.contains(":assumed-role/group/"), "{arn}");
    // No rule matches and resolution is Deny: refused.
    let (code, _) = failure(
        app.identity
            .get_credentials_for_identity()
            .identity_id(&id)
            .logins(&name, &token)
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
}

async fn bad_tokens_are_refused(app: TestApp, idp: FakeProvider) {
    let pool = oidc_pool(&app, &idp, &[]).await;
    let name = idp.name();
    let refused = |claims: Value| idp.token(&claims);
    let good = idp.claims(&app, "user-1");

    let mut wrong_issuer = good.clone();
    wrong_issuer["iss"] = json!("http://elsewhere.example/realm");
    let mut expired = good.clone();
    let now = cognate_domain::Clock::now(&*app.clock).secs();
    expired["exp"] = json!(now - 301);
    let mut not_yet = good.clone();
    not_yet["nbf"] = json!(now + 600);
    let mut wrong_aud = good.clone();
    wrong_aud["aud"] = json!("someone-else");
    let mut wrong_azp = good.clone();
    wrong_azp["azp"] = json!("someone-else");
    let mut no_sub = good.clone();
    no_sub.as_object_mut().unwrap().remove("sub");
    let other_key = SigningKey::generate().unwrap();
    let cases = [
        ("wrong issuer", refused(wrong_issuer)),
        ("expired", refused(expired)),
        ("not yet valid", refused(not_yet)),
        ("wrong aud", refused(wrong_aud)),
        ("wrong azp", refused(wrong_azp)),
        ("no sub", refused(no_sub)),
        (
            "other key, same kid",
            signed_as(&other_key, idp.key.kid(), &good),
        ),
        ("unknown kid", jwt::sign(&other_key, &good).unwrap()),
        ("not a JWT", "not-a-token".to_string()),
    ];
    for (case, token) in &cases {
        let code = get_id(&app, &pool, &[(&name, token)]).await.unwrap_err();
        assert_eq!(code, "NotAuthorizedException", "{case}");
    }
    // Nothing was stored for the refused logins.
    let listed = app
        .identity
        .list_identities()
        .identity_pool_id(&pool)
        .max_results(60)
        .send()
        .await
        .unwrap();
    assert!(listed.identities.unwrap_or_default().is_empty());
    // Within the five minutes of clock skew AWS allows, an expired token still passes.
    let mut skewed = good.clone();
    skewed["exp"] = json!(now - 60);
    let skewed = idp.token(&skewed);
    assert!(get_id(&app, &pool, &[(&name, &skewed)]).await.is_ok());
}

async fn unknown_kids_refetch_the_jwks_boundedly(app: TestApp, idp: FakeProvider) {
    let pool = oidc_pool(&app, &idp, &[]).await;
    let name = idp.name();
    get_id(&app, &pool, &[(&name, &idp.token_for(&app, "u"))])
        .await
        .unwrap();
    assert_eq!(idp.fetches.load(Ordering::SeqCst), 1);
    // Cached: more logins fetch nothing.
    get_id(&app, &pool, &[(&name, &idp.token_for(&app, "v"))])
        .await
        .unwrap();
    assert_eq!(idp.fetches.load(Ordering::SeqCst), 1);

    // The provider rotates in a new key. Right after a fetch, an unknown kid is refused without
    // hammering the provider; a minute later it refetches and finds the key.
    let rotated = SigningKey::generate().unwrap();
    idp.published.lock().unwrap().push(rotated.jwk().clone());
    let token = jwt::sign(&rotated, &idp.claims(&app, "w")).unwrap();
    for _ in 0..3 {
        let code = get_id(&app, &pool, &[(&name, &token)]).await.unwrap_err();
        assert_eq!(code, "NotAuthorizedException");
    }
    assert_eq!(idp.fetches.load(Ordering::SeqCst), 1);
    app.clock.advance_secs(61);
    let token = jwt::sign(&rotated, &idp.claims(&app, "w")).unwrap();
    get_id(&app, &pool, &[(&name, &token)]).await.unwrap();
    assert_eq!(idp.fetches.load(Ordering::SeqCst), 2);
}

async fn providers_must_be_listed_and_configured(app: TestApp, idp: FakeProvider) {
    let token = idp.token_for(&app, "user-1");
    // A pool that does not list the provider refuses its tokens.
    let unlisted = app
        .identity
        .create_identity_pool()
        .identity_pool_name("plain")
        .allow_unauthenticated_identities(false)
        .send()
        .await
        .unwrap()
        .identity_pool_id;
    let (code, message) = failure(
        app.identity
            .get_id()
            .identity_pool_id(&unlisted)
            .logins(idp.name(), &token)
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
    assert!(message.contains("supported provider"), "{message}");

    // A pool may list a provider Cognate's config does not know (as a pool may name an IAM
    // provider later deleted); its logins are refused.
    let unknown = "arn:aws:iam::123456789012:oidc-provider/login.unknown.example";
    let pool = app
        .identity
        .create_identity_pool()
        .identity_pool_name("unknown")
        .allow_unauthenticated_identities(false)
        .open_id_connect_provider_arns(unknown)
        .send()
        .await
        .unwrap();
    assert_eq!(
        pool.open_id_connect_provider_arns,
        Some(vec![unknown.to_string()])
    );
    let (code, _) = failure(
        app.identity
            .get_id()
            .identity_pool_id(&pool.identity_pool_id)
            .logins("login.unknown.example", &token)
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
}

async fn several_logins_link_to_one_identity(app: TestApp, idp: FakeProvider) {
    let (user_pool, client) = app.pool_with_client().await;
    app.confirmed_user(&user_pool, "alice", PASSWORD).await;
    app.confirmed_user(&user_pool, "bob", PASSWORD).await;
    let alice = sign_in(&app, &client, "alice", PASSWORD)
        .await
        .id_token
        .unwrap();
    let bob = sign_in(&app, &client, "bob", PASSWORD)
        .await
        .id_token
        .unwrap();
    let pool = oidc_pool(&app, &idp, &[(&user_pool, &client)]).await;
    let (cognito, oidc) = (provider_name(&user_pool), idp.name());
    let alice_oidc = idp.token_for(&app, "alice-at-idp");

    // Both logins at once: one identity holding both.
    let id = get_id(&app, &pool, &[(&cognito, &alice), (&oidc, &alice_oidc)])
        .await
        .unwrap();
    let described = app
        .identity
        .describe_identity()
        .identity_id(&id)
        .send()
        .await
        .unwrap();
    let mut logins = described.logins.unwrap();
    logins.sort();
    let mut expected = vec![cognito.clone(), oidc.clone()];
    expected.sort();
    assert_eq!(logins, expected);
    // Either login alone finds it.
    assert_eq!(
        get_id(&app, &pool, &[(&cognito, &alice)]).await.unwrap(),
        id
    );
    assert_eq!(
        get_id(&app, &pool, &[(&oidc, &alice_oidc)]).await.unwrap(),
        id
    );

    // Bob's identity; then Bob's token with Alice's external login: bound to two identities.
    let bob_id = get_id(&app, &pool, &[(&cognito, &bob)]).await.unwrap();
    assert_ne!(bob_id, id);
    let code = get_id(&app, &pool, &[(&cognito, &bob), (&oidc, &alice_oidc)])
        .await
        .unwrap_err();
    assert_eq!(code, "ResourceConflictException");
    // Bob's token cannot buy credentials for Alice's identity, alone or with her login.
    let code = assumed_role(&app, &id, &[(&cognito, &bob)])
        .await
        .unwrap_err();
    assert_eq!(code, "NotAuthorizedException");
    let code = assumed_role(&app, &id, &[(&cognito, &bob), (&oidc, &alice_oidc)])
        .await
        .unwrap_err();
    assert_eq!(code, "ResourceConflictException");
    // Two users of one user pool (under its two names) are not one person.
    let cognate_form = format!("{}/{user_pool}", app.endpoint.trim_start_matches("http://"));
    let code = get_id(&app, &pool, &[(&cognito, &bob), (&cognate_form, &alice)])
        .await
        .unwrap_err();
    assert_eq!(code, "InvalidParameterException");
    // One user under both names is one login.
    assert_eq!(
        get_id(&app, &pool, &[(&cognito, &bob), (&cognate_form, &bob)])
            .await
            .unwrap(),
        bob_id
    );

    // GetCredentialsForIdentity with the identity's login and a new one links the new one.
    let bob_oidc = idp.token_for(&app, "bob-at-idp");
    assumed_role(&app, &bob_id, &[(&cognito, &bob), (&oidc, &bob_oidc)])
        .await
        .unwrap();
    assert_eq!(
        get_id(&app, &pool, &[(&oidc, &bob_oidc)]).await.unwrap(),
        bob_id
    );
}

async fn unlinking_the_last_login_disables_the_identity(app: TestApp, idp: FakeProvider) {
    let pool = oidc_pool(&app, &idp, &[]).await;
    let name = idp.name();
    let token = idp.token_for(&app, "leaver");
    let id = get_id(&app, &pool, &[(&name, &token)]).await.unwrap();
    let guest = get_id(&app, &pool, &[]).await.unwrap();
    app.identity
        .unlink_identity()
        .identity_id(&id)
        .logins(&name, &token)
        .logins_to_remove(&name)
        .send()
        .await
        .unwrap();

    let list = |hide: Option<bool>| {
        let request = app
            .identity
            .list_identities()
            .identity_pool_id(&pool)
            .max_results(60)
            .set_hide_disabled(hide);
        async move {
            let mut ids: Vec<(String, Vec<String>)> = request
                .send()
                .await
                .unwrap()
                .identities
                .unwrap_or_default()
                .into_iter()
                .map(|i| (i.identity_id.unwrap(), i.logins.unwrap_or_default()))
                .collect();
            ids.sort();
            ids
        }
    };
    let mut all = vec![(id.clone(), vec![]), (guest.clone(), vec![])];
    all.sort();
    assert_eq!(
        list(None).await,
        all,
        "disabled identities are listed by default"
    );
    assert_eq!(list(Some(false)).await, all);
    assert_eq!(list(Some(true)).await, vec![(guest.clone(), vec![])]);

    // Inaccessible: not as an unauthenticated identity, not with the unlinked login.
    let code = assumed_role(&app, &id, &[]).await.unwrap_err();
    assert_eq!(code, "NotAuthorizedException");
    let code = assumed_role(&app, &id, &[(&name, &token)])
        .await
        .unwrap_err();
    assert_eq!(code, "NotAuthorizedException");
    // The login is new again: it gets a new identity.
    let fresh = get_id(&app, &pool, &[(&name, &token)]).await.unwrap();
    assert_ne!(fresh, id);
    // The unauthenticated identity still works.
    assert!(
        role_name(&assumed_role(&app, &guest, &[]).await.unwrap()) == "CognitoIdentityCredentials"
    );
}
