//! Hostile characters in any string the model types: for every operation of both services and
//! every string member of its input (nested members too, three levels down), a value with
//! U+0000, with other control characters, or with an unpaired surrogate escape gets a 2xx or a
//! typed 4xx, never a 5xx, and the same on SQLite and Postgres (which cannot store U+0000).
//! The other members a request needs are filled with a real pool, client, user, group and
//! identity pool, so that values which pass validation reach the handlers and the store.
//! The endpoints outside the JSON API (OAuth, hosted pages, OIDC documents, STS, `/_cognate/`)
//! answer U+0000 in a path, a query or a form with a 400, and other control characters without
//! a 5xx.

use cognate_model::schema::{Kind, Shape, ShapeRef};
use cognate_model::{identity, idp};
use cognate_testkit::{PASSWORD, TestApp, backend_tests};
use serde_json::{Map, Value, json};

use crate::auth::sign_in;
use crate::identity_pools::identity_pool;

backend_tests!(
    hostile_strings_never_answer_5xx,
    the_other_endpoints_refuse_the_null_character,
);

/// How deep into nested structures, lists and maps the members are tried.
const MAX_DEPTH: usize = 3;
/// A placeholder replaced in the JSON text by an escape serde cannot hold in a `String`.
const LONE_SURROGATE: &str = "@@lone-surrogate@@";
const HOSTILE: &[&str] = &[
    "a\u{0}b",
    "\u{0}",
    "x\u{1}\u{8}\u{1b}\u{7f}y",
    LONE_SURROGATE,
];

/// One step from a structure to a string inside it.
#[derive(Clone, Copy)]
enum Step {
    Member(&'static str),
    Item,
    Value,
}

/// Real values for the members that name something, so requests get past "not found".
struct Fixture {
    names: Vec<(&'static str, String)>,
}

impl Fixture {
    async fn new(app: &TestApp) -> Self {
        let (pool_id, client_id) = app.pool_with_client().await;
        app.confirmed_user(&pool_id, "alice", PASSWORD).await;
        let access_token = sign_in(app, &client_id, "alice", PASSWORD)
            .await
            .access_token
            .unwrap();
        app.idp
            .create_group()
            .user_pool_id(&pool_id)
            .group_name("admins")
            .send()
            .await
            .unwrap();
        let identity_pool_id = identity_pool(app, true, vec![]).await;
        Self {
            names: vec![
                ("UserPoolId", pool_id),
                ("ClientId", client_id),
                ("Username", "alice".into()),
                ("AccessToken", access_token),
                ("GroupName", "admins".into()),
                ("IdentityPoolId", identity_pool_id),
            ],
        }
    }

