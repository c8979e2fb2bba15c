//! Attribute schema rules: the standard attributes every pool has, and how a pool's `Schema`
//! input (standard attributes made required, custom attributes added) is applied to them.

use crate::pool::{AttributeDataType, AttributeSchema};

/// The standard OIDC attributes AWS lists for every pool, in AWS's order.
pub fn standard_attributes() -> Vec<AttributeSchema> {
    use AttributeDataType::{Boolean, Number, String};
    let mut attributes = vec![AttributeSchema {
        required: true,
        mutable: false,
        min_length: Some("1".into()),
        ..string_attribute("sub")
    }];
    for name in [
        "name",
        "given_name",
        "family_name",
        "middle_name",
        "nickname",
        "preferred_username",
        "profile",
        "picture",
        "website",
        "email",
        "email_verified",
        "gender",
        "birthdate",
        "zoneinfo",
        "locale",
        "phone_number",
        "phone_number_verified",
        "address",
        "updated_at",
        "identities",
    ] {
        let attribute = match name {
            "email_verified" | "phone_number_verified" => AttributeSchema {
                data_type: Boolean,
                min_length: None,
                max_length: None,
                ..string_attribute(name)
            },
            "updated_at" => AttributeSchema {
                data_type: Number,
                min_length: None,
                max_length: None,
                min_value: Some("0".into()),
                ..string_attribute(name)
            },
            "birthdate" => AttributeSchema {
                min_length: Some("10".into()),
                max_length: Some("10".into()),
                ..string_attribute(name)
            },
            "identities" => AttributeSchema {
                min_length: None,
                max_length: None,
                ..string_attribute(name)
            },
            _ => string_attribute(name),
        };
        debug_assert!(attribute.data_type == String || name != "email");
        attributes.push(attribute);
    }
    attributes
}

fn string_attribute(name: &str) -> AttributeSchema {
    AttributeSchema {
        name: name.to_string(),
        data_type: AttributeDataType::String,
        developer_only: false,
        mutable: true,
        required: false,
        min_length: Some("0".into()),
        max_length: Some("2048".into()),
        min_value: None,
        max_value: None,
    }
}

pub fn is_standard(name: &str) -> bool {
    standard_attributes().iter().any(|a| a.name == name)
}

/// One entry of a pool's `Schema` input, before it is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaInput {
    pub name: String,
    pub data_type: Option<AttributeDataType>,
    pub developer_only: Option<bool>,
    pub mutable: Option<bool>,
    pub required: Option<bool>,
    pub min_length: Option<String>,
    pub max_length: Option<String>,
    pub min_value: Option<String>,
    pub max_value: Option<String>,
}

/// Applies `inputs` to `schema`. A standard attribute may be made required or get constraints;
/// any other name becomes a custom attribute `custom:<name>` (or `dev:custom:<name>` when
/// developer-only). Errors are the `InvalidParameterException` messages AWS gives.
pub fn apply(
    schema: &mut Vec<AttributeSchema>,
    inputs: &[SchemaInput],
    adding: bool,
) -> Result<(), String> {
    for input in inputs {
        let name = input.name.trim();
        if name.is_empty() {
            return Err("Attribute name must not be empty.".into());
        }
        if !adding && is_standard(name) {
            apply_standard(schema, input)?;
        } else {
            let custom = custom_attribute(input)?;
            if schema.iter().any(|a| a.name == custom.name) {
                return Err(format!(
                    "Existing attribute already has name {}.",
                    custom.name
                ));
            }
            schema.push(custom);
        }
    }
    Ok(())
}

fn apply_standard(schema: &mut [AttributeSchema], input: &SchemaInput) -> Result<(), String> {
    let Some(attribute) = schema.iter_mut().find(|a| a.name == input.name) else {
        return Err(format!("Invalid attribute name {}.", input.name));
    };
    if let Some(data_type) = input.data_type
        && data_type != attribute.data_type
    {
        return Err(format!(
            "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute {}",
            input.name
        ));
    }
    if input.developer_only == Some(true) {
        return Err(format!(
            "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute {}",
            input.name
        ));
    }
    if attribute.name == "sub" {
        return Ok(());
    }
    if let Some(required) = input.required {
        attribute.required = required;
    }
    if let Some(mutable) = input.mutable {
        attribute.mutable = mutable;
    }
    if input.min_length.is_some() {
        attribute.min_length = input.min_length.clone();
    }
    if input.max_length.is_some() {
        attribute.max_length = input.max_length.clone();
    }
    Ok(())
}

fn custom_attribute(input: &SchemaInput) -> Result<AttributeSchema, String> {
    let bare = input.name.trim_start_matches("custom:");
    if input.required == Some(true) {
        return Err("Required custom attributes are not supported currently.".into());
    }
    let data_type = input.data_type.unwrap_or(AttributeDataType::String);
    let developer_only = input.developer_only.unwrap_or(false);
    let name = if developer_only {
        format!("dev:custom:{bare}")
    } else {
        format!("custom:{bare}")
    };
    let (min_length, max_length) = match data_type {
        AttributeDataType::String => (input.min_length.clone(), input.max_length.clone()),
        _ => (None, None),
    };
    let (min_value, max_value) = match data_type {
        AttributeDataType::Number => (input.min_value.clone(), input.max_value.clone()),
        _ => (None, None),
    };
    check_bounds(&min_length, &max_length)?;
    check_bounds(&min_value, &max_value)?;
    Ok(AttributeSchema {
        name,
        data_type,
        developer_only,
        mutable: input.mutable.unwrap_or(true),
        required: false,
        min_length,
        max_length,
        min_value,
        max_value,
    })
}

fn check_bounds(min: &Option<String>, max: &Option<String>) -> Result<(), String> {
    let parse = |value: &Option<String>| -> Result<Option<i64>, String> {
        value
            .as_deref()
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| format!("Invalid constraint value {v}."))
            })
            .transpose()
    };
    if let (Some(min), Some(max)) = (parse(min)?, parse(max)?)
        && min > max
    {
        return Err("Min value is greater than max value.".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str) -> SchemaInput {
        SchemaInput {
            name: name.into(),
            data_type: None,
            developer_only: None,
            mutable: None,
            required: None,
            min_length: None,
            max_length: None,
            min_value: None,
            max_value: None,
        }
    }

    #[test]
    fn custom_attributes_get_the_prefix_and_standard_ones_become_required() {
        let mut schema = standard_attributes();
        let email = SchemaInput {
            required: Some(true),
            ..input("email")
        };
        apply(&mut schema, &[email, input("tenant")], false).unwrap();
        assert!(schema.iter().any(|a| a.name == "email" && a.required));
        assert!(
            schema
                .iter()
                .any(|a| a.name == "custom:tenant" && a.mutable)
        );
        assert!(!schema.iter().any(|a| a.name == "tenant"));
    }

    #[test]
    fn duplicates_and_required_custom_attributes_are_refused() {
        let mut schema = standard_attributes();
        apply(&mut schema, &[input("tenant")], false).unwrap();
        assert!(apply(&mut schema, &[input("tenant")], true).is_err());
        let required = SchemaInput {
            required: Some(true),
            ..input("level")
        };
        assert!(apply(&mut schema, &[required], true).is_err());
    }
}
