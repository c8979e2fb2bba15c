//! Two `cognate serve` processes on one Postgres database: a GlobalSignOut, RevokeToken,
//! AdminDisableUser, password change, client update or pool update made through one replica is
//! honoured by the replica that made it at once, and by the other one soon after (issue 16:
//! within a second; each replica's change listener drops its caches on the database's
//! notifications). So are a group membership (the groups a refresh's tokens claim) and an
//! identity's deletion (GetCredentialsForIdentity), whose caches follow migration 0010's
//! notifications.
//!
//! Each case observes the same thing on both replicas before and after the change (error codes,
//! or "ok"): equal before; on the writer, different right after its answer; on the other,
//! equal to the writer's, polled up to a deadline (no timed assertion).
//!
//! Real processes: the `cognate` binary beside this test binary (`cargo test --workspace`
//! builds it in the same command; `COGNATE_BIN` names another). Skipped, saying so, when
//! TEST_DATABASE_URL is unset or the binary is missing.

use std::future::Future;
use std::net::{Ipv4Addr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tokio::time::Instant;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::operation::initiate_auth::{
    InitiateAuthError, InitiateAuthOutput,
};
use aws_sdk_cognitoidentityprovider::types::{
    AdminCreateUserConfigType, AuthFlowType, ExplicitAuthFlowsType, MessageActionType,
};
use cognate_testkit::identity;
use cognate_testkit::{FIXTURE_FLOWS, PASSWORD, identity_client, idp_client, postgres_admin_url};

use crate::auth::claims;

/// The requirement is one second; the rest is slack for a loaded CI machine. Polling stops as
/// soon as the other replica agrees.
const PROPAGATION_DEADLINE: Duration = Duration::from_secs(10);
/// Start-up includes migrating the fresh database (the second replica waits for the first).
const START_DEADLINE: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(20);
const NEW_PASSWORD: &str = "N3w!Horse-Battery";
/// The one public URL of both replicas, as behind a load balancer.
const PUBLIC_URL: &str = "http://cognate-replicas.test";

/// A `cognate serve` child process, killed and reaped when dropped.
struct Replica {
    child: Child,
    idp: Client,
    identity: identity::Client,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn cognate_binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("COGNATE_BIN") {
        return Some(PathBuf::from(path));
    }
    // target/<profile>/deps/it-<hash> → target/<profile>/cognate
    let exe = std::env::current_exe().ok()?;
    let bin = exe.parent()?.parent()?.join("cognate");
    bin.is_file().then_some(bin)
}

/// A port free a moment ago (the child may lose a race for it; the start then fails loudly).
fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    listener.local_addr().unwrap().port()
}

impl Replica {
    async fn start(binary: &PathBuf, database_url: &str, seal_key: &str) -> Self {
        let port = free_port();
        let child = Command::new(binary)
            .args(["serve", "--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--database-url", database_url])
            // Replicas behind one name: tokens' `iss` is the public URL, which would otherwise
            // be each replica's own address.
            .env("COGNATE_SERVER__PUBLIC_URL", PUBLIC_URL)
            .env("COGNATE_SECURITY__SEAL_KEY", seal_key)
            .env("COGNATE_SECURITY__PASSWORD_PROFILE", "dev")
            .env("COGNATE_SECURITY__KEY_PREFILL", "2")
            .env("COGNATE_LOG__FILTER", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", binary.display()));
        let endpoint = format!("http://127.0.0.1:{port}");
        let mut replica = Self {
            child,
            idp: idp_client(&endpoint),
            identity: identity_client(&endpoint),
        };
        let started = Instant::now();
        while replica
            .idp
            .list_user_pools()
            .max_results(1)
            .send()
            .await
            .is_err()
        {
            if let Ok(Some(status)) = replica.child.try_wait() {
                panic!("cognate serve on port {port} exited with {status}");
            }
            assert!(
                started.elapsed() < START_DEADLINE,
                "cognate serve on port {port} did not answer"
            );
            tokio::time::sleep(POLL).await;
        }
        replica
    }
}

/// "ok" or the error code of a call.
fn outcome<T, E: ProvideErrorMetadata>(result: Result<T, E>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(e) => e.code().unwrap_or("(no code)").to_string(),
    }
}

