//! User attributes against the pool's schema, with Cognito's errors.

use std::collections::BTreeMap;

use cognate_awsjson::ApiError;
use cognate_domain::client::AppClient;
use cognate_domain::pool::{AttributeDataType, AttributeSchema, UserPool};
use cognate_model::idp::{AttributeType, ErrorCode};

use crate::errors::{Result, invalid_parameter};

/// Who is writing: admins may write any attribute; clients only mutable, non-developer ones
/// within their WriteAttributes.
#[derive(Debug, Clone, Copy)]
pub enum Writer<'a> {
    Admin,
    Client(&'a AppClient),
}

/// Attributes as given on the wire, as (name, value) pairs.
pub fn from_wire(attributes: &[AttributeType]) -> Vec<(String, String)> {
    attributes
        .iter()
        .map(|a| {
            (
                a.name.clone(),
                a.value
                    .as_ref()
                    .map(|v| v.expose().to_string())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

pub fn to_wire(
    attributes: &BTreeMap<String, String>,
    readable: impl Fn(&str) -> bool,
) -> Vec<AttributeType> {
    attributes
        .iter()
        .filter(|(name, _)| readable(name))
        .map(|(name, value)| AttributeType {
            name: name.clone(),
            value: Some(value.as_str().into()),
        })
        .collect()
}

fn schema_error(detail: impl std::fmt::Display) -> ApiError {
    invalid_parameter(format!(
        "Attributes did not conform to the schema: {detail}"
    ))
}

/// Checks attributes being written (create or update) and returns them validated.
pub fn check_writes(
    pool: &UserPool,
    writer: Writer<'_>,
    given: &[(String, String)],
    creating: bool,
) -> Result<Vec<(String, String)>> {
    let mut checked = Vec::with_capacity(given.len());
    for (name, value) in given {
        let schema = pool.attribute(name).ok_or_else(|| {
            schema_error(format!(
                "Type for attribute {{{name}}} could not be determined"
            ))
        })?;
        if name == "sub" {
            return Err(schema_error(
                "sub: Attribute cannot be updated. (changing an immutable attribute)",
            ));
        }
        if !creating && !schema.mutable {
            return Err(invalid_parameter(format!(
                "Cannot modify the non-mutable attribute {name}"
            )));
        }
        if let Writer::Client(client) = writer {
            let allowed = client.write_attributes.is_empty()
                || client.write_attributes.iter().any(|a| a == name);
            if schema.developer_only || !allowed {
                return Err(ErrorCode::NotAuthorizedException
                    .msg("A client attempted to write unauthorized attribute"));
            }
        }
        checked.push((name.clone(), check_value(schema, value)?));
    }
    Ok(checked)
}

/// Required attributes missing from a new user.
pub fn check_required(pool: &UserPool, attributes: &BTreeMap<String, String>) -> Result<()> {
    for schema in pool.schema.iter().filter(|a| a.required && a.name != "sub") {
        if !attributes.contains_key(&schema.name) {
            return Err(schema_error(format!(
                "{}: The attribute is required",
                schema.name
            )));
        }
    }
    Ok(())
}

/// `true`/`false` in any case ("True", "FALSE"), as AWS accepts boolean attribute values.
pub fn parse_boolean(value: &str) -> Option<bool> {
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Checks `value` against the attribute's schema and returns it as stored: a boolean is stored
/// as `true`/`false` whatever case it was given in, so every check of it compares with `"true"`.
fn check_value(schema: &AttributeSchema, value: &str) -> Result<String> {
    let name = &schema.name;
    match schema.data_type {
        AttributeDataType::String => {
            let length = value.chars().count() as i64;
            let bound = |b: &Option<String>| b.as_deref().and_then(|v| v.parse::<i64>().ok());
            if let Some(max) = bound(&schema.max_length)
                && length > max
            {
                return Err(schema_error(format!(
                    "{name}: String must be no longer than {max} characters"
                )));
            }
            if let Some(min) = bound(&schema.min_length)
                && length < min
            {
                return Err(schema_error(format!(
                    "{name}: String must be no shorter than {min} characters"
                )));
            }
        }
        AttributeDataType::Number => {
            let number: i64 = value
                .parse()
                .map_err(|_| schema_error(format!("{name}: Number must be a valid integer")))?;
            let bound = |b: &Option<String>| b.as_deref().and_then(|v| v.parse::<i64>().ok());
            if bound(&schema.min_value).is_some_and(|min| number < min)
                || bound(&schema.max_value).is_some_and(|max| number > max)
            {
                return Err(schema_error(format!("{name}: Number is out of range")));
            }
        }
        AttributeDataType::Boolean => {
            return match parse_boolean(value) {
                Some(flag) => Ok(flag.to_string()),
                None => Err(schema_error(format!(
                    "{name}: Boolean must be true or false"
                ))),
            };
        }
        AttributeDataType::DateTime => {}
    }
    match name.as_str() {
        "email" if !is_email(value) => Err(invalid_parameter("Invalid email address format.")),
        "phone_number" if !is_phone(value) => {
            Err(invalid_parameter("Invalid phone number format."))
        }
        _ => Ok(value.to_string()),
    }
}

pub fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !value.chars().any(char::is_whitespace)
        && value.chars().count() <= 2048
}

/// E.164: a plus sign and up to 15 digits.
pub fn is_phone(value: &str) -> bool {
    let Some(digits) = value.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit())
}

/// Whether a client may read `name` (ReadAttributes, when set, lists what it may read).
pub fn readable_by(client: Option<&AppClient>, name: &str) -> bool {
    match client {
        Some(client) if !client.read_attributes.is_empty() => {
            name == "sub" || client.read_attributes.iter().any(|a| a == name)
        }
        _ => !name.starts_with("dev:"),
    }
}
