//! The part of botocore's `service-2.json` format the generator reads. Maps keep the file's order
//! (member order matters: validation reports violations in member order).

use std::fmt;
use std::fs::File;
use std::io::{BufReader, Read};
use std::marker::PhantomData;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};

#[derive(Debug, Deserialize)]
pub struct Model {
    pub metadata: Metadata,
    pub operations: Ordered<Operation>,
    pub shapes: Ordered<ShapeDef>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    pub protocol: String,
    pub target_prefix: Option<String>,
    pub api_version: String,
    pub endpoint_prefix: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    pub name: String,
    pub input: Option<Target>,
    pub output: Option<OutputTarget>,
    /// `"none"` on operations AWS serves without a signature (older models).
    pub authtype: Option<String>,
    /// `["smithy.api#noAuth"]` on the same operations (newer models).
    pub auth: Option<Vec<String>>,
}

impl Operation {
    /// Whether AWS serves the operation without a SigV4 signature (public operations:
    /// SignUp, InitiateAuth, GetId…): the model marks them `authtype: none` or `smithy.api#noAuth`.
    pub fn unsigned(&self) -> bool {
        self.authtype.as_deref() == Some("none")
            || self
                .auth
                .as_deref()
                .is_some_and(|auth| auth == ["smithy.api#noAuth"])
    }
}

#[derive(Debug, Deserialize)]
pub struct Target {
    pub shape: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutputTarget {
    pub shape: String,
    pub result_wrapper: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct MemberDef {
    pub shape: String,
}

#[derive(Debug, Deserialize)]
pub struct ErrorDef {
    pub code: Option<String>,
    #[serde(rename = "httpStatusCode")]
    pub http_status_code: Option<u16>,
}

#[derive(Debug, Deserialize)]
pub struct ShapeDef {
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub members: Ordered<MemberDef>,
    #[serde(default)]
    pub required: Vec<String>,
    pub member: Option<Target>,
    pub key: Option<Target>,
    pub value: Option<Target>,
    pub min: Option<serde_json::Number>,
    pub max: Option<serde_json::Number>,
    pub pattern: Option<String>,
    #[serde(rename = "enum")]
    pub enum_values: Option<Vec<String>>,
    #[serde(default)]
    pub sensitive: bool,
    #[serde(default)]
    pub exception: bool,
    #[serde(default)]
    pub fault: bool,
    #[serde(default)]
    pub document: bool,
    pub error: Option<ErrorDef>,
}

impl ShapeDef {
    pub fn is_enum(&self) -> bool {
        self.ty == "string" && self.enum_values.is_some()
    }

    pub fn is_struct(&self) -> bool {
        self.ty == "structure" && !self.document
    }
}

/// A JSON object read as a list of entries, in file order.
#[derive(Debug)]
pub struct Ordered<T>(pub Vec<(String, T)>);

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T> Ordered<T> {
    pub fn get(&self, key: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &T)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for OrderedVisitor<T> {
            type Value = Ordered<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, T>()? {
                    entries.push((k, v));
                }
                Ok(Ordered(entries))
            }
        }

        deserializer.deserialize_map(OrderedVisitor(PhantomData))
    }
}

impl Model {
    /// Reads `<data>/<service>/<version>/service-2.json.gz` (or the uncompressed file).
    pub fn load(data_dir: &Path, service: &str, version: &str) -> Result<Self> {
        let dir = data_dir.join(service).join(version);
        let gz = dir.join("service-2.json.gz");
        let plain = dir.join("service-2.json");
        let mut text = String::new();
        if gz.exists() {
            let file = File::open(&gz).with_context(|| format!("opening {}", gz.display()))?;
            flate2::read::GzDecoder::new(BufReader::new(file))
                .read_to_string(&mut text)
                .with_context(|| format!("decompressing {}", gz.display()))?;
        } else if plain.exists() {
            text = std::fs::read_to_string(&plain)
                .with_context(|| format!("reading {}", plain.display()))?;
        } else {
            bail!("no service-2.json(.gz) in {}", dir.display());
        }
        let model: Model =
            serde_json::from_str(&text).with_context(|| format!("parsing the {service} model"))?;
        model.check()?;
        Ok(model)
    }

    pub fn shape(&self, name: &str) -> Result<&ShapeDef> {
        self.shapes
            .get(name)
            .with_context(|| format!("unknown shape {name}"))
    }

    /// Fails loudly on anything this generator does not understand.
    fn check(&self) -> Result<()> {
        for (name, shape) in self.shapes.iter() {
            match shape.ty.as_str() {
                "structure" | "string" | "integer" | "long" | "boolean" | "double" | "float"
                | "timestamp" | "blob" => {}
                "list" if shape.member.is_some() => {}
                "map" if shape.key.is_some() && shape.value.is_some() => {}
                other => bail!("shape {name}: unsupported type {other}"),
            }
            let targets = shape
                .members
                .iter()
                .map(|(_, m)| m.shape.as_str())
                .chain(shape.member.iter().map(|t| t.shape.as_str()))
                .chain(shape.key.iter().map(|t| t.shape.as_str()))
                .chain(shape.value.iter().map(|t| t.shape.as_str()));
            for target in targets {
                self.shape(target)
                    .with_context(|| format!("referenced by {name}"))?;
            }
            for required in &shape.required {
                if shape.members.get(required).is_none() {
                    bail!("shape {name}: required member {required} does not exist");
                }
            }
        }
        Ok(())
    }
}
