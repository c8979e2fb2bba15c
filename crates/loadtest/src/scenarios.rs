//! The scenarios: each sets up what it needs on the server with [`Api::call`] (so an error names
//! the operation that failed), then yields the request of every iteration as a [`Plan`].

use std::future::Future;
use std::hash::{BuildHasher, RandomState};

use anyhow::Context as _;
use async_trait::async_trait;
use serde_json::json;
use tokio::task::JoinSet;

use crate::api::{Api, Request, field};

mod identity;
mod users;

/// Every pool a run creates is named `<PREFIX>-<run id>-...`, so it is recognisable on a shared
/// server and `--cleanup` can find exactly this run's pools.
pub const PREFIX: &str = "cognate-loadtest";
/// Password of every user; satisfies the pool's policy and Cognito's default one.
const PASSWORD: &str = "Loadtest-Passw0rd!";
/// In-flight calls during setup: enough to hide round trips, few enough not to swamp the server.
const SETUP_CONCURRENCY: usize = 16;
const AUTH_FLOWS: [&str; 3] = [
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
];

/// What setup gets to know about the run.
pub struct Context {
    /// Name prefix of this run's pools, `<PREFIX>-<random hex>`.
    pub prefix: String,
    /// Users to create for user-based scenarios.
    pub users: usize,
    /// An existing pool to list instead of creating one (list-users-filter).
    pub pool: Option<String>,
    /// Narrow filters instead of broad ones (list-users-filter).
    pub selective: bool,
}

impl Context {
    pub fn new(users: usize, pool: Option<String>, selective: bool) -> Self {
        Self {
            prefix: run_prefix(),
            users,
            pool,
            selective,
        }
    }
}

/// A fresh prefix per run: pool names need not be unique in Cognito, so without a random part two
/// runs against one server could not tell their pools apart.
fn run_prefix() -> String {
    // RandomState is seeded from the OS: a random number without another dependency, and without
    // the wall clock the workspace forbids.
    let random = RandomState::new().hash_one(std::process::id());
    format!("{PREFIX}-{random:016x}")
}

/// The request of each iteration, from the run-wide iteration number (unique across tasks and
/// phases, so generated names never collide).
pub struct Plan {
    next: Box<dyn Fn(u64) -> Request + Send + Sync>,
}

impl Plan {
    pub fn fixed(req: Request) -> Self {
        Self::generated(move |_| req.clone())
    }

    /// Round-robin over prepared requests (one per user).
    fn round_robin(reqs: Vec<Request>) -> anyhow::Result<Self> {
        anyhow::ensure!(!reqs.is_empty(), "setup prepared no requests");
        let n = reqs.len() as u64;
        Ok(Self::generated(move |i| reqs[(i % n) as usize].clone()))
    }

    fn generated(f: impl Fn(u64) -> Request + Send + Sync + 'static) -> Self {
        Self { next: Box::new(f) }
    }

    pub fn request(&self, i: u64) -> Request {
        (self.next)(i)
    }
}

#[async_trait]
pub trait Scenario: Send + Sync {
    fn name(&self) -> &'static str;
    fn about(&self) -> &'static str;
    /// Creates what the scenario needs; fails with the first error answer (naming its operation).
    async fn setup(&self, api: &Api, ctx: &Context) -> anyhow::Result<Plan>;
}

/// One table of scenarios, dispatched by kind: keeps each scenario to a line plus a function.
#[derive(Clone, Copy)]
enum Kind {
    ListUserPools,
    DescribeUserPool,
    CreateUserPool,
    DescribeUserPoolClient,
    InitiateAuth,
    RefreshTokenAuth,
    GetUser,
    AdminGetUser,
    ListUsersFilter,
    AdminCreateUser,
    SignUp,
    IdentityGetId,
    IdentityGetCredentials,
}

struct Def {
    name: &'static str,
    about: &'static str,
    kind: Kind,
}

const fn def(name: &'static str, about: &'static str, kind: Kind) -> Def {
    Def { name, about, kind }
}

static ALL: [Def; 13] = [
    def(
        "list-user-pools",
        "ListUserPools (MaxResults 60), one pool created first",
        Kind::ListUserPools,
    ),
    def(
        "describe-user-pool",
        "DescribeUserPool of one pool",
        Kind::DescribeUserPool,
    ),
    def(
        "create-user-pool",
        "CreateUserPool, a new uniquely named pool per request",
        Kind::CreateUserPool,
    ),
    def(
        "describe-user-pool-client",
        "DescribeUserPoolClient of one client",
        Kind::DescribeUserPoolClient,
    ),
    def(
        "initiate-auth",
        "InitiateAuth USER_PASSWORD_AUTH, round-robin over --users users",
        Kind::InitiateAuth,
    ),
    def(
        "refresh-token-auth",
        "InitiateAuth REFRESH_TOKEN_AUTH, round-robin over --users users",
        Kind::RefreshTokenAuth,
    ),
    def(
        "get-user",
        "GetUser with access tokens of --users users",
        Kind::GetUser,
    ),
    def(
        "admin-get-user",
        "AdminGetUser, round-robin over --users users",
        Kind::AdminGetUser,
    ),
    def(
        "list-users-filter",
        "ListUsers with an email prefix filter, over --users users with emails",
        Kind::ListUsersFilter,
    ),
    def(
        "admin-create-user",
        "AdminCreateUser (SUPPRESS), a new user per request",
        Kind::AdminCreateUser,
    ),
    def("sign-up", "SignUp, a new user per request", Kind::SignUp),
    def(
        "identity-get-id",
        "cognito-identity GetId with the ID tokens of --users users (enhanced flow)",
        Kind::IdentityGetId,
    ),
    def(
        "identity-get-credentials",
        "cognito-identity GetCredentialsForIdentity with the ID tokens of --users users",
        Kind::IdentityGetCredentials,
    ),
];

