//! `op.rs` (operation markers), `shapes.rs` (the constraint table) and the service's `mod.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use anyhow::{Context, Result, bail};

use crate::botocore::ShapeDef;
use crate::names;
use crate::service::Service;

macro_rules! out {
    ($dst:expr, $($arg:tt)*) => {{
        let _ = writeln!($dst, $($arg)*);
    }};
}

pub fn module(svc: &Service<'_>, has_enums: bool) -> String {
    let meta = &svc.model.metadata;
    let mut text = svc.header();
    out!(
        text,
        "//! The `{}` service ({} protocol).",
        meta.endpoint_prefix,
        meta.protocol
    );
    if !svc.renamed.is_empty() {
        out!(text, "//!");
        out!(
            text,
            "//! Shapes renamed because their names are taken by the generated code:"
        );
        for (shape, name) in &svc.renamed {
            out!(text, "//! - `{shape}` is [`{name}`].");
        }
    }
    out!(text, "");
    if has_enums {
        out!(text, "mod enums;");
    }
    out!(text, "mod errors;");
    out!(text, "pub mod op;");
    out!(text, "pub mod shapes;");
    out!(text, "mod types;");
    out!(text, "");
    out!(text, "pub use crate::Empty;");
    if has_enums {
        out!(text, "pub use enums::*;");
    }
    out!(text, "pub use errors::ErrorCode;");
    out!(text, "pub use types::*;");
    text
}

fn io_type(svc: &Service<'_>, shape: Option<&str>) -> Result<String> {
    match shape {
        Some(shape) => Ok(format!("super::{}", svc.type_name(shape)?)),
        None => Ok("crate::Empty".to_owned()),
    }
}

pub fn ops(svc: &Service<'_>) -> Result<String> {
    let meta = &svc.model.metadata;
    let mut ops: Vec<_> = svc.model.operations.iter().map(|(_, op)| op).collect();
    ops.sort_by(|a, b| a.name.cmp(&b.name));

    let mut text = svc.header();
    if svc.is_json() {
        let prefix = meta
            .target_prefix
            .as_deref()
            .context("a JSON service without targetPrefix")?;
        out!(
            text,
            "//! One marker type per operation, implementing [`Operation`]."
        );
        out!(text, "");
        out!(
            text,
            "use cognate_awsjson::{{ApiError, Operation, OperationVisitor}};"
        );
        out!(text, "");
        out!(
            text,
            "/// Every operation's full target (`X-Amz-Target`), sorted."
        );
        out!(text, "pub const OPERATIONS: &[&str] = &[");
        for op in &ops {
            out!(text, "    \"{prefix}.{}\",", op.name);
        }
        out!(text, "];");
        out!(text, "");
        out!(
            text,
            "/// The operations AWS serves without a SigV4 signature (the model's `authtype: none`), sorted."
        );
        out!(text, "pub const UNSIGNED_OPERATIONS: &[&str] = &[");
        for op in ops.iter().filter(|op| op.unsigned()) {
            out!(text, "    \"{prefix}.{}\",", op.name);
        }
        out!(text, "];");
        out!(text, "");
        out!(
            text,
            "/// The code a broken model constraint (required, length, range, enum, pattern) is answered with."
        );
        out!(
            text,
            "pub const CONSTRAINT_ERROR: &str = {:?};",
            svc.constraint_error
        );
        out!(text, "");
        out!(
            text,
            "/// Calls `visitor` with every operation's marker type, in `OPERATIONS` order."
        );
        out!(
            text,
            "pub fn visit_all(visitor: &mut impl OperationVisitor) {{"
        );
        for op in &ops {
            out!(text, "    visitor.visit::<{}>();", op.name);
        }
        out!(text, "}}");
        for op in &ops {
            let input = op.input.as_ref().map(|t| t.shape.as_str());
            let output = op.output.as_ref().map(|t| t.shape.as_str());
            let root = match input {
                Some(shape) => format!("&super::shapes::{}", names::screaming(shape)),
                None => "&crate::schema::EMPTY".to_owned(),
            };
            out!(text, "");
            out!(text, "/// `{prefix}.{}`", op.name);
            out!(text, "#[derive(Debug, Clone, Copy, Default)]");
            out!(text, "pub struct {};", op.name);
            out!(text, "");
            out!(text, "impl Operation for {} {{", op.name);
            out!(
                text,
                "    const TARGET: &'static str = \"{prefix}.{}\";",
                op.name
            );
            out!(text, "    const NAME: &'static str = \"{}\";", op.name);
            out!(text, "    type Input = {};", io_type(svc, input)?);
            out!(text, "    type Output = {};", io_type(svc, output)?);
            out!(text, "");
            out!(
                text,
                "    fn validate(body: &serde_json::Value) -> Result<(), ApiError> {{"
            );
            out!(
                text,
                "        crate::validate::validate({root}, body, CONSTRAINT_ERROR)"
            );
            out!(text, "    }}");
            out!(text, "}}");
        }
    } else {
        out!(
            text,
            "//! The operations of a {} protocol service: names only (the transport is not",
            meta.protocol
        );
        out!(
            text,
            "//! AWS JSON, so there are no [`cognate_awsjson::Operation`] impls)."
        );
        out!(text, "");
        out!(
            text,
            "/// Every operation's name (the `Action` parameter), sorted."
        );
        out!(text, "pub const OPERATIONS: &[&str] = &[");
        for op in &ops {
            out!(text, "    {:?},", op.name);
        }
        out!(text, "];");
        out!(text, "");
        out!(
            text,
            "/// `(operation, input type, output type, result wrapper element)`, sorted by operation."
        );
        out!(
            text,
            "pub const SIGNATURES: &[(&str, &str, &str, &str)] = &["
        );
        for op in &ops {
            let input = op
                .input
                .as_ref()
                .map(|t| t.shape.as_str())
                .unwrap_or("Empty");
            let (output, wrapper) = match &op.output {
                Some(t) => (
                    t.shape.as_str(),
                    t.result_wrapper.as_deref().unwrap_or_default(),
                ),
                None => ("Empty", ""),
            };
            out!(
                text,
                "    ({:?}, {:?}, {:?}, {:?}),",
                op.name,
                input,
                output,
                wrapper
            );
        }
        out!(text, "];");
    }
    Ok(text)
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    match v {
        Some(v) => format!("Some({v})"),
        None => "None".to_owned(),
    }
}

