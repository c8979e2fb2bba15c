//! Seed files and export: a pool, clients, users, groups, a domain, a resource server and an
//! identity pool with fixed ids from a file; a restart on the same store with the same seed
//! changes and duplicates nothing; export → seed into a fresh store reproduces what the
//! Describe and List operations say, sealed passwords included (same seal key).

use std::path::{Path, PathBuf};

use aws_sdk_cognitoidentityprovider::types::AuthFlowType;
use cognate_server::Config;
use cognate_testkit::database::KeptDatabase;
use cognate_testkit::{Backend, PASSWORD, TestApp, test_config};
use serde_json::{Value, json};

const POOL: &str = "us-east-1_Fixture01";
const WEB_CLIENT: &str = "fixture0web0client00000001";
const SERVICE_CLIENT: &str = "fixture0service0client0001";
const SERVICE_SECRET: &str = "fixtureSecret0123456789abcdefghij";
const IDENTITY_POOL: &str = "us-east-1:11111111-2222-4333-8444-555555555555";
const ALICE_SUB: &str = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";

cognate_testkit::each_backend!(
    seed_gives_fixed_ids_and_a_restart_changes_nothing,
    export_then_seed_into_a_fresh_store_reproduces_it,
    a_seed_that_cannot_apply_stops_the_start,
);

fn seed_document() -> Value {
    json!({
        "UserPools": [{
            "Id": POOL,
            "PoolName": "fixture",
            "Policies": {"PasswordPolicy": {"MinimumLength": 10, "RequireSymbols": false}},
            "AutoVerifiedAttributes": ["email"],
            "Schema": [{"Name": "tenant", "AttributeDataType": "String", "Mutable": true}],
            "EmailConfiguration": {"ReplyToEmailAddress": "help@example.com"},
            "UserPoolTags": {"team": "ci"},
            "MfaConfig": {
                "SoftwareTokenMfaConfiguration": {"Enabled": true},
                "MfaConfiguration": "OPTIONAL"
            },
            "Domains": [{"Domain": "fixture-login"}],
            "ResourceServers": [{
                "Identifier": "https://api.example.com",
                "Name": "api",
                "Scopes": [{"ScopeName": "read", "ScopeDescription": "Read things"}]
            }],
            "Clients": [
                {
                    "ClientId": WEB_CLIENT,
                    "ClientName": "web",
                    "ExplicitAuthFlows": [
                        "ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH",
                        "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"
                    ]
                },
                {
                    "ClientId": SERVICE_CLIENT,
                    "ClientName": "service",
                    "ClientSecret": SERVICE_SECRET,
                    "AllowedOAuthFlowsUserPoolClient": true,
                    "AllowedOAuthFlows": ["client_credentials"],
                    "AllowedOAuthScopes": ["https://api.example.com/read"]
                }
            ],
            "Groups": [{"GroupName": "admins", "Description": "Administrators", "Precedence": 1}],
            "Users": [
                {
                    "Username": "alice",
                    "Password": PASSWORD,
                    "UserAttributes": [
                        {"Name": "sub", "Value": ALICE_SUB},
                        {"Name": "email", "Value": "alice@example.com"},
                        {"Name": "email_verified", "Value": "true"},
                        {"Name": "custom:tenant", "Value": "acme"}
                    ],
                    "Groups": ["admins"]
                },
                {
                    "Username": "bob",
                    "Password": "Temporary0Pass",
                    "UserStatus": "FORCE_CHANGE_PASSWORD",
                    "UserAttributes": [{"Name": "email", "Value": "bob@example.com"}]
                },
                {
                    "Username": "carol",
                    "UserStatus": "UNCONFIRMED",
                    "Enabled": false,
                    "UserAttributes": [{"Name": "email", "Value": "carol@example.com"}]
                }
            ]
        }],
        "IdentityPools": [{
            "IdentityPoolId": IDENTITY_POOL,
            "IdentityPoolName": "fixture",
            "AllowUnauthenticatedIdentities": true,
            "CognitoIdentityProviders": [{
                "ProviderName": format!("cognito-idp.us-east-1.amazonaws.com/{POOL}"),
                "ClientId": WEB_CLIENT
            }],
            "Roles": {
                "authenticated": "arn:aws:iam::123456789012:role/fixture-auth",
                "unauthenticated": "arn:aws:iam::123456789012:role/fixture-guest"
            }
        }]
    })
}

