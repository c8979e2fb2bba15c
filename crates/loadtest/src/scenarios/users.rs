//! The user-based scenarios: a pool with a client and `--users` confirmed users with a permanent
//! password, then one request per user, round-robin. Operations the server does not implement yet
//! fail here, in setup, with their error code and name.

use anyhow::Context as _;
use serde_json::{Value, json};

use super::{Context, PASSWORD, Plan, concurrently, create_client, create_pool};
use crate::api::{Api, Request, field};

/// InitiateAuth USER_PASSWORD_AUTH.
pub(super) async fn initiate_auth(api: &Api, ctx: &Context) -> anyhow::Result<Plan> {
    let up = UserPool::create(api, ctx).await?;
    let reqs = up.usernames.iter();
    let reqs = reqs.map(|u| Request::json("InitiateAuth", &password_auth(&up.client, u)));
    Plan::round_robin(reqs.collect())
}

/// InitiateAuth REFRESH_TOKEN_AUTH with each user's refresh token.
pub(super) async fn refresh_token_auth(api: &Api, ctx: &Context) -> anyhow::Result<Plan> {
    token_plan(api, ctx, |client, tokens| {
        let refresh = field(tokens, "InitiateAuth", "/RefreshToken")?;
        let body = json!({
            "AuthFlow": "REFRESH_TOKEN_AUTH",
            "ClientId": client,
            "AuthParameters": {"REFRESH_TOKEN": refresh},
        });
        Ok(Request::json("InitiateAuth", &body))
    })
    .await
}

/// GetUser with each user's access token (valid for the pool's default hour).
pub(super) async fn get_user(api: &Api, ctx: &Context) -> anyhow::Result<Plan> {
    token_plan(api, ctx, |_client, tokens| {
        let access = field(tokens, "InitiateAuth", "/AccessToken")?;
        Ok(Request::json("GetUser", &json!({"AccessToken": access})))
    })
    .await
}

pub(super) async fn admin_get_user(api: &Api, ctx: &Context) -> anyhow::Result<Plan> {
    let up = UserPool::create(api, ctx).await?;
    let reqs = up.usernames.iter().map(|u| {
        let body = json!({"UserPoolId": up.pool, "Username": u});
        Request::json("AdminGetUser", &body)
    });
    Plan::round_robin(reqs.collect())
}

/// ListUsers with `email ^= "user-<d>"` (d = 1..9, round-robin): over 2,000 users each filter
/// matches about 111 (user-d, user-dN, user-dNN, user-dNNN), more than the page of 60 answered.
/// With `--pool`, over that pool's users as they are; with `--selective`, 100 five-digit prefixes.
pub(super) async fn list_users_filter(api: &Api, ctx: &Context) -> anyhow::Result<Plan> {
    let pool = match &ctx.pool {
        Some(pool) => pool.clone(),
        None => {
            let pool = create_pool(api, ctx, "list-users").await?;
            create_users_with_emails(api, &pool, ctx.users).await?;
            pool
        }
    };
    let prefixes: Vec<u64> = if ctx.selective {
        (0..100).map(|i| 10_000 + (i * 7919) % 90_000).collect()
    } else {
        (1..=9).collect()
    };
    email_prefix_plan(&pool, &prefixes)
}

/// `users` users `user-<k>` with the email `user-<k>@example.com`.
async fn create_users_with_emails(api: &Api, pool: &str, users: usize) -> anyhow::Result<()> {
    let usernames: Vec<String> = (0..users).map(|k| format!("user-{k}")).collect();
    eprintln!(
        "setup: creating {} users with emails in {pool}",
        usernames.len()
    );
    concurrently(api, &usernames, |api, name| {
        let body = json!({
            "UserPoolId": pool,
            "Username": name,
            "MessageAction": "SUPPRESS",
            "UserAttributes": [{"Name": "email", "Value": format!("{name}@example.com")}],
        });
        async move { api.call("AdminCreateUser", body).await.map(drop) }
    })
    .await
    .map(drop)
}

