//! `types.rs` (structures), `enums.rs` (enumerated strings) and `errors.rs` (`ErrorCode`).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use anyhow::{Result, bail};

use crate::names;
use crate::service::Service;

/// Writing into a `String` cannot fail; this keeps the emitters free of `?` noise.
macro_rules! out {
    ($dst:expr, $($arg:tt)*) => {{
        let _ = writeln!($dst, $($arg)*);
    }};
}

pub fn types(svc: &Service<'_>) -> Result<String> {
    let mut body = String::new();
    let mut uses_enum = false;
    let mut uses_map = false;
    for (shape_name, shape) in svc.model.shapes.iter().filter(|(_, s)| s.is_struct()) {
        let type_name = svc.type_name(shape_name)?;
        out!(body, "");
        out!(body, "/// The `{shape_name}` structure.");
        if shape.sensitive {
            out!(body, "///");
            out!(body, "/// Sensitive: `Debug` prints no field.");
            out!(
                body,
                "#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]"
            );
        } else {
            out!(
                body,
                "#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]"
            );
        }
        if shape.members.0.is_empty() {
            out!(body, "pub struct {type_name} {{}}");
        } else {
            // Absent required members take their default (validation has already rejected them
            // on input); absent optional members are `None`.
            out!(body, "#[serde(default)]");
            out!(body, "pub struct {type_name} {{");
            let mut fields = BTreeSet::new();
            for (member, def) in shape.members.iter() {
                let field = names::field(member);
                if !fields.insert(field.clone()) {
                    bail!("{shape_name}: two members map to the field {field}");
                }
                let ty = svc.rust_type(&def.shape, shape.sensitive)?;
                uses_enum |= ty.uses_enum;
                uses_map |= ty.uses_map;
                let mut ty = ty.text;
                if svc.needs_box(shape_name, &def.shape)? {
                    ty = format!("Box<{ty}>");
                }
                let required = shape.required.iter().any(|r| r == member);
                if required {
                    out!(body, "    #[serde(rename = {})]", names::literal(member));
                    out!(body, "    pub {field}: {ty},");
                } else {
                    out!(
                        body,
                        "    #[serde(rename = {}, skip_serializing_if = \"Option::is_none\")]",
                        names::literal(member)
                    );
                    out!(body, "    pub {field}: Option<{ty}>,");
                }
            }
            out!(body, "}}");
        }
        if shape.sensitive {
            out!(body, "");
            out!(body, "impl std::fmt::Debug for {type_name} {{");
            out!(
                body,
                "    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{"
            );
            out!(
                body,
                "        f.debug_tuple({type_name:?}).field(&crate::REDACTED).finish()"
            );
            out!(body, "    }}");
            out!(body, "}}");
        }
    }

    let mut text = svc.header();
    out!(
        text,
        "//! Structures of the {} model.",
        svc.model.metadata.endpoint_prefix
    );
    out!(text, "");
    if uses_map {
        out!(text, "use std::collections::BTreeMap;");
        out!(text, "");
    }
    out!(text, "use serde::{{Deserialize, Serialize}};");
    if uses_enum {
        out!(text, "");
        out!(text, "use super::enums::*;");
    }
    text.push_str(&body);
    Ok(text)
}

/// `None` when the service has no enumerated strings.
pub fn enums(svc: &Service<'_>) -> Result<Option<String>> {
    let mut body = String::new();
    for (shape_name, shape) in svc.model.shapes.iter().filter(|(_, s)| s.is_enum()) {
        let type_name = svc.type_name(shape_name)?;
        let values = shape.enum_values.as_deref().unwrap_or_default();
        if values.is_empty() {
            bail!("enum {shape_name} has no values");
        }
        let mut taken = BTreeSet::new();
        let mut variants = Vec::new();
        for value in values {
            let base = names::variant(value);
            let mut name = base.clone();
            let mut n = 2;
            while !taken.insert(name.clone()) {
                name = format!("{base}{n}");
                n += 1;
            }
            variants.push((name, value.as_str()));
        }
        let default = svc.default_enums.contains(shape_name);
        out!(body, "");
        out!(body, "/// The `{shape_name}` enumeration.");
        let derive_default = if default { ", Default" } else { "" };
        out!(
            body,
            "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord{derive_default}, Serialize, Deserialize)]"
        );
        out!(body, "pub enum {type_name} {{");
        for (i, (variant, value)) in variants.iter().enumerate() {
            if default && i == 0 {
                out!(body, "    #[default]");
            }
            out!(body, "    #[serde(rename = {})]", names::literal(value));
            out!(body, "    {variant},");
        }
        out!(body, "}}");
        out!(body, "");
        out!(body, "impl {type_name} {{");
        out!(body, "    /// Every value, in model order.");
        out!(body, "    pub const ALL: &[Self] = &[");
        for (variant, _) in &variants {
            out!(body, "        Self::{variant},");
        }
        out!(body, "    ];");
        out!(body, "");
        out!(body, "    /// The value on the wire.");
        out!(body, "    pub fn as_str(&self) -> &'static str {{");
        out!(body, "        match self {{");
        for (variant, value) in &variants {
            out!(
                body,
                "            Self::{variant} => {},",
                names::literal(value)
            );
        }
        out!(body, "        }}");
        out!(body, "    }}");
        out!(body, "}}");
        out!(body, "");
        out!(body, "impl std::fmt::Display for {type_name} {{");
        out!(
            body,
            "    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{"
        );
        out!(body, "        f.write_str(self.as_str())");
        out!(body, "    }}");
        out!(body, "}}");
        out!(body, "");
        out!(body, "impl std::str::FromStr for {type_name} {{");
        out!(body, "    type Err = crate::UnknownEnumValue;");
        out!(body, "");
        out!(
            body,
            "    fn from_str(s: &str) -> Result<Self, Self::Err> {{"
        );
        out!(body, "        match s {{");
        for (variant, value) in &variants {
            out!(
                body,
                "            {} => Ok(Self::{variant}),",
                names::literal(value)
            );
        }
        out!(
            body,
            "            _ => Err(crate::UnknownEnumValue::new({type_name:?}, s)),"
        );
        out!(body, "        }}");
        out!(body, "    }}");
        out!(body, "}}");
    }
    if body.is_empty() {
        return Ok(None);
    }
    let mut text = svc.header();
    out!(
        text,
        "//! Enumerated strings of the {} model.",
        svc.model.metadata.endpoint_prefix
    );
    out!(text, "");
    out!(text, "use serde::{{Deserialize, Serialize}};");
    text.push_str(&body);
    Ok(Some(text))
}