fn write(dir: &Path, name: &str, document: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(document).unwrap()).unwrap();
    path
}

/// The test configuration on `database`, applying `seed`, with a fixed seal key.
fn config(database: &KeptDatabase, seed: Option<&Path>, seal_key: &str) -> Config {
    let mut config = test_config();
    config.database.url = database.url.clone();
    config.security.seal_key = seal_key.to_string();
    config.seed.file = seed.map(|p| p.display().to_string()).unwrap_or_default();
    config
}

async fn call(app: &TestApp, target: &str, input: Value) -> Value {
    let response = app.raw(target, input.to_string()).await;
    assert_eq!(response.status, 200, "{target}: {}", response.text);
    response.json()
}

async fn idp(app: &TestApp, operation: &str, input: Value) -> Value {
    call(
        app,
        &format!("AWSCognitoIdentityProviderService.{operation}"),
        input,
    )
    .await
}

async fn identity(app: &TestApp, operation: &str, input: Value) -> Value {
    call(
        app,
        &format!("AWSCognitoIdentityService.{operation}"),
        input,
    )
    .await
}

/// `value` without the members named `keys`, at any depth (dates differ between stores).
fn strip(mut value: Value, keys: &[&str]) -> Value {
    match &mut value {
        Value::Object(map) => {
            map.retain(|key, _| !keys.contains(&key.as_str()));
            for member in map.values_mut() {
                *member = strip(member.take(), keys);
            }
        }
        Value::Array(items) => {
            for item in items.iter_mut() {
                *item = strip(item.take(), keys);
            }
        }
        _ => {}
    }
    value
}

/// What the Describe and List operations say of everything in the app, dates left out.
async fn snapshot(app: &TestApp) -> Value {
    let mut pools = Vec::new();
    let listed = idp(app, "ListUserPools", json!({"MaxResults": 60})).await;
    for summary in listed["UserPools"].as_array().unwrap() {
        let key = json!({"UserPoolId": summary["Id"]});
        let pool = idp(app, "DescribeUserPool", key.clone()).await;
        let domain = pool["UserPool"]["Domain"].clone();
        let mut clients = Vec::new();
        let listed = idp(
            app,
            "ListUserPoolClients",
            json!({"UserPoolId": summary["Id"], "MaxResults": 60}),
        )
        .await;
        for client in listed["UserPoolClients"].as_array().unwrap() {
            let key = json!({"UserPoolId": summary["Id"], "ClientId": client["ClientId"]});
            clients.push(idp(app, "DescribeUserPoolClient", key).await);
        }
        let mut users = Vec::new();
        let listed = idp(app, "ListUsers", key.clone()).await;
        for user in listed["Users"].as_array().unwrap() {
            let key = json!({"UserPoolId": summary["Id"], "Username": user["Username"]});
            let groups = idp(app, "AdminListGroupsForUser", key.clone()).await;
            users.push(json!({"user": idp(app, "AdminGetUser", key).await, "groups": groups}));
        }
        pools.push(json!({
            "pool": pool,
            "mfa": idp(app, "GetUserPoolMfaConfig", key.clone()).await,
            "domain": match domain.is_null() {
                true => Value::Null,
                false => idp(app, "DescribeUserPoolDomain", json!({"Domain": domain})).await,
            },
            "resource_servers": idp(app, "ListResourceServers", json!({"UserPoolId": summary["Id"], "MaxResults": 50})).await,
            "clients": clients,
            "groups": idp(app, "ListGroups", key).await,
            "users": users,
        }));
    }
    let mut identity_pools = Vec::new();
    let listed = identity(app, "ListIdentityPools", json!({"MaxResults": 60})).await;
    for summary in listed["IdentityPools"].as_array().unwrap() {
        let key = json!({"IdentityPoolId": summary["IdentityPoolId"]});
        identity_pools.push(json!({
            "pool": identity(app, "DescribeIdentityPool", key.clone()).await,
            "roles": identity(app, "GetIdentityPoolRoles", key).await,
        }));
    }
    let all = json!({"pools": pools, "identity_pools": identity_pools});
    // Dates, and the domain's Version (its creation time), are the new store's own.
    strip(
        all,
        &[
            "CreationDate",
            "LastModifiedDate",
            "UserCreateDate",
            "UserLastModifiedDate",
            "Version",
        ],
    )
}

