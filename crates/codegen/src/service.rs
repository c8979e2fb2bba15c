//! One service of the model, with the naming decisions every emitter shares.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, bail};

use crate::botocore::{Model, ShapeDef};
use crate::names;

pub struct Service<'m> {
    /// The Rust module name: `idp`, `identity`, `sts`.
    pub module: &'static str,
    pub model: &'m Model,
    /// Shape name → Rust type name, for structures and enums (the shapes that become types).
    pub type_names: BTreeMap<&'m str, String>,
    /// Shape renames forced by reserved names, reported in the generated docs.
    pub renamed: Vec<(String, String)>,
    /// Enums used as a required member: they need a `Default` for their structs to have one.
    pub default_enums: BTreeSet<&'m str>,
    /// The error code of a broken model constraint (see `SERVICES` in `main.rs`).
    pub constraint_error: &'static str,
}

impl<'m> Service<'m> {
    pub fn new(
        module: &'static str,
        model: &'m Model,
        constraint_error: &'static str,
    ) -> Result<Self> {
        let mut type_names = BTreeMap::new();
        let mut renamed = Vec::new();
        let mut taken: BTreeSet<String> = names::RESERVED_TYPES
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let typed = model
            .shapes
            .iter()
            .filter(|(_, s)| s.is_struct() || s.is_enum());
        // Plain names first, so that a rename can never steal another shape's own name.
        let mut wanted: Vec<(&str, String)> =
            typed.map(|(n, _)| (n, names::type_name(n))).collect();
        wanted.sort();
        for (_, name) in &wanted {
            if !names::RESERVED_TYPES.contains(&name.as_str()) && !taken.insert(name.clone()) {
                bail!("two shapes map to the Rust type name {name}");
            }
        }
        for (shape, name) in wanted {
            let final_name = if names::RESERVED_TYPES.contains(&name.as_str()) {
                let alternative = ["Type", "Shape", "Value"]
                    .iter()
                    .map(|suffix| format!("{name}{suffix}"))
                    .find(|candidate| !taken.contains(candidate));
                let Some(alternative) = alternative else {
                    bail!("no free Rust name for shape {shape}");
                };
                taken.insert(alternative.clone());
                renamed.push((shape.to_owned(), alternative.clone()));
                alternative
            } else {
                name
            };
            type_names.insert(shape, final_name);
        }

        let mut default_enums = BTreeSet::new();
        for (_, shape) in model.shapes.iter().filter(|(_, s)| s.is_struct()) {
            for (member, def) in shape.members.iter() {
                if shape.required.iter().any(|r| r == member) && model.shape(&def.shape)?.is_enum()
                {
                    default_enums.insert(def.shape.as_str());
                }
            }
        }
        Ok(Self {
            module,
            model,
            type_names,
            renamed,
            default_enums,
            constraint_error,
        })
    }

    pub fn is_json(&self) -> bool {
        self.model.metadata.protocol == "json"
    }

    pub fn shape(&self, name: &str) -> Result<&'m ShapeDef> {
        self.model.shape(name)
    }

    pub fn type_name(&self, shape: &str) -> Result<&str> {
        match self.type_names.get(shape) {
            Some(name) => Ok(name),
            None => bail!("shape {shape} has no Rust type"),
        }
    }

    /// The Rust type of a value of `shape`. `sensitive` is inherited from a sensitive container
    /// (a sensitive map's string values are `Sensitive` too).
    pub fn rust_type(&self, shape_name: &str, sensitive: bool) -> Result<RustType> {
        let shape = self.shape(shape_name)?;
        let sensitive = sensitive || shape.sensitive;
        let text = match shape.ty.as_str() {
            "structure" if shape.document => "serde_json::Value".to_owned(),
            "structure" => self.type_name(shape_name)?.to_owned(),
            "string" if shape.is_enum() => {
                return Ok(RustType {
                    text: self.type_name(shape_name)?.to_owned(),
                    uses_enum: true,
                    uses_map: false,
                });
            }
            "string" | "blob" if sensitive => "crate::Sensitive".to_owned(),
            "string" | "blob" => "String".to_owned(),
            "integer" => "i32".to_owned(),
            "long" => "i64".to_owned(),
            "boolean" => "bool".to_owned(),
            "double" | "float" | "timestamp" => "f64".to_owned(),
            "list" => {
                let Some(member) = &shape.member else {
                    bail!("list {shape_name} without member")
                };
                let inner = self.rust_type(&member.shape, sensitive)?;
                return Ok(RustType {
                    text: format!("Vec<{}>", inner.text),
                    ..inner
                });
            }
            "map" => {
                let Some(value) = &shape.value else {
                    bail!("map {shape_name} without value")
                };
                let inner = self.rust_type(&value.shape, sensitive)?;
                return Ok(RustType {
                    text: format!("BTreeMap<String, {}>", inner.text),
                    uses_map: true,
                    ..inner
                });
            }
            other => bail!("shape {shape_name}: unsupported type {other}"),
        };
        Ok(RustType {
            text,
            uses_enum: false,
            uses_map: false,
        })
    }

    /// Whether a member of structure `owner` typed `target` must be boxed: `target` leads back
    /// to `owner` through members held inline (lists and maps already allocate).
    pub fn needs_box(&self, owner: &str, target: &str) -> Result<bool> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![target];
        while let Some(name) = stack.pop() {
            let shape = self.shape(name)?;
            if !shape.is_struct() || !seen.insert(name) {
                continue;
            }
            for (_, member) in shape.members.iter() {
                if member.shape == owner {
                    return Ok(true);
                }
                stack.push(&member.shape);
            }
        }
        Ok(false)
    }

    /// Every shape reachable from an operation input, sorted by name.
    pub fn input_shapes(&self) -> Result<BTreeSet<&'m str>> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&'m str> = self
            .model
            .operations
            .iter()
            .filter_map(|(_, op)| op.input.as_ref().map(|t| t.shape.as_str()))
            .collect();
        while let Some(name) = stack.pop() {
            let shape = self.shape(name)?;
            if !seen.insert(name) {
                continue;
            }
            let children = shape
                .members
                .iter()
                .map(|(_, m)| m.shape.as_str())
                .chain(shape.member.iter().map(|t| t.shape.as_str()))
                .chain(shape.key.iter().map(|t| t.shape.as_str()))
                .chain(shape.value.iter().map(|t| t.shape.as_str()));
            stack.extend(children);
        }
        Ok(seen)
    }

    pub fn header(&self) -> String {
        let meta = &self.model.metadata;
        format!(
            "// @generated by crates/codegen from botocore {} ({} {}). Do not edit.\n",
            crate::BOTOCORE_VERSION,
            meta.endpoint_prefix,
            meta.api_version
        )
    }
}

pub struct RustType {
    pub text: String,
    pub uses_enum: bool,
    pub uses_map: bool,
}
