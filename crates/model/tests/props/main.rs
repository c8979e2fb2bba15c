//! Property tests of the request decoders: every operation of both AWS JSON services (the
//! generated `op::visit_all`), through the real dispatcher, with arbitrary bytes, arbitrary JSON,
//! bodies built from the model's own constraint tables, and those bodies with one member of the
//! wrong JSON type. Whatever comes in, the answer is a typed AWS error (HTTP 400, an
//! `x-amzn-ErrorType` equal to the body's `__type`) and never a panic; a body the validator
//! accepts always deserialises into the operation's input type.
//!
//! Case counts are small by default; `PROPTEST_CASES=N` runs N cases of each (scripts/fuzz).

#![allow(clippy::unwrap_used)]

mod values;

use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use cognate_awsjson::{ApiError, Operation, OperationVisitor, Registry};
use cognate_model::schema::{Kind, ShapeRef};
use cognate_model::{identity, idp};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

/// One operation as the properties need it: typed functions behind plain pointers.
struct Op {
    target: &'static str,
    root: ShapeRef,
    constraint_code: &'static str,
    validate: fn(&Value) -> Result<(), ApiError>,
    deserialize: fn(Value) -> Result<(), String>,
}

fn deserialize<O: Operation>(body: Value) -> Result<(), String> {
    serde_json::from_value::<O::Input>(body)
        .map(drop)
        .map_err(|e| e.to_string())
}

/// Collects a service's operations and registers each as `unsupported`, which runs the same
/// decoder (JSON parse, model validation, typed deserialisation) as a real handler.
struct Collect {
    inputs: &'static [(&'static str, ShapeRef)],
    constraint_code: &'static str,
    ops: Vec<Op>,
    registry: Registry,
}

impl OperationVisitor for Collect {
    fn visit<O: Operation>(&mut self) {
        let root = self
            .inputs
            .iter()
            .find(|(name, _)| *name == O::NAME)
            .map(|(_, shape)| *shape)
            .unwrap_or(&cognate_model::schema::EMPTY);
        self.ops.push(Op {
            target: O::TARGET,
            root,
            constraint_code: self.constraint_code,
            validate: O::validate,
            deserialize: deserialize::<O>,
        });
        self.registry.unsupported::<O>();
    }
}

struct Model {
    ops: Vec<Op>,
    registry: Registry,
    runtime: tokio::runtime::Runtime,
}

fn model() -> Model {
    let mut all = Collect {
        inputs: idp::shapes::INPUTS,
        constraint_code: idp::op::CONSTRAINT_ERROR,
        ops: Vec::new(),
        registry: Registry::new(),
    };
    idp::op::visit_all(&mut all);
    all.inputs = identity::shapes::INPUTS;
    all.constraint_code = identity::op::CONSTRAINT_ERROR;
    identity::op::visit_all(&mut all);
    let Collect { ops, registry, .. } = all;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    Model {
        ops,
        registry,
        runtime,
    }
}

/// `default_cases`, unless `PROPTEST_CASES` says otherwise.
fn runner(default_cases: u32) -> TestRunner {
    let config = Config::default();
    let cases = match std::env::var_os("PROPTEST_CASES") {
        Some(_) => config.cases,
        None => default_cases,
    };
    // Findings become plain #[test]s; no regression files.
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..config
    })
}

/// What the dispatcher answered: (status, `__type`).
fn dispatch(model: &Model, target: &str, body: Vec<u8>) -> Result<(u16, String), TestCaseError> {
    let mut headers = http_headers();
    if let Ok(value) = target.parse() {
        headers.insert("x-amz-target", value);
    }
    let response = model.runtime.block_on(cognate_awsjson::dispatch(
        &model.registry,
        "req".into(),
        headers,
        Bytes::from(body),
    ));
    let status = response.status().as_u16();
    let header = response
        .headers()
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = model
        .runtime
        .block_on(axum::body::to_bytes(response.into_body(), usize::MAX))
        .unwrap();
    let json: Value = serde_json::from_slice(&bytes)
        .map_err(|e| TestCaseError::fail(format!("reply is not JSON: {e}")))?;
    let code = json["__type"].as_str().unwrap_or_default().to_string();
    prop_assert!(json["message"].is_string(), "no message: {json}");
    prop_assert_eq!(header.as_deref(), Some(code.as_str()));
    Ok((status, code))
}