async fn sign_in(app: &TestApp, username: &str, password: &str) -> Result<(), String> {
    app.idp
        .initiate_auth()
        .client_id(WEB_CLIENT)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| format!("{e:?}"))
}

async fn seed_gives_fixed_ids_and_a_restart_changes_nothing(backend: Backend) {
    let Some(database) = KeptDatabase::new(backend).await else {
        return;
    };
    let seed = write(&database.scratch_dir(), "seed.json", &seed_document());
    let seal_key = "ab".repeat(32);
    let app = TestApp::start(config(&database, Some(&seed), &seal_key)).await;
    let first = snapshot(&app).await;

    let pool = &first["pools"][0];
    assert_eq!(pool["pool"]["UserPool"]["Id"], POOL);
    assert_eq!(pool["pool"]["UserPool"]["Name"], "fixture");
    assert_eq!(
        pool["pool"]["UserPool"]["Policies"]["PasswordPolicy"]["MinimumLength"],
        10
    );
    assert_eq!(pool["pool"]["UserPool"]["UserPoolTags"]["team"], "ci");
    assert_eq!(
        pool["mfa"]["SoftwareTokenMfaConfiguration"]["Enabled"],
        true
    );
    assert_eq!(pool["domain"]["DomainDescription"]["UserPoolId"], POOL);
    assert_eq!(
        pool["resource_servers"]["ResourceServers"][0]["Identifier"],
        "https://api.example.com"
    );
    let clients: Vec<&Value> = pool["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["UserPoolClient"])
        .collect();
    assert_eq!(clients.len(), 2);
    let service = clients
        .iter()
        .find(|c| c["ClientId"] == SERVICE_CLIENT)
        .unwrap();
    assert_eq!(service["ClientSecret"], SERVICE_SECRET);
    assert_eq!(
        service["AllowedOAuthScopes"],
        json!(["https://api.example.com/read"])
    );
    assert_eq!(pool["groups"]["Groups"][0]["GroupName"], "admins");
    let users = pool["users"].as_array().unwrap();
    assert_eq!(users.len(), 3);
    let user = |name: &str| {
        users
            .iter()
            .find(|u| u["user"]["Username"] == name)
            .unwrap()
            .clone()
    };
    let alice = user("alice");
    assert_eq!(alice["user"]["UserStatus"], "CONFIRMED");
    let attributes = &alice["user"]["UserAttributes"];
    assert!(
        attributes
            .as_array()
            .unwrap()
            .contains(&json!({"Name": "sub", "Value": ALICE_SUB}))
    );
    assert!(
        attributes
            .as_array()
            .unwrap()
            .contains(&json!({"Name": "custom:tenant", "Value": "acme"}))
    );
    assert_eq!(alice["groups"]["Groups"][0]["GroupName"], "admins");
    assert_eq!(user("bob")["user"]["UserStatus"], "FORCE_CHANGE_PASSWORD");
    assert_eq!(user("carol")["user"]["UserStatus"], "UNCONFIRMED");
    assert_eq!(user("carol")["user"]["Enabled"], false);
    assert_eq!(
        first["identity_pools"][0]["pool"]["IdentityPoolId"],
        IDENTITY_POOL
    );
    assert_eq!(
        first["identity_pools"][0]["roles"]["Roles"]["authenticated"],
        "arn:aws:iam::123456789012:role/fixture-auth"
    );

    // The seeded password signs in; bob's temporary one asks for a new password.
    sign_in(&app, "alice", PASSWORD).await.unwrap();
    let bob = app
        .idp
        .admin_initiate_auth()
        .user_pool_id(POOL)
        .client_id(WEB_CLIENT)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "bob")
        .auth_parameters("PASSWORD", "Temporary0Pass")
        .send()
        .await
        .unwrap();
    assert_eq!(
        bob.challenge_name().map(|c| c.as_str()),
        Some("NEW_PASSWORD_REQUIRED")
    );

    // What happens at run time stays: a seed never resets it.
    idp(&app, "AdminSetUserPassword", json!({
        "UserPoolId": POOL, "Username": "alice", "Password": "Changed0Password", "Permanent": true
    }))
    .await;
    let changed = snapshot(&app).await;
    app.stop();

    let app = TestApp::start(config(&database, Some(&seed), &seal_key)).await;
    assert_eq!(
        snapshot(&app).await,
        changed,
        "the restart with the same seed changed nothing"
    );
    sign_in(&app, "alice", "Changed0Password").await.unwrap();
    assert!(sign_in(&app, "alice", PASSWORD).await.is_err());
}

