//! The caller's region: a signed request creates its pool in the region of its SigV4 credential
//! scope (the configured region when unsigned); operations that name a pool work in the pool's
//! region. Pools of different regions live side by side on one server, each with its own ids,
//! ARN, token issuer, discovery document and identities.

use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, AuthenticationResultType, DeviceConfigurationType,
};
use cognate_testkit::{PASSWORD, TestApp, backend_tests};
use serde_json::Value;

use crate::auth::claims;
use crate::identity_pools::AUTH_ROLE;

backend_tests!(
    user_pools_take_the_callers_region,
    identity_pools_take_the_callers_region
);

const WEST: &str = "us-west-2";

/// A pool created by `client`, with device tracking and a fixture client: (pool id, ARN, client id).
async fn pool_in(
    app: &TestApp,
    client: &aws_sdk_cognitoidentityprovider::Client,
) -> (String, String, String) {
    let pool = client
        .create_user_pool()
        .pool_name("regional")
        .device_configuration(
            DeviceConfigurationType::builder()
                .challenge_required_on_new_device(false)
                .device_only_remembered_on_user_prompt(false)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    let id = pool.id().unwrap().to_string();
    let client_id = app.client_for(&id).await;
    (id, pool.arn().unwrap().to_string(), client_id)
}

/// USER_PASSWORD_AUTH through `client` (configured for any region): the tokens.
async fn sign_in(
    client: &aws_sdk_cognitoidentityprovider::Client,
    client_id: &str,
    username: &str,
) -> AuthenticationResultType {
    client
        .initiate_auth()
        .client_id(client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap()
}

async fn get_json(app: &TestApp, path: &str) -> Value {
    app.http
        .get(format!("{}{path}", app.endpoint))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn user_pools_take_the_callers_region(app: TestApp) {
    let west = app.idp_in(WEST);
    let (west_pool, west_arn, west_client) = pool_in(&app, &west).await;
    let (east_pool, east_arn, _) = pool_in(&app, &app.idp).await;
    assert!(west_pool.starts_with("us-west-2_"), "{west_pool}");
    assert_eq!(
        west_arn,
        format!("arn:aws:cognito-idp:us-west-2:123456789012:userpool/{west_pool}")
    );
    assert!(east_pool.starts_with("us-east-1_"), "{east_pool}");
    assert_eq!(
        east_arn,
        format!("arn:aws:cognito-idp:us-east-1:123456789012:userpool/{east_pool}")
    );
    // Unsigned requests get the configured region.
    let unsigned = app
        .raw(
            "AWSCognitoIdentityProviderService.CreateUserPool",
            r#"{"PoolName": "unsigned"}"#,
        )
        .await;
    assert_eq!(unsigned.status, 200, "{}", unsigned.text);
    let unsigned_id = unsigned.json()["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(unsigned_id.starts_with("us-east-1_"), "{unsigned_id}");

    // Both regions' pools are served, whoever asks.
    let listed = app
        .idp
        .list_user_pools()
        .max_results(60)
        .send()
        .await
        .unwrap();
    let ids: Vec<_> = listed.user_pools().iter().filter_map(|p| p.id()).collect();
    assert!(ids.contains(&west_pool.as_str()) && ids.contains(&east_pool.as_str()));
    let described = west
        .describe_user_pool()
        .user_pool_id(&west_pool)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    assert_eq!(described.arn(), Some(west_arn.as_str()));

    // Tokens of the west pool name it (and so its region) as issuer, as its discovery
    // document does; its JWKS verifies them. Its new devices' keys carry its region.
    app.confirmed_user(&west_pool, "zoe", PASSWORD).await;
    let result = sign_in(&west, &west_client, "zoe").await;
    let issuer = format!("{}/{west_pool}", app.endpoint);
    let id_token = claims(result.id_token().unwrap());
    assert_eq!(id_token["iss"], issuer.as_str());
    assert_eq!(
        claims(result.access_token().unwrap())["iss"],
        issuer.as_str()
    );
    let discovery = get_json(
        &app,
        &format!("/{west_pool}/.well-known/openid-configuration"),
    )
    .await;
    assert_eq!(discovery["issuer"], issuer.as_str());
    let jwks = get_json(&app, &format!("/{west_pool}/.well-known/jwks.json")).await;
    let kid = id_token_kid(result.id_token().unwrap());
    assert!(
        jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .any(|key| key["kid"] == kid.as_str())
    );
    let device = result.new_device_metadata().unwrap();
    assert!(
        device.device_key().unwrap().starts_with("us-west-2_"),
        "{device:?}"
    );
    // A token-checked call from a client of the other region works on the pool's own terms.
    let user = app
        .idp
        .get_user()
        .access_token(result.access_token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(user.username(), "zoe");
}

fn id_token_kid(token: &str) -> String {
    use base64::Engine as _;
    let header = token.split('.').next().unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .unwrap();
    let header: Value = serde_json::from_slice(&bytes).unwrap();
    header["kid"].as_str().unwrap().to_string()
}

async fn identity_pools_take_the_callers_region(app: TestApp) {
    let west_idp = app.idp_in(WEST);
    let west = app.identity_in(WEST);
    let (user_pool, _, client_id) = pool_in(&app, &west_idp).await;
    let provider = format!("cognito-idp.us-west-2.amazonaws.com/{user_pool}");
    let pool = west
        .create_identity_pool()
        .identity_pool_name("regional")
        .allow_unauthenticated_identities(true)
        .cognito_identity_providers(
            cognate_testkit::identity::types::CognitoIdentityProvider::builder()
                .provider_name(&provider)
                .client_id(&client_id)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .identity_pool_id;
    assert!(pool.starts_with("us-west-2:"), "{pool}");
    let east_pool = app
        .identity
        .create_identity_pool()
        .identity_pool_name("default")
        .allow_unauthenticated_identities(true)
        .send()
        .await
        .unwrap()
        .identity_pool_id;
    assert!(east_pool.starts_with("us-east-1:"), "{east_pool}");
    west.set_identity_pool_roles()
        .identity_pool_id(&pool)
        .roles("authenticated", AUTH_ROLE)
        .roles("unauthenticated", AUTH_ROLE)
        .send()
        .await
        .unwrap();

    // Identities are in their pool's region, whichever region the caller's client names.
    let guest = app
        .identity
        .get_id()
        .identity_pool_id(&pool)
        .send()
        .await
        .unwrap()
        .identity_id
        .unwrap();
    assert!(guest.starts_with("us-west-2:"), "{guest}");
    app.confirmed_user(&user_pool, "yan", PASSWORD).await;
    let tokens = sign_in(&west_idp, &client_id, "yan").await;
    let id_token = tokens.id_token().unwrap();
    let identity_id = west
        .get_id()
        .identity_pool_id(&pool)
        .logins(&provider, id_token)
        .send()
        .await
        .unwrap()
        .identity_id
        .unwrap();
    assert!(identity_id.starts_with("us-west-2:"), "{identity_id}");
    let credentials = west
        .get_credentials_for_identity()
        .identity_id(&identity_id)
        .logins(&provider, id_token)
        .send()
        .await
        .unwrap();
    assert_eq!(credentials.identity_id(), Some(identity_id.as_str()));
    assert!(credentials.credentials().is_some());

    let tags_arn = format!("arn:aws:cognito-identity:us-west-2:123456789012:identitypool/{pool}");
    west.tag_resource()
        .resource_arn(&tags_arn)
        .tags("team", "west")
        .send()
        .await
        .unwrap();
    let described = west
        .describe_identity_pool()
        .identity_pool_id(&pool)
        .send()
        .await
        .unwrap();
    assert_eq!(
        described
            .identity_pool_tags()
            .and_then(|tags| tags.get("team"))
            .map(String::as_str),
        Some("west")
    );
}
