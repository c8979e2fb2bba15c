//! The audit log (target `cognate::audit`): one structured event per admin or management call
//! (every operation AWS signs), with the operation, the pool, the target user, the outcome,
//! the request id and, in the SigV4-guarded mode, the caller's access key; refused and
//! throttled calls too; public operations not at all; never a password, session, token or
//! secret. Captured with an in-process subscriber (the testkit runs the server in-process);
//! the tests of this binary share it, so each test finds its calls by request id.

use std::sync::{Mutex, Once};

use aws_sdk_cognitoidentityprovider::error::SdkError;
use aws_sdk_cognitoidentityprovider::operation::RequestId;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ChallengeNameType, ExplicitAuthFlowsType, MessageActionType,
};
use cognate_server::Config;
use cognate_server::config::AccessKey;
use cognate_testkit::{TestApp, backend_tests};
use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;

use crate::auth::secret_hash;
use crate::sigv4_mode::client_with;

backend_tests!(
    config = audited;
    every_admin_call_is_one_event_without_secrets
);

const ACCESS_KEY: &str = "AKIDAUDITLOG0000001";

/// The SigV4-guarded mode with one key, and a quota of one ListUsers call a second.
fn audited(config: &mut Config) {
    config.security.auth = "sigv4".into();
    config.security.credentials = vec![AccessKey {
        access_key_id: ACCESS_KEY.into(),
        secret_access_key: "audit/secret/key".into(),
    }];
    config.quotas.enabled = true;
    config.quotas.rps.insert("UserList".into(), 1);
}

// ------------------------------------------------------------------------- the subscriber

/// Every audit event of this process, as field → value.
static EVENTS: Mutex<Vec<Map<String, Value>>> = Mutex::new(Vec::new());

struct Capture;

impl<S: tracing::Subscriber> Layer<S> for Capture {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let mut fields = Fields(Map::new());
        event.record(&mut fields);
        EVENTS.lock().unwrap().push(fields.0);
    }
}

struct Fields(Map<String, Value>);

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().into(), format!("{value:?}").into());
    }
}

/// Installs the capturing subscriber once for the whole test binary (audit events only).
fn capture_audit_events() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let only_audit = Targets::new().with_target("cognate::audit", tracing::Level::INFO);
        let subscriber = tracing_subscriber::registry().with(Capture.with_filter(only_audit));
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global subscriber in tests/it");
    });
}

/// The events logged for `request_id`.
fn events_of(request_id: &str) -> Vec<Map<String, Value>> {
    EVENTS
        .lock()
        .unwrap()
        .iter()
        .filter(|event| event["request_id"] == request_id)
        .cloned()
        .collect()
}