/// Observes on `writer` at once and on `other` until it agrees (or the deadline passes).
async fn honoured_by_both<C, F, Fut>(what: &str, writer: &C, other: &C, before: &str, see: F)
where
    C: Clone,
    F: Fn(C) -> Fut,
    Fut: Future<Output = String>,
{
    let on_writer = see(writer.clone()).await;
    assert_ne!(
        on_writer, before,
        "{what}: the replica that made it does not honour it at once"
    );
    let started = Instant::now();
    loop {
        let on_other = see(other.clone()).await;
        if on_other == on_writer {
            eprintln!("{what}: other replica agreed after {:?}", started.elapsed());
            return;
        }
        assert!(
            started.elapsed() < PROPAGATION_DEADLINE,
            "{what}: the other replica still answers {on_other:?}, the writer {on_writer:?}"
        );
        tokio::time::sleep(POLL).await;
    }
}

/// What both replicas see before a change: the same, or the test means nothing.
async fn same_before<C, F, Fut>(what: &str, a: &C, b: &C, see: F) -> String
where
    C: Clone,
    F: Fn(C) -> Fut,
    Fut: Future<Output = String>,
{
    let (on_a, on_b) = (see(a.clone()).await, see(b.clone()).await);
    assert_eq!(
        on_a, on_b,
        "{what}: the replicas disagree before the change"
    );
    on_a
}

struct Fixture {
    pool_id: String,
    client_id: String,
}

impl Fixture {
    async fn create(idp: &Client) -> Self {
        let pool = idp.create_user_pool().pool_name("replicas").send().await;
        let pool_id = pool.unwrap().user_pool.unwrap().id.unwrap();
        let client = idp
            .create_user_pool_client()
            .user_pool_id(&pool_id)
            .client_name("replicas")
            .set_explicit_auth_flows(Some(FIXTURE_FLOWS.to_vec()))
            .send()
            .await;
        let client_id = client.unwrap().user_pool_client.unwrap().client_id.unwrap();
        Self { pool_id, client_id }
    }

    async fn user(&self, idp: &Client, username: &str) {
        idp.admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .message_action(MessageActionType::Suppress)
            .send()
            .await
            .unwrap();
        idp.admin_set_user_password()
            .user_pool_id(&self.pool_id)
            .username(username)
            .password(PASSWORD)
            .permanent(true)
            .send()
            .await
            .unwrap();
    }
}

/// What an InitiateAuth call answers.
type InitiateAuthResult = Result<InitiateAuthOutput, SdkError<InitiateAuthError>>;

/// (access token, refresh token) of a USER_PASSWORD_AUTH sign-in.
async fn sign_in(idp: &Client, client_id: &str, username: &str) -> (String, String) {
    let result = password_auth(idp, client_id, username, PASSWORD).await;
    let tokens = result.unwrap().authentication_result.unwrap();
    (tokens.access_token.unwrap(), tokens.refresh_token.unwrap())
}