fn http_headers() -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    headers.insert(
        "content-type",
        http::HeaderValue::from_static("application/x-amz-json-1.1"),
    );
    headers
}

/// The codes a decoder may answer with, its own constraint code aside.
const PROTOCOL_CODES: [&str; 2] = ["SerializationException", "UnsupportedOperationException"];

#[test]
fn every_operation_of_the_model_is_visited() {
    let model = model();
    assert_eq!(
        model.ops.len(),
        idp::op::OPERATIONS.len() + identity::op::OPERATIONS.len()
    );
    let targets = model.registry.targets();
    assert!(idp::op::OPERATIONS.iter().all(|t| targets.contains(t)));
    assert!(identity::op::OPERATIONS.iter().all(|t| targets.contains(t)));
}

#[test]
fn arbitrary_bytes_get_a_typed_error() {
    let model = model();
    let bytes = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..256),
        values::any_json(Vec::new()).prop_map(|v| v.to_string().into_bytes()),
    ];
    let strategy = (any::<Index>(), bytes);
    runner(256)
        .run(&strategy, |(op, body)| {
            let op = op.get(&model.ops);
            let (status, code) = dispatch(&model, op.target, body)?;
            prop_assert_eq!(status, 400);
            prop_assert!(
                PROTOCOL_CODES.contains(&code.as_str()) || code == op.constraint_code,
                "{code}"
            );
            Ok(())
        })
        .unwrap();
}

#[test]
fn an_unknown_target_is_an_unknown_operation() {
    let model = model();
    runner(128)
        .run(&values::any_text(40), |target| {
            let known = model.ops.iter().any(|op| op.target == target);
            let (status, code) = dispatch(&model, &target, b"{}".to_vec())?;
            prop_assert_eq!(status, 400);
            if !known {
                prop_assert_eq!(code, "UnknownOperationException");
            }
            Ok(())
        })
        .unwrap();
}

/// Arbitrary JSON objects whose keys are mostly the operation's own members.
#[test]
fn arbitrary_json_gets_the_validators_answer() {
    let model = model();
    let strategy = per_operation(|n| values::any_json(member_names(n)));
    runner(256)
        .run(&strategy, |(n, body)| {
            check_body(&model, &model.ops[n], body)
        })
        .unwrap();
}

/// Bodies built from the model: with the right JSON types throughout, the only refusal is the
/// service's constraint error; and what validates, deserialises.
#[test]
fn model_bodies_validate_or_break_only_constraints() {
    let model = model();
    let strategy = per_operation(|n| values::model_value(ops_roots()[n], 0));
    runner(512)
        .run(&strategy, |(n, body)| {
            let op = &model.ops[n];
            if let Err(error) = (op.validate)(&body) {
                prop_assert_eq!(&error.code, op.constraint_code, "{}", error);
            } else {
                VALID.fetch_add(1, Ordering::Relaxed);
            }
            check_body(&model, op, body)
        })
        .unwrap();
    eprintln!(
        "model bodies: {} of the generated bodies were valid",
        VALID.load(Ordering::Relaxed)
    );
}

static VALID: AtomicUsize = AtomicUsize::new(0);