fn number(shape_name: &str, n: Option<&serde_json::Number>) -> Result<Option<i64>> {
    match n {
        None => Ok(None),
        Some(n) => match n.as_i64() {
            Some(v) => Ok(Some(v)),
            None => bail!("shape {shape_name}: non-integer bound {n}"),
        },
    }
}

fn length(shape_name: &str, shape: &ShapeDef) -> Result<String> {
    let min = number(shape_name, shape.min.as_ref())?;
    let max = number(shape_name, shape.max.as_ref())?;
    if min.is_none() && max.is_none() {
        return Ok("Length::NONE".to_owned());
    }
    let to_u64 = |v: Option<i64>| -> Result<Option<u64>> {
        v.map(|v| u64::try_from(v).with_context(|| format!("shape {shape_name}: negative length")))
            .transpose()
    };
    Ok(format!(
        "Length::new({}, {})",
        opt(to_u64(min)?),
        opt(to_u64(max)?)
    ))
}

fn range(shape_name: &str, shape: &ShapeDef) -> Result<String> {
    let min = number(shape_name, shape.min.as_ref())?;
    let max = number(shape_name, shape.max.as_ref())?;
    if min.is_none() && max.is_none() {
        return Ok("Range::NONE".to_owned());
    }
    Ok(format!("Range::new({}, {})", opt(min), opt(max)))
}