fn email_prefix_plan(pool: &str, prefixes: &[u64]) -> anyhow::Result<Plan> {
    let reqs = prefixes.iter().map(|d| {
        let body = json!({
            "UserPoolId": pool,
            "Filter": format!("email ^= \"user-{d}\""),
            "Limit": 60,
        });
        Request::json("ListUsers", &body)
    });
    Plan::round_robin(reqs.collect())
}

/// AdminCreateUser of a new user per iteration; no users beforehand.
pub(super) async fn admin_create_user(api: &Api, ctx: &Context) -> anyhow::Result<Plan> {
    let pool = create_pool(api, ctx, "admin-create").await?;
    Ok(Plan::generated(move |i| {
        let body = json!({
            "UserPoolId": pool,
            "Username": format!("new-{i}"),
            "TemporaryPassword": PASSWORD,
            "MessageAction": "SUPPRESS",
        });
        Request::json("AdminCreateUser", &body)
    }))
}

/// SignUp of a new user per iteration through a client without secret.
pub(super) async fn sign_up(api: &Api, ctx: &Context) -> anyhow::Result<Plan> {
    let pool = create_pool(api, ctx, "sign-up").await?;
    let client = create_client(api, &pool).await?;
    Ok(Plan::generated(move |i| {
        let username = format!("signup-{i}");
        let body = json!({"ClientId": client, "Username": username, "Password": PASSWORD});
        Request::json("SignUp", &body)
    }))
}

/// A pool with a client and `ctx.users` confirmed users with a permanent password.
struct UserPool {
    pool: String,
    client: String,
    usernames: Vec<String>,
}

impl UserPool {
    async fn create(api: &Api, ctx: &Context) -> anyhow::Result<Self> {
        let pool = create_pool(api, ctx, "users").await?;
        let client = create_client(api, &pool).await?;
        let usernames: Vec<String> = (0..ctx.users).map(|k| format!("user-{k}")).collect();
        eprintln!("setup: creating {} users in {pool}", usernames.len());
        concurrently(api, &usernames, |api, name| {
            let pool = pool.clone();
            async move { create_user(&api, &pool, &name).await }
        })
        .await?;
        Ok(Self {
            pool,
            client,
            usernames,
        })
    }
}

/// AdminCreateUser leaves the user in FORCE_CHANGE_PASSWORD; a permanent password confirms it,
/// so USER_PASSWORD_AUTH succeeds without a NEW_PASSWORD_REQUIRED challenge.
pub(super) async fn create_user(api: &Api, pool: &str, username: &str) -> anyhow::Result<()> {
    let body = json!({"UserPoolId": pool, "Username": username, "MessageAction": "SUPPRESS"});
    api.call("AdminCreateUser", body).await?;
    let body = json!({
        "UserPoolId": pool, "Username": username, "Password": PASSWORD, "Permanent": true,
    });
    api.call("AdminSetUserPassword", body).await?;
    Ok(())
}

pub(super) fn password_auth(client: &str, username: &str) -> Value {
    json!({
        "AuthFlow": "USER_PASSWORD_AUTH",
        "ClientId": client,
        "AuthParameters": {"USERNAME": username, "PASSWORD": PASSWORD},
    })
}

/// Signs every user in once and builds one request per user from its AuthenticationResult.
async fn token_plan(
    api: &Api,
    ctx: &Context,
    build: impl Fn(&str, &Value) -> anyhow::Result<Request>,
) -> anyhow::Result<Plan> {
    let up = UserPool::create(api, ctx).await?;
    let results = concurrently(api, &up.usernames, |api, name| {
        let body = password_auth(&up.client, &name);
        async move {
            let v = api.call("InitiateAuth", body).await?;
            v.get("AuthenticationResult").cloned().with_context(|| {
                format!("InitiateAuth of {name} gave no AuthenticationResult: {v}")
            })
        }
    })
    .await?;
    let reqs = results.iter().map(|tokens| build(&up.client, tokens));
    Plan::round_robin(reqs.collect::<anyhow::Result<_>>()?)
}