    fn value_of(&self, member: &str) -> Option<&str> {
        self.names
            .iter()
            .find(|(name, _)| *name == member)
            .map(|(_, value)| value.as_str())
    }
}

async fn hostile_strings_never_answer_5xx(app: TestApp) {
    let fixture = Fixture::new(&app).await;
    let services = [
        (idp::op::OPERATIONS, idp::shapes::ALL, "Request"),
        (identity::op::OPERATIONS, identity::shapes::ALL, "Input"),
    ];
    let mut sent = 0;
    for (operations, shapes, suffix) in services {
        for target in operations {
            let name = target.rsplit('.').next().unwrap();
            let Some(input) = shapes
                .iter()
                .find(|shape| shape.name == format!("{name}{suffix}"))
            else {
                continue; // No input: nothing to put a string in.
            };
            let base = required_members(input, &fixture, 0);
            for path in string_paths(input, 0) {
                for hostile in HOSTILE {
                    let body = with_value(&base, &path, hostile);
                    let text = body
                        .to_string()
                        .replace(&format!("\"{LONE_SURROGATE}\""), "\"\\ud800\"");
                    assert_typed_answer(&app, target, text).await;
                    sent += 1;
                }
            }
        }
    }
    assert!(
        sent > 1000,
        "only {sent} requests: the model walk found too little"
    );
}

async fn assert_typed_answer(app: &TestApp, target: &str, body: String) {
    let response = app
        .http
        .post(&app.endpoint)
        .header("X-Amz-Target", target)
        .header("Content-Type", "application/x-amz-json-1.1")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    let status = response.status();
    let reply: Value = response.json().await.unwrap_or(Value::Null);
    assert!(
        status.as_u16() < 500,
        "{target} answered {status} {reply} to {body}"
    );
    if !status.is_success() {
        assert!(reply["__type"].is_string(), "{target}: untyped {reply}");
    }
}

/// The input with its required members filled: fixture values by name, else plain ones.
fn required_members(shape: ShapeRef, fixture: &Fixture, depth: usize) -> Value {
    match &shape.kind {
        Kind::Structure(members) if depth < MAX_DEPTH => {
            let object: Map<String, Value> = members
                .iter()
                .filter(|member| member.required)
                .map(|member| {
                    let value = match fixture.value_of(member.name) {
                        Some(real) => json!(real),
                        None => required_members(member.shape, fixture, depth + 1),
                    };
                    (member.name.to_string(), value)
                })
                .collect();
            Value::Object(object)
        }
        Kind::String(rules) => json!(rules.enum_values.first().copied().unwrap_or("x")),
        Kind::Integer(range) | Kind::Long(range) => json!(range.min.unwrap_or(1).max(1)),
        Kind::Boolean => json!(false),
        Kind::Double | Kind::Timestamp => json!(1),
        Kind::List { .. } => json!([]),
        _ => json!({}),
    }
}

/// Every path from `shape` to a string (a member, a list item, a map value), depth-bounded.
fn string_paths(shape: &Shape, depth: usize) -> Vec<Vec<Step>> {
    if depth > MAX_DEPTH {
        return Vec::new();
    }
    let nested = |step: Step, inner: ShapeRef| {
        string_paths(inner, depth + 1)
            .into_iter()
            .map(move |mut path| {
                path.insert(0, step);
                path
            })
    };
    match &shape.kind {
        Kind::String(_) => vec![Vec::new()],
        Kind::Structure(members) => members
            .iter()
            .flat_map(|member| nested(Step::Member(member.name), member.shape))
            .collect(),
        Kind::List { member, .. } => nested(Step::Item, member).collect(),
        Kind::Map { value, .. } => nested(Step::Value, value).collect(),
        _ => Vec::new(),
    }
}

/// `base` with `value` at `path`, making the structures, lists and maps on the way.
fn with_value(base: &Value, path: &[Step], value: &str) -> Value {
    let Some((step, rest)) = path.split_first() else {
        return json!(value);
    };
    match step {
        Step::Member(name) => {
            let mut object = base.as_object().cloned().unwrap_or_default();
            let inner = object.get(*name).cloned().unwrap_or(Value::Null);
            object.insert(name.to_string(), with_value(&inner, rest, value));
            Value::Object(object)
        }
        Step::Item => json!([with_value(&Value::Null, rest, value)]),
        Step::Value => json!({ "key": with_value(&Value::Null, rest, value) }),
    }
}

async fn the_other_endpoints_refuse_the_null_character(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    let gets = [
        "/oauth2/authorize?client_id={c}&response_type=code&redirect_uri=https://example.com/cb",
        "/login?client_id={c}&response_type=code&redirect_uri=https://example.com/cb",
        "/{p}/.well-known/jwks.json",
        "/{p}/.well-known/openid-configuration",
        "/_cognate/outbox?pool_id={p}",
        "/_cognate/invocations?pool_id={p}",
    ];
    let forms = [
        (
            "/oauth2/token",
            "grant_type=client_credentials&client_id={c}",
        ),
        (
            "/oauth2/token",
            "grant_type=authorization_code&code={c}&client_id={c}&redirect_uri=x",
        ),
        (
            "/oauth2/token",
            "grant_type=refresh_token&refresh_token={c}&client_id={c}",
        ),
        ("/oauth2/revoke", "token={c}&client_id={c}"),
        (
            "/",
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn={c}&RoleSessionName=s&WebIdentityToken={c}",
        ),
    ];
    for (encoded, refused) in [("%00", true), ("%01%1B%7F", false)] {
        let fill = |template: &str| {
            template
                .replace("{p}", &format!("{pool_id}{encoded}"))
                .replace("{c}", &format!("{client_id}{encoded}"))
        };
        for get in gets {
            let url = format!("{}{}", app.endpoint, fill(get));
            let status = app.http.get(&url).send().await.unwrap().status();
            assert_answer(status, refused, &url);
        }
        for (path, form) in forms {
            let form = fill(form);
            let status = app
                .http
                .post(format!("{}{path}", app.endpoint))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(form.clone())
                .send()
                .await
                .unwrap()
                .status();
            assert_answer(status, refused, &format!("{path} {form}"));
        }
    }
}

fn assert_answer(status: reqwest::StatusCode, refused: bool, what: &str) {
    if refused {
        assert_eq!(status.as_u16(), 400, "{what}");
    } else {
        assert!(status.as_u16() < 500, "{what}: {status}");
    }
}