#[async_trait]
impl Scenario for Def {
    fn name(&self) -> &'static str {
        self.name
    }

    fn about(&self) -> &'static str {
        self.about
    }

    async fn setup(&self, api: &Api, ctx: &Context) -> anyhow::Result<Plan> {
        match self.kind {
            Kind::ListUserPools => list_user_pools(api, ctx).await,
            Kind::DescribeUserPool => describe_user_pool(api, ctx).await,
            Kind::CreateUserPool => Ok(create_user_pool(ctx)),
            Kind::DescribeUserPoolClient => describe_user_pool_client(api, ctx).await,
            Kind::InitiateAuth => users::initiate_auth(api, ctx).await,
            Kind::RefreshTokenAuth => users::refresh_token_auth(api, ctx).await,
            Kind::GetUser => users::get_user(api, ctx).await,
            Kind::AdminGetUser => users::admin_get_user(api, ctx).await,
            Kind::ListUsersFilter => users::list_users_filter(api, ctx).await,
            Kind::AdminCreateUser => users::admin_create_user(api, ctx).await,
            Kind::SignUp => users::sign_up(api, ctx).await,
            Kind::IdentityGetId => identity::get_id(api, ctx).await,
            Kind::IdentityGetCredentials => identity::get_credentials(api, ctx).await,
        }
    }
}

pub fn all() -> impl Iterator<Item = &'static dyn Scenario> {
    ALL.iter().map(|d| d as &'static dyn Scenario)
}

pub fn names() -> Vec<&'static str> {
    ALL.iter().map(|d| d.name).collect()
}

pub fn find(name: &str) -> Option<&'static dyn Scenario> {
    all().find(|s| s.name() == name)
}

async fn create_pool(api: &Api, ctx: &Context, suffix: &str) -> anyhow::Result<String> {
    let body = json!({
        "PoolName": format!("{}-{suffix}", ctx.prefix),
        "Policies": {"PasswordPolicy": {
            "MinimumLength": 8,
            "RequireUppercase": false,
            "RequireLowercase": false,
            "RequireNumbers": false,
            "RequireSymbols": false,
        }},
    });
    let v = api.call("CreateUserPool", body).await?;
    Ok(field(&v, "CreateUserPool", "/UserPool/Id")?.to_owned())
}

async fn create_client(api: &Api, pool: &str) -> anyhow::Result<String> {
    let body = json!({
        "UserPoolId": pool,
        "ClientName": "loadtest",
        "GenerateSecret": false,
        "ExplicitAuthFlows": AUTH_FLOWS,
    });
    let v = api.call("CreateUserPoolClient", body).await?;
    Ok(field(&v, "CreateUserPoolClient", "/UserPoolClient/ClientId")?.to_owned())
}

/// ListUserPools after creating one pool, so the page is not empty.
async fn list_user_pools(api: &Api, ctx: &Context) -> anyhow::Result<Plan> {
    create_pool(api, ctx, "list").await?;
    let body = json!({"MaxResults": 60});
    Ok(Plan::fixed(Request::json("ListUserPools", &body)))
}

async fn describe_user_pool(api: &Api, ctx: &Context) -> anyhow::Result<Plan> {
    let pool = create_pool(api, ctx, "describe").await?;
    let body = json!({"UserPoolId": pool});
    Ok(Plan::fixed(Request::json("DescribeUserPool", &body)))
}

/// A new pool per iteration, named after the run-wide iteration number.
fn create_user_pool(ctx: &Context) -> Plan {
    let prefix = ctx.prefix.clone();
    Plan::generated(move |i| {
        let body = json!({"PoolName": format!("{prefix}-new-{i}")});
        Request::json("CreateUserPool", &body)
    })
}

async fn describe_user_pool_client(api: &Api, ctx: &Context) -> anyhow::Result<Plan> {
    let pool = create_pool(api, ctx, "client").await?;
    let client = create_client(api, &pool).await?;
    let body = json!({"UserPoolId": pool, "ClientId": client});
    Ok(Plan::fixed(Request::json("DescribeUserPoolClient", &body)))
}

/// Runs `f` over `items` with at most [`SETUP_CONCURRENCY`] calls in flight; the first error wins.
pub async fn concurrently<T, F, Fut>(api: &Api, items: &[String], f: F) -> anyhow::Result<Vec<T>>
where
    F: Fn(Api, String) -> Fut,
    Fut: Future<Output = anyhow::Result<T>> + Send + 'static,
    T: Send + 'static,
{
    let mut out = Vec::with_capacity(items.len());
    for chunk in items.chunks(SETUP_CONCURRENCY) {
        let mut set = JoinSet::new();
        for item in chunk {
            set.spawn(f(api.clone(), item.clone()));
        }
        while let Some(joined) = set.join_next().await {
            out.push(joined.context("a setup task panicked")??);
        }
    }
    Ok(out)
}