async fn password_auth(
    idp: &Client,
    client_id: &str,
    username: &str,
    password: &str,
) -> InitiateAuthResult {
    idp.initiate_auth()
        .client_id(client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
}

/// GetUser with `access` and REFRESH_TOKEN_AUTH with `refresh`.
async fn session(idp: Client, client_id: String, access: String, refresh: String) -> String {
    let user = outcome(idp.get_user().access_token(access).send().await);
    let refreshed = refresh_auth(&idp, &client_id, &refresh).await;
    format!("GetUser {user}, refresh {}", outcome(refreshed))
}

async fn refresh_auth(idp: &Client, client_id: &str, refresh: &str) -> InitiateAuthResult {
    idp.initiate_auth()
        .client_id(client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", refresh)
        .send()
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_honour_each_others_changes() {
    let Some(admin_url) = postgres_admin_url() else {
        eprintln!("TEST_DATABASE_URL unset: the two-replica test needs Postgres; skipped");
        return;
    };
    let Some(binary) = cognate_binary() else {
        eprintln!("no cognate binary beside the test binary (cargo build --bin cognate); skipped");
        return;
    };
    let url = cognate_store_postgres::create_scratch_database(&admin_url)
        .await
        .unwrap();
    let seal_key = uuid::Uuid::new_v4().simple().to_string().repeat(2);
    let a = Replica::start(&binary, &url, &seal_key).await;
    let b = Replica::start(&binary, &url, &seal_key).await;
    let fixture = Fixture::create(&a.idp).await;
    for name in [
        "signout", "revoke", "disable", "password", "group", "client", "pool",
    ] {
        fixture.user(&a.idp, name).await;
    }
    global_sign_out(&a.idp, &b.idp, &fixture).await;
    revoke_token(&a.idp, &b.idp, &fixture).await;
    // The other direction too: B writes, A follows.
    admin_disable_user(&b.idp, &a.idp, &fixture).await;
    password_change(&a.idp, &b.idp, &fixture).await;
    group_membership(&b.idp, &a.idp, &fixture).await;
    identity_deletion(&a.identity, &b.identity).await;
    client_update(&b.idp, &a.idp, &fixture).await;
    pool_update(&a.idp, &b.idp, &fixture).await;
    drop((a, b));
    cognate_store_postgres::drop_scratch_database(&admin_url, &url)
        .await
        .unwrap();
}

async fn global_sign_out(writer: &Client, other: &Client, f: &Fixture) {
    let (access, refresh) = sign_in(writer, &f.client_id, "signout").await;
    let see = |idp| session(idp, f.client_id.clone(), access.clone(), refresh.clone());
    let before = same_before("GlobalSignOut", writer, other, see).await;
    writer
        .global_sign_out()
        .access_token(&access)
        .send()
        .await
        .unwrap();
    honoured_by_both("GlobalSignOut", writer, other, &before, see).await;
}

/// The groups the ID token of a refresh claims ("none" without any).
async fn refreshed_groups(idp: Client, client_id: String, refresh: String) -> String {
    let refreshed = refresh_auth(&idp, &client_id, &refresh).await;
    let Ok(refreshed) = refreshed else {
        return outcome(refreshed);
    };
    let id_token = refreshed.authentication_result.unwrap().id_token.unwrap();
    match claims(&id_token).get("cognito:groups") {
        Some(groups) => groups.to_string(),
        None => "none".into(),
    }
}

async fn group_membership(writer: &Client, other: &Client, f: &Fixture) {
    writer
        .create_group()
        .user_pool_id(&f.pool_id)
        .group_name("readers")
        .send()
        .await
        .unwrap();
    let (_, refresh) = sign_in(other, &f.client_id, "group").await;
    let see = |idp| refreshed_groups(idp, f.client_id.clone(), refresh.clone());
    let before = same_before("AdminAddUserToGroup", writer, other, see).await;
    writer
        .admin_add_user_to_group()
        .user_pool_id(&f.pool_id)
        .username("group")
        .group_name("readers")
        .send()
        .await
        .unwrap();
    honoured_by_both("AdminAddUserToGroup", writer, other, &before, see).await;
}

/// GetCredentialsForIdentity's outcome for `identity_id`.
async fn credentials(identity: identity::Client, identity_id: String) -> String {
    let minted = identity
        .get_credentials_for_identity()
        .identity_id(identity_id)
        .send()
        .await;
    outcome(minted)
}

async fn identity_deletion(writer: &identity::Client, other: &identity::Client) {
    let pool = writer
        .create_identity_pool()
        .identity_pool_name("replicas")
        .allow_unauthenticated_identities(true)
        .send()
        .await
        .unwrap()
        .identity_pool_id;
    let role = "arn:aws:iam::123456789012:role/guest";
    writer
        .set_identity_pool_roles()
        .identity_pool_id(&pool)
        .roles("unauthenticated", role)
        .send()
        .await
        .unwrap();
    let guest = other.get_id().identity_pool_id(&pool).send().await;
    let guest = guest.unwrap().identity_id.unwrap();
    let see = |identity| credentials(identity, guest.clone());
    let before = same_before("DeleteIdentities", writer, other, see).await;
    writer
        .delete_identities()
        .identity_ids_to_delete(&guest)
        .send()
        .await
        .unwrap();
    honoured_by_both("DeleteIdentities", writer, other, &before, see).await;
}

async fn revoke_token(writer: &Client, other: &Client, f: &Fixture) {
    let (access, refresh) = sign_in(other, &f.client_id, "revoke").await;
    let see = |idp| session(idp, f.client_id.clone(), access.clone(), refresh.clone());
    let before = same_before("RevokeToken", writer, other, see).await;
    writer
        .revoke_token()
        .client_id(&f.client_id)
        .token(&refresh)
        .send()
        .await
        .unwrap();
    honoured_by_both("RevokeToken", writer, other, &before, see).await;
}

async fn admin_disable_user(writer: &Client, other: &Client, f: &Fixture) {
    let (access, refresh) = sign_in(writer, &f.client_id, "disable").await;
    let see = |idp: Client| {
        let (client_id, access, refresh) = (f.client_id.clone(), access.clone(), refresh.clone());
        async move {
            let signed_in = outcome(password_auth(&idp, &client_id, "disable", PASSWORD).await);
            let session = session(idp, client_id, access, refresh).await;
            format!("sign-in {signed_in}, {session}")
        }
    };
    let before = same_before("AdminDisableUser", writer, other, see).await;
    writer
        .admin_disable_user()
        .user_pool_id(&f.pool_id)
        .username("disable")
        .send()
        .await
        .unwrap();
    honoured_by_both("AdminDisableUser", writer, other, &before, see).await;
}

async fn password_change(writer: &Client, other: &Client, f: &Fixture) {
    let (access, _) = sign_in(writer, &f.client_id, "password").await;
    let see = |idp: Client| {
        let client_id = f.client_id.clone();
        async move {
            let old = outcome(password_auth(&idp, &client_id, "password", PASSWORD).await);
            let new = outcome(password_auth(&idp, &client_id, "password", NEW_PASSWORD).await);
            format!("old password {old}, new password {new}")
        }
    };
    let before = same_before("ChangePassword", writer, other, see).await;
    writer
        .change_password()
        .access_token(&access)
        .previous_password(PASSWORD)
        .proposed_password(NEW_PASSWORD)
        .send()
        .await
        .unwrap();
    honoured_by_both("ChangePassword", writer, other, &before, see).await;
}

async fn client_update(writer: &Client, other: &Client, f: &Fixture) {
    let see = |idp: Client| {
        let client_id = f.client_id.clone();
        async move { outcome(password_auth(&idp, &client_id, "client", PASSWORD).await) }
    };
    let before = same_before("UpdateUserPoolClient", writer, other, see).await;
    // USER_PASSWORD_AUTH no longer allowed.
    writer
        .update_user_pool_client()
        .user_pool_id(&f.pool_id)
        .client_id(&f.client_id)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap();
    honoured_by_both("UpdateUserPoolClient", writer, other, &before, see).await;
}

async fn pool_update(writer: &Client, other: &Client, f: &Fixture) {
    // A new sign-up per observation: only whether SignUp is allowed matters.
    let attempt = std::sync::atomic::AtomicU32::new(0);
    let see = |idp: Client| {
        let n = attempt.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let client_id = f.client_id.clone();
        async move {
            let signed_up = idp
                .sign_up()
                .client_id(client_id)
                .username(format!("signup-{n}"))
                .password(PASSWORD)
                .send()
                .await;
            outcome(signed_up)
        }
    };
    let before = same_before("UpdateUserPool", writer, other, see).await;
    let admin_only = AdminCreateUserConfigType::builder()
        .allow_admin_create_user_only(true)
        .build();
    writer
        .update_user_pool()
        .user_pool_id(&f.pool_id)
        .admin_create_user_config(admin_only)
        .send()
        .await
        .unwrap();
    honoured_by_both("UpdateUserPool", writer, other, &before, see).await;
}
