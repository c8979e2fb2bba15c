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
    apply_constraints(attribute, input)
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
    let mut attribute = AttributeSchema {
        name,
        data_type,
        developer_only,
        mutable: input.mutable.unwrap_or(true),
        required: false,
        min_length: None,
        max_length: None,
        min_value: None,
        max_value: None,
    };
    apply_constraints(&mut attribute, input)?;
    Ok(attribute)
}

/// AWS's limit on the length of a string attribute (and so on its length constraints).
pub const MAX_STRING_LENGTH: i64 = 2048;

/// Sets the constraints `input` gives on `attribute` (a standard attribute with its defaults,
/// or a new custom one), with AWS's checks and messages: one validation for CreateUserPool's
/// Schema and AddCustomAttributes. Bounds must be integers (lengths not negative, at most
/// 2048), and the resulting minimum not above the maximum. Only the constraints of the
/// attribute's type apply, as on AWS; values are kept in canonical form (`"010"` is `"10"`).
fn apply_constraints(attribute: &mut AttributeSchema, input: &SchemaInput) -> Result<(), String> {
    let name = attribute.name.clone();
    match attribute.data_type {
        AttributeDataType::String => {
            let invalid =
                || format!("Invalid StringAttributeConstraints for schema attribute {name}");
            let length = |given: &Option<String>| -> Result<Option<i64>, String> {
                let Some(n) = integer(given).map_err(|_| invalid())? else {
                    return Ok(None);
                };
                if n < 0 {
                    return Err(invalid());
                }
                if n > MAX_STRING_LENGTH {
                    return Err(format!(
                        "user.{name}: String attributes cannot have a length of more than {MAX_STRING_LENGTH}"
                    ));
                }
                Ok(Some(n))
            };
            set_bounds(
                (&mut attribute.min_length, length(&input.min_length)?),
                (&mut attribute.max_length, length(&input.max_length)?),
                || format!("user.{name}: Max length cannot be less than min length."),
            )
        }
        AttributeDataType::Number => {
            let invalid =
                || format!("Invalid NumberAttributeConstraints for schema attribute {name}");
            let value = |given: &Option<String>| integer(given).map_err(|_| invalid());
            set_bounds(
                (&mut attribute.min_value, value(&input.min_value)?),
                (&mut attribute.max_value, value(&input.max_value)?),
                || format!("user.{name}: Max value cannot be less than min value."),
            )
        }
        AttributeDataType::Boolean | AttributeDataType::DateTime => Ok(()),
    }
}

/// A constraint given as a string: absent, or an integer.
fn integer(given: &Option<String>) -> Result<Option<i64>, ()> {
    given
        .as_deref()
        .map(|v| v.parse::<i64>().map_err(|_| ()))
        .transpose()
}

/// Sets the given bounds over the current ones, refusing a minimum above the maximum.
fn set_bounds(
    (min, new_min): (&mut Option<String>, Option<i64>),
    (max, new_max): (&mut Option<String>, Option<i64>),
    crossed: impl FnOnce() -> String,
) -> Result<(), String> {
    let current = |bound: &Option<String>| bound.as_deref().and_then(|v| v.parse::<i64>().ok());
    let low = new_min.or_else(|| current(min));
    let high = new_max.or_else(|| current(max));
    if let (Some(low), Some(high)) = (low, high)
        && low > high
    {
        return Err(crossed());
    }
    if let Some(n) = new_min {
        *min = Some(n.to_string());
    }
    if let Some(n) = new_max {
        *max = Some(n.to_string());
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

    #[test]
    fn constraints_are_checked_the_same_for_standard_and_custom_attributes() {
        let string = |name: &str, min: Option<&str>, max: Option<&str>| SchemaInput {
            data_type: Some(AttributeDataType::String),
            min_length: min.map(Into::into),
            max_length: max.map(Into::into),
            ..input(name)
        };
        let refused = |given: SchemaInput| {
            let mut schema = standard_attributes();
            apply(&mut schema, &[given], false).unwrap_err()
        };
        assert_eq!(
            refused(string("email", Some("invalid_value"), None)),
            "Invalid StringAttributeConstraints for schema attribute email"
        );
        assert_eq!(
            refused(string("tenant", None, Some("-1"))),
            "Invalid StringAttributeConstraints for schema attribute custom:tenant"
        );
        assert_eq!(
            refused(string("email", None, Some("2049"))),
            "user.email: String attributes cannot have a length of more than 2048"
        );
        assert_eq!(
            refused(string("tenant", Some("2"), Some("1"))),
            "user.custom:tenant: Max length cannot be less than min length."
        );
        // The standard attribute's own bounds count: birthdate is exactly 10 characters.
        assert_eq!(
            refused(string("birthdate", None, Some("5"))),
            "user.birthdate: Max length cannot be less than min length."
        );
        let number = |name: &str, min: Option<&str>, max: Option<&str>| SchemaInput {
            data_type: Some(AttributeDataType::Number),
            min_value: min.map(Into::into),
            max_value: max.map(Into::into),
            ..input(name)
        };
        assert_eq!(
            refused(number("updated_at", None, Some("x"))),
            "Invalid NumberAttributeConstraints for schema attribute updated_at"
        );
        assert_eq!(
            refused(number("level", Some("2"), Some("1"))),
            "user.custom:level: Max value cannot be less than min value."
        );

        let mut schema = standard_attributes();
        apply(
            &mut schema,
            &[
                string("email", Some("05"), Some("100")),
                number("updated_at", None, Some("99")),
                number("level", Some("-3"), None),
            ],
            false,
        )
        .unwrap();
        let email = schema.iter().find(|a| a.name == "email").unwrap();
        assert_eq!(
            (email.min_length.as_deref(), email.max_length.as_deref()),
            (Some("5"), Some("100"))
        );
        let updated_at = schema.iter().find(|a| a.name == "updated_at").unwrap();
        assert_eq!(
            (
                updated_at.min_value.as_deref(),
                updated_at.max_value.as_deref()
            ),
            (Some("0"), Some("99"))
        );
        let level = schema.iter().find(|a| a.name == "custom:level").unwrap();
        assert_eq!(
            (level.min_value.as_deref(), level.max_value.as_deref()),
            (Some("-3"), None)
        );
    }
}