/// The one event of `request_id`, checked against what the call was.
fn expect_event(request_id: Option<&str>, expected: &[(&str, &str)]) {
    let request_id = request_id.expect("the answer has a request id");
    let events = events_of(request_id);
    assert_eq!(events.len(), 1, "one event for {request_id}: {events:?}");
    let event = &events[0];
    for (name, value) in expected {
        let logged = match &event[*name] {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        assert_eq!(logged, *value, "{name} of {event:?}");
    }
}

fn request_id_of<T: RequestId, E, R>(result: &Result<T, SdkError<E, R>>) -> Option<String>
where
    SdkError<E, R>: RequestId,
{
    match result {
        Ok(output) => output.request_id().map(str::to_string),
        Err(error) => error.request_id().map(str::to_string),
    }
}

// ------------------------------------------------------------------------------- the test

async fn every_admin_call_is_one_event_without_secrets(app: TestApp) {
    capture_audit_events();
    let admin = client_with(&app, ACCESS_KEY, "audit/secret/key");
    let ok_by = |op: &'static str, user: &'static str| {
        vec![
            ("operation", op),
            ("user", user),
            ("outcome", "ok"),
            ("status", "200"),
            ("caller", ACCESS_KEY),
        ]
    };
    let mut secrets: Vec<String> = vec!["Temp0rary!Secret1".into(), "Perm4nent!Secret2".into()];

    let created = admin
        .create_user_pool()
        .pool_name("audited")
        .send()
        .await
        .unwrap();
    let pool_id = created.user_pool.as_ref().unwrap().id.clone().unwrap();
    expect_event(created.request_id(), &ok_by("CreateUserPool", ""));
    let client = admin
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("admin")
        .generate_secret(true)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowAdminUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap();
    let mut expected = ok_by("CreateUserPoolClient", "");
    expected.push(("user_pool", &pool_id));
    expect_event(client.request_id(), &expected);
    let client = client.user_pool_client.unwrap();
    let (client_id, client_secret) = (client.client_id.unwrap(), client.client_secret.unwrap());
    let hash = secret_hash("audited", &client_id, &client_secret);
    secrets.extend([client_secret, hash.clone()]);

    let user = admin
        .admin_create_user()
        .user_pool_id(&pool_id)
        .username("audited")
        .temporary_password("Temp0rary!Secret1")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    expect_event(user.request_id(), &ok_by("AdminCreateUser", "audited"));

    // The admin sign-in: the user named inside the parameters; password, session, new
    // password and tokens never logged.
    let started = admin
        .admin_initiate_auth()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "audited")
        .auth_parameters("PASSWORD", "Temp0rary!Secret1")
        .auth_parameters("SECRET_HASH", &hash)
        .send()
        .await
        .unwrap();
    expect_event(started.request_id(), &ok_by("AdminInitiateAuth", "audited"));
    assert_eq!(
        started.challenge_name,
        Some(ChallengeNameType::NewPasswordRequired)
    );
    let session = started.session.unwrap();
    secrets.push(session.clone());
    let answered = admin
        .admin_respond_to_auth_challenge()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(session)
        .challenge_responses("USERNAME", "audited")
        .challenge_responses("NEW_PASSWORD", "Perm4nent!Secret2")
        .challenge_responses("SECRET_HASH", &hash)
        .send()
        .await
        .unwrap();
    expect_event(
        answered.request_id(),
        &ok_by("AdminRespondToAuthChallenge", "audited"),
    );
    let tokens = answered.authentication_result.unwrap();
    let access_token = tokens.access_token.unwrap();
    secrets.extend([
        access_token.clone(),
        tokens.id_token.unwrap(),
        tokens.refresh_token.unwrap(),
    ]);

    let set = admin
        .admin_set_user_password()
        .user_pool_id(&pool_id)
        .username("audited")
        .password("Perm4nent!Secret3")
        .permanent(true)
        .send()
        .await
        .unwrap();
    secrets.push("Perm4nent!Secret3".into());
    expect_event(set.request_id(), &ok_by("AdminSetUserPassword", "audited"));

    // An error is the outcome.
    let missing = admin
        .admin_get_user()
        .user_pool_id(&pool_id)
        .username("ghost")
        .send()
        .await;
    expect_event(
        request_id_of(&missing).as_deref(),
        &[
            ("operation", "AdminGetUser"),
            ("user_pool", &pool_id),
            ("user", "ghost"),
            ("outcome", "UserNotFoundException"),
            ("status", "400"),
            ("caller", ACCESS_KEY),
        ],
    );

    // A call signed with an unknown key is refused and logged, with no caller.
    let intruder = client_with(&app, "AKIDUNKNOWN00000000", "guess");
    let refused = intruder
        .admin_delete_user()
        .user_pool_id(&pool_id)
        .username("audited")
        .send()
        .await;
    expect_event(
        request_id_of(&refused).as_deref(),
        &[
            ("operation", "AdminDeleteUser"),
            ("user", "audited"),
            ("outcome", "UnrecognizedClientException"),
            ("caller", ""),
        ],
    );

    // Public operations are no admin calls: not logged.
    let public = app
        .idp
        .get_user()
        .access_token(&access_token)
        .send()
        .await
        .unwrap();
    let public_id = public.request_id().unwrap();
    assert!(events_of(public_id).is_empty(), "GetUser is not audited");

    // Throttled or not, each call is one event with its own outcome (how many are throttled
    // depends on timing; that each is logged as answered does not).
    for _ in 0..4 {
        let listed = admin.list_users().user_pool_id(&pool_id).send().await;
        let outcome = match &listed {
            Ok(_) => "ok".to_string(),
            Err(error) => {
                use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
                error.code().unwrap_or_default().to_string()
            }
        };
        expect_event(
            request_id_of(&listed).as_deref(),
            &[
                ("operation", "ListUsers"),
                ("outcome", &outcome),
                ("caller", ACCESS_KEY),
            ],
        );
    }

    // Never a secret, in any event of this process.
    let everything = serde_json::to_string(&*EVENTS.lock().unwrap()).unwrap();
    for secret in &secrets {
        assert!(
            !everything.contains(secret.as_str()),
            "a secret was logged: {secret}"
        );
    }
    let fields: Vec<_> = events_of(user.request_id().unwrap())[0]
        .keys()
        .cloned()
        .collect();
    assert_eq!(
        fields,
        [
            "caller",
            "identity_pool",
            "message",
            "operation",
            "outcome",
            "request_id",
            "status",
            "user",
            "user_pool"
        ]
    );
}