/// One member anywhere in a model body given a JSON type its shape never takes: a
/// SerializationException, whatever else is wrong with the body.
#[test]
fn a_wrong_typed_member_is_a_serialization_error() {
    let model = model();
    let strategy = (
        per_operation(|n| values::model_value(ops_roots()[n], 0)),
        any::<Index>(),
        any::<Index>(),
    );
    runner(512)
        .run(&strategy, |((n, mut body), place, wrong)| {
            let op = &model.ops[n];
            let mut places = Vec::new();
            mutable_places(op.root, &body, &mut Vec::new(), &mut places);
            let Some((path, kind)) = (!places.is_empty()).then(|| place.get(&places)) else {
                return Ok(());
            };
            let wrong_values = values::wrong_types(kind);
            if wrong_values.is_empty() {
                return Ok(());
            }
            *pointer_mut(&mut body, path) = wrong.get(&wrong_values).clone();
            let code = (op.validate)(&body).err().map(|e| e.code.to_string());
            prop_assert_eq!(
                code.as_deref(),
                Some("SerializationException"),
                "{:?}",
                path
            );
            let (status, code) = dispatch(&model, op.target, body.to_string().into_bytes())?;
            prop_assert_eq!(status, 400);
            prop_assert_eq!(code, "SerializationException");
            Ok(())
        })
        .unwrap();
}

/// The validator's verdict, the typed decoder's and the dispatcher's agree.
fn check_body(model: &Model, op: &Op, body: Value) -> Result<(), TestCaseError> {
    let verdict = (op.validate)(&body);
    let expected = match &verdict {
        Ok(()) => {
            if let Err(error) = (op.deserialize)(body.clone()) {
                return Err(TestCaseError::fail(format!(
                    "{} validated but does not deserialise: {error}\n{body}",
                    op.target
                )));
            }
            "UnsupportedOperationException".to_string()
        }
        Err(error) => {
            let code = error.code.to_string();
            prop_assert!(code == op.constraint_code || code == "SerializationException");
            code
        }
    };
    let (status, code) = dispatch(model, op.target, body.to_string().into_bytes())?;
    prop_assert_eq!(status, 400);
    prop_assert_eq!(code, expected);
    Ok(())
}

/// JSON pointer steps.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every place in `value` (a value of `shape`) whose JSON type can be made wrong.
fn mutable_places(
    shape: ShapeRef,
    value: &Value,
    path: &mut Vec<Step>,
    out: &mut Vec<(Vec<Step>, &'static Kind)>,
) {
    if !path.is_empty() {
        out.push((path.clone(), &shape.kind));
    }
    match (&shape.kind, value) {
        (Kind::Structure(members), Value::Object(object)) => {
            for member in *members {
                if let Some(child) = object.get(member.name) {
                    path.push(Step::Key(member.name.to_string()));
                    mutable_places(member.shape, child, path, out);
                    path.pop();
                }
            }
        }
        (Kind::List { member, .. }, Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                mutable_places(member, item, path, out);
                path.pop();
            }
        }
        (Kind::Map { value: shape, .. }, Value::Object(entries)) => {
            for (key, item) in entries {
                path.push(Step::Key(key.clone()));
                mutable_places(shape, item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn pointer_mut<'v>(value: &'v mut Value, path: &[Step]) -> &'v mut Value {
    path.iter().fold(value, |value, step| match step {
        Step::Key(key) => &mut value[key.as_str()],
        Step::Index(i) => &mut value[*i],
    })
}

/// An operation (its index in the model) and a body for it, built once the operation is picked.
fn per_operation<S: Strategy>(body: fn(usize) -> S) -> impl Strategy<Value = (usize, S::Value)> {
    any::<Index>().prop_flat_map(move |op| {
        let n = op.index(model_ops_len());
        (Just(n), body(n))
    })
}

// The strategies are built per case from the operation picked; these give them what they need
// without borrowing the model (strategies must be 'static).
fn model_ops_len() -> usize {
    ops_roots().len()
}

fn ops_roots() -> &'static [ShapeRef] {
    static ROOTS: std::sync::OnceLock<Vec<ShapeRef>> = std::sync::OnceLock::new();
    ROOTS.get_or_init(|| model().ops.iter().map(|op| op.root).collect())
}

fn member_names(n: usize) -> Vec<&'static str> {
    ops_roots()[n].members().iter().map(|m| m.name).collect()
}