async fn export_then_seed_into_a_fresh_store_reproduces_it(backend: Backend) {
    let Some(source) = KeptDatabase::new(backend).await else {
        return;
    };
    let seal_key = "cd".repeat(32);
    let seed = write(&source.scratch_dir(), "seed.json", &seed_document());
    let source_config = config(&source, Some(&seed), &seal_key);
    let app = TestApp::start(source_config.clone()).await;
    // Beside the seeded pool: one made through the API, with a random id, and a signed-up user.
    let (pool_id, client_id) = app.pool_with_client().await;
    app.confirmed_user(&pool_id, "dave", PASSWORD).await;
    let before = snapshot(&app).await;

    let exported = cognate_server::export(&source_config).await.unwrap();
    let text = serde_json::to_string(&exported).unwrap();
    assert!(!text.contains(PASSWORD), "no password in clear");
    assert!(!text.contains("Temporary0Pass"), "no password in clear");
    let path = write(&source.scratch_dir(), "export.json", &exported);

    let Some(target) = KeptDatabase::new(backend).await else {
        return;
    };
    let copy = TestApp::start(config(&target, Some(&path), &seal_key)).await;
    let after = snapshot(&copy).await;
    assert_eq!(after, before, "export → seed reproduces the store");
    sign_in(&copy, "alice", PASSWORD).await.unwrap();
    copy.idp
        .admin_initiate_auth()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "dave")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    let again = cognate_server::export(&config(&target, None, &seal_key))
        .await
        .unwrap();
    assert_eq!(
        again, exported,
        "an export of the copy is the export it was made from"
    );
}

async fn a_seed_that_cannot_apply_stops_the_start(backend: Backend) {
    let Some(database) = KeptDatabase::new(backend).await else {
        return;
    };
    let dir = database.scratch_dir();
    // A password sealed under another key does not open here.
    let other_key = "ef".repeat(32);
    let seeded = TestApp::start(config(
        &database,
        Some(&write(&dir, "seed.json", &seed_document())),
        &other_key,
    ))
    .await;
    seeded.stop();
    let exported = cognate_server::export(&config(&database, None, &other_key))
        .await
        .unwrap();
    let Some(fresh) = KeptDatabase::new(backend).await else {
        return;
    };
    let path = write(&dir, "export.json", &exported);
    let refused = TestApp::try_start(config(&fresh, Some(&path), &"01".repeat(32)))
        .await
        .err()
        .expect("a hash sealed with another key refuses the start");
    assert!(
        format!("{refused:#}").contains("sealed with another seal key"),
        "{refused:#}"
    );

    // A misspelt member is named, not ignored.
    let mut typo = seed_document();
    typo["UserPools"][0]["Users"][0]["Pasword"] = json!("x");
    let path = write(&dir, "typo.json", &typo);
    let Some(fresh) = KeptDatabase::new(backend).await else {
        return;
    };
    let refused = TestApp::try_start(config(&fresh, Some(&path), &"01".repeat(32)))
        .await
        .err()
        .expect("an unknown member refuses the start");
    assert!(format!("{refused:#}").contains("Pasword"), "{refused:#}");
}
