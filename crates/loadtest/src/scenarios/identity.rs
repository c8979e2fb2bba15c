//! The identity-pool scenarios: a user pool with `--users` signed-in users, an identity pool
//! accepting its ID tokens, then one enhanced-flow request per user, round-robin.

use serde_json::json;

use super::users::{create_user, password_auth};
use super::{Context, Plan, concurrently, create_client, create_pool};
use crate::api::{Api, Request, field};

const GET_ID: &str = "AWSCognitoIdentityService.GetId";
const GET_CREDENTIALS: &str = "AWSCognitoIdentityService.GetCredentialsForIdentity";

struct Linked {
    identity_pool: String,
    provider: String,
    id_tokens: Vec<String>,
}

async fn linked(api: &Api, ctx: &Context) -> anyhow::Result<Linked> {
    let pool = create_pool(api, ctx, "identity").await?;
    let client = create_client(api, &pool).await?;
    let usernames: Vec<String> = (0..ctx.users.max(1)).map(|i| format!("user-{i}")).collect();
    let id_tokens = concurrently(api, &usernames, |api, name| {
        let (pool, body) = (pool.clone(), password_auth(&client, &name));
        async move {
            create_user(&api, &pool, &name).await?;
            let v = api.call("InitiateAuth", body).await?;
            Ok(field(&v, "InitiateAuth", "/AuthenticationResult/IdToken")?.to_owned())
        }
    })
    .await?;
    let provider = format!("cognito-idp.us-east-1.amazonaws.com/{pool}");
    let body = json!({
        "IdentityPoolName": "loadtest",
        "AllowUnauthenticatedIdentities": false,
        "CognitoIdentityProviders": [{"ProviderName": provider, "ClientId": client}],
    });
    let v = api
        .call("AWSCognitoIdentityService.CreateIdentityPool", body)
        .await?;
    let identity_pool = field(&v, "CreateIdentityPool", "/IdentityPoolId")?.to_owned();
    let roles = json!({
        "IdentityPoolId": identity_pool,
        "Roles": {"authenticated": "arn:aws:iam::123456789012:role/loadtest"},
    });
    api.call("AWSCognitoIdentityService.SetIdentityPoolRoles", roles)
        .await?;
    Ok(Linked {
        identity_pool,
        provider,
        id_tokens,
    })
}

/// GetId with each user's ID token (the identity exists after the first call).
pub(super) async fn get_id(api: &Api, ctx: &Context) -> anyhow::Result<Plan> {
    let linked = linked(api, ctx).await?;
    let reqs = linked.id_tokens.iter().map(|token| {
        let body = json!({
            "IdentityPoolId": linked.identity_pool,
            "Logins": {linked.provider.as_str(): token},
        });
        Request::json(GET_ID, &body)
    });
    Plan::round_robin(reqs.collect())
}

/// GetCredentialsForIdentity for each user's identity, with its ID token.
pub(super) async fn get_credentials(api: &Api, ctx: &Context) -> anyhow::Result<Plan> {
    let linked = linked(api, ctx).await?;
    let mut reqs = Vec::with_capacity(linked.id_tokens.len());
    for token in &linked.id_tokens {
        let logins = json!({linked.provider.as_str(): token});
        let body = json!({"IdentityPoolId": linked.identity_pool, "Logins": logins});
        let v = api.call(GET_ID, body).await?;
        let identity_id = field(&v, "GetId", "/IdentityId")?;
        let body = json!({"IdentityId": identity_id, "Logins": logins});
        reqs.push(Request::json(GET_CREDENTIALS, &body));
    }
    Plan::round_robin(reqs)
}