struct ErrorEntry {
    variant: String,
    shape: String,
    code: String,
    status: u16,
}

fn status_const(status: u16) -> Result<&'static str> {
    Ok(match status {
        400 => "BAD_REQUEST",
        401 => "UNAUTHORIZED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        409 => "CONFLICT",
        429 => "TOO_MANY_REQUESTS",
        500 => "INTERNAL_SERVER_ERROR",
        503 => "SERVICE_UNAVAILABLE",
        other => bail!("unexpected HTTP status {other} in the model"),
    })
}

pub fn errors(svc: &Service<'_>) -> Result<String> {
    let mut entries = Vec::new();
    for (shape_name, shape) in svc.model.shapes.iter().filter(|(_, s)| s.exception) {
        let error = shape.error.as_ref();
        let default_status = if shape.fault { 500 } else { 400 };
        entries.push(ErrorEntry {
            variant: names::type_name(shape_name),
            shape: shape_name.to_owned(),
            code: error
                .and_then(|e| e.code.clone())
                .unwrap_or_else(|| shape_name.to_owned()),
            status: error
                .and_then(|e| e.http_status_code)
                .unwrap_or(default_status),
        });
    }
    if !entries
        .iter()
        .any(|e| e.code == "UnsupportedOperationException")
    {
        entries.push(ErrorEntry {
            variant: "UnsupportedOperationException".to_owned(),
            shape: "UnsupportedOperationException".to_owned(),
            code: "UnsupportedOperationException".to_owned(),
            status: 400,
        });
    }
    entries.sort_by(|a, b| a.variant.cmp(&b.variant));

    let mut text = svc.header();
    out!(
        text,
        "//! The error codes of the {} model.",
        svc.model.metadata.endpoint_prefix
    );
    out!(text, "");
    out!(text, "use cognate_awsjson::ApiError;");
    out!(text, "");
    out!(
        text,
        "/// Every exception the service declares (plus `UnsupportedOperationException`)."
    );
    out!(text, "#[allow(clippy::enum_variant_names)]");
    out!(
        text,
        "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]"
    );
    out!(text, "pub enum ErrorCode {{");
    for e in &entries {
        out!(text, "    {},", e.variant);
    }
    out!(text, "}}");
    out!(text, "");
    out!(text, "impl ErrorCode {{");
    out!(text, "    pub const ALL: &[Self] = &[");
    for e in &entries {
        out!(text, "        Self::{},", e.variant);
    }
    out!(text, "    ];");
    out!(text, "");
    out!(text, "    /// The code on the wire (`__type`).");
    out!(text, "    pub fn as_str(&self) -> &'static str {{");
    out!(text, "        match self {{");
    for e in &entries {
        out!(text, "            Self::{} => {:?},", e.variant, e.code);
    }
    out!(text, "        }}");
    out!(text, "    }}");
    out!(text, "");
    out!(
        text,
        "    /// The name of the exception's shape in the model."
    );
    out!(text, "    pub fn shape_name(&self) -> &'static str {{");
    out!(text, "        match self {{");
    for e in &entries {
        out!(text, "            Self::{} => {:?},", e.variant, e.shape);
    }
    out!(text, "        }}");
    out!(text, "    }}");
    out!(text, "");
    out!(text, "    pub fn status(&self) -> http::StatusCode {{");
    let non_400: Vec<&ErrorEntry> = entries.iter().filter(|e| e.status != 400).collect();
    if non_400.is_empty() {
        out!(text, "        http::StatusCode::BAD_REQUEST");
    } else {
        let statuses: BTreeSet<u16> = non_400.iter().map(|e| e.status).collect();
        out!(text, "        match self {{");
        for status in statuses {
            let arms: Vec<String> = non_400
                .iter()
                .filter(|e| e.status == status)
                .map(|e| format!("Self::{}", e.variant))
                .collect();
            out!(
                text,
                "            {} => http::StatusCode::{},",
                arms.join(" | "),
                status_const(status)?
            );
        }
        out!(text, "            _ => http::StatusCode::BAD_REQUEST,");
        out!(text, "        }}");
    }
    out!(text, "    }}");
    out!(text, "");
    out!(
        text,
        "    /// This error with a message, ready to return from a handler."
    );
    out!(
        text,
        "    pub fn msg(self, message: impl Into<String>) -> ApiError {{"
    );
    out!(
        text,
        "        ApiError::new(self.as_str(), message).with_status(self.status())"
    );
    out!(text, "    }}");
    out!(text, "}}");
    out!(text, "");
    out!(text, "impl std::fmt::Display for ErrorCode {{");
    out!(
        text,
        "    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{"
    );
    out!(text, "        f.write_str(self.as_str())");
    out!(text, "    }}");
    out!(text, "}}");
    Ok(text)
}