pub fn shapes(svc: &Service<'_>) -> Result<String> {
    let reachable = svc.input_shapes()?;
    let mut statics: BTreeMap<&str, String> = BTreeMap::new();
    let mut used = BTreeSet::from(["ALL".to_owned(), "INPUTS".to_owned()]);
    for name in &reachable {
        let ident = names::screaming(name);
        if !used.insert(ident.clone()) {
            bail!("two shapes map to the static {ident}");
        }
        statics.insert(name, ident);
    }
    let ident = |name: &str| -> Result<&String> {
        statics
            .get(name)
            .with_context(|| format!("shape {name} is not in the input table"))
    };

    let mut body = String::new();
    let mut kinds_used = BTreeSet::new();
    for name in &reachable {
        let shape = svc.shape(name)?;
        let kind = match shape.ty.as_str() {
            "structure" if shape.document => "Kind::Document".to_owned(),
            "structure" => {
                kinds_used.insert("Member");
                let mut members = String::new();
                for (member, def) in shape.members.iter() {
                    let required = shape.required.iter().any(|r| r == member);
                    let _ = writeln!(
                        members,
                        "        Member::new({}, {}, &{}, {required}),",
                        names::literal(member),
                        names::literal(&names::lower_first(member)),
                        ident(&def.shape)?
                    );
                }
                if members.is_empty() {
                    "Kind::Structure(&[])".to_owned()
                } else {
                    format!("Kind::Structure(&[\n{members}    ])")
                }
            }
            "string" => {
                kinds_used.insert("Length");
                kinds_used.insert("StringRules");
                let pattern = match &shape.pattern {
                    Some(p) => {
                        kinds_used.insert("Pattern");
                        format!("Some(Pattern::new({}))", names::literal(p))
                    }
                    None => "None".to_owned(),
                };
                let values = match &shape.enum_values {
                    Some(values) => {
                        let list: Vec<String> = values.iter().map(|v| names::literal(v)).collect();
                        format!("&[{}]", list.join(", "))
                    }
                    None => "&[]".to_owned(),
                };
                format!(
                    "Kind::String(StringRules::new({}, {pattern}, {values}))",
                    length(name, shape)?
                )
            }
            "integer" => {
                kinds_used.insert("Range");
                format!("Kind::Integer({})", range(name, shape)?)
            }
            "long" => {
                kinds_used.insert("Range");
                format!("Kind::Long({})", range(name, shape)?)
            }
            "boolean" => "Kind::Boolean".to_owned(),
            "double" | "float" => "Kind::Double".to_owned(),
            "timestamp" => "Kind::Timestamp".to_owned(),
            "blob" => {
                kinds_used.insert("Length");
                format!("Kind::Blob({})", length(name, shape)?)
            }
            "list" => {
                kinds_used.insert("Length");
                let member = shape.member.as_ref().context("list without member")?;
                format!(
                    "Kind::List {{\n        member: &{},\n        length: {},\n    }}",
                    ident(&member.shape)?,
                    length(name, shape)?
                )
            }
            "map" => {
                kinds_used.insert("Length");
                let key = shape.key.as_ref().context("map without key")?;
                let value = shape.value.as_ref().context("map without value")?;
                format!(
                    "Kind::Map {{\n        key: &{},\n        value: &{},\n        length: {},\n    }}",
                    ident(&key.shape)?,
                    ident(&value.shape)?,
                    length(name, shape)?
                )
            }
            other => bail!("shape {name}: unsupported type {other}"),
        };
        out!(body, "");
        out!(
            body,
            "pub static {}: Shape = Shape::new({}, {}, {kind});",
            ident(name)?,
            names::literal(name),
            shape.sensitive
        );
    }

    let mut text = svc.header();
    out!(
        text,
        "//! The constraint table of the {} model: every shape reachable from an operation input.",
        svc.model.metadata.endpoint_prefix
    );
    out!(text, "");
    let mut imports = vec!["Kind", "Shape"];
    imports.extend(kinds_used.iter().copied());
    imports.sort_unstable();
    out!(text, "use crate::schema::{{{}}};", imports.join(", "));
    out!(text, "");
    out!(text, "/// Every shape of this table, sorted by name.");
    out!(text, "pub static ALL: &[&Shape] = &[");
    for name in &reachable {
        out!(text, "    &{},", ident(name)?);
    }
    out!(text, "];");
    out!(text, "");
    out!(
        text,
        "/// Each operation's input shape, sorted by operation name."
    );
    out!(text, "pub static INPUTS: &[(&str, &Shape)] = &[");
    let mut ops: Vec<_> = svc.model.operations.iter().map(|(_, op)| op).collect();
    ops.sort_by(|a, b| a.name.cmp(&b.name));
    for op in ops {
        let root = match &op.input {
            Some(t) => format!("&{}", ident(&t.shape)?),
            None => "&crate::schema::EMPTY".to_owned(),
        };
        out!(text, "    ({:?}, {root}),", op.name);
    }
    out!(text, "];");
    text.push_str(&body);
    Ok(text)
}
