//! Schema constraints (`StringAttributeConstraints`, `NumberAttributeConstraints`) are checked
//! alike for standard attributes in CreateUserPool and for custom attributes (CreateUserPool and
//! AddCustomAttributes), with AWS's messages; what is accepted is what DescribeUserPool shows,
//! and it constrains the users' values.

use aws_sdk_cognitoidentityprovider::types::{
    AttributeDataType, MessageActionType, NumberAttributeConstraintsType, SchemaAttributeType,
    StringAttributeConstraintsType,
};
use cognate_testkit::{TestApp, backend_tests, failure};

use crate::users_admin::attr;

backend_tests!(
    bad_constraints_are_refused,
    constraints_are_kept_and_enforced
);

fn string(name: &str, min: Option<&str>, max: Option<&str>) -> SchemaAttributeType {
    SchemaAttributeType::builder()
        .name(name)
        .attribute_data_type(AttributeDataType::String)
        .string_attribute_constraints(
            StringAttributeConstraintsType::builder()
                .set_min_length(min.map(Into::into))
                .set_max_length(max.map(Into::into))
                .build(),
        )
        .build()
}

fn number(name: &str, min: Option<&str>, max: Option<&str>) -> SchemaAttributeType {
    SchemaAttributeType::builder()
        .name(name)
        .attribute_data_type(AttributeDataType::Number)
        .number_attribute_constraints(
            NumberAttributeConstraintsType::builder()
                .set_min_value(min.map(Into::into))
                .set_max_value(max.map(Into::into))
                .build(),
        )
        .build()
}

async fn pool_count(app: &TestApp) -> usize {
    app.idp
        .list_user_pools()
        .max_results(60)
        .send()
        .await
        .unwrap()
        .user_pools()
        .len()
}

async fn bad_constraints_are_refused(app: TestApp) {
    let cases = [
        (
            string("email", Some("invalid_value"), None),
            "Invalid StringAttributeConstraints for schema attribute email",
        ),
        (
            string("email", None, Some("invalid_value")),
            "Invalid StringAttributeConstraints for schema attribute email",
        ),
        (
            number("updated_at", None, Some("x")),
            "Invalid NumberAttributeConstraints for schema attribute updated_at",
        ),
        (
            number("updated_at", Some("invalid_value"), None),
            "Invalid NumberAttributeConstraints for schema attribute updated_at",
        ),
        (
            string("email", Some("2049"), None),
            "user.email: String attributes cannot have a length of more than 2048",
        ),
        (
            string("email", None, Some("2049")),
            "user.email: String attributes cannot have a length of more than 2048",
        ),
        (
            string("email", Some("2"), Some("1")),
            "user.email: Max length cannot be less than min length.",
        ),
        (
            number("updated_at", Some("2"), Some("1")),
            "user.updated_at: Max value cannot be less than min value.",
        ),
        (
            string("tenant", None, Some("4096")),
            "user.custom:tenant: String attributes cannot have a length of more than 2048",
        ),
        (
            number("level", Some("ten"), None),
            "Invalid NumberAttributeConstraints for schema attribute custom:level",
        ),
    ];
    for (attribute, expected) in &cases {
        let (code, message) = failure(
            app.idp
                .create_user_pool()
                .pool_name("bad schema")
                .schema(attribute.clone())
                .send()
                .await,
        );
        assert_eq!(code, "InvalidParameterException", "{attribute:?}");
        assert_eq!(message, *expected, "{attribute:?}");
    }
    assert_eq!(pool_count(&app).await, 0, "no refused pool was created");

    // AddCustomAttributes runs the same checks, and a refusal adds nothing.
    let (pool_id, _) = app.pool_with_client().await;
    for (attribute, expected) in [
        (
            string("code", Some("8"), Some("4")),
            "user.custom:code: Max length cannot be less than min length.",
        ),
        (
            string("code", Some("-1"), None),
            "Invalid StringAttributeConstraints for schema attribute custom:code",
        ),
        (
            number("level", Some("1"), Some("0")),
            "user.custom:level: Max value cannot be less than min value.",
        ),
    ] {
        let (code, message) = failure(
            app.idp
                .add_custom_attributes()
                .user_pool_id(&pool_id)
                .custom_attributes(attribute)
                .send()
                .await,
        );
        assert_eq!(code, "InvalidParameterException");
        assert_eq!(message, expected);
    }
    let pool = app
        .idp
        .describe_user_pool()
        .user_pool_id(&pool_id)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    assert!(
        !pool
            .schema_attributes()
            .iter()
            .any(|a| a.name().is_some_and(|n| n.starts_with("custom:")))
    );
}

async fn constraints_are_kept_and_enforced(app: TestApp) {
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("constrained")
        .schema(string("name", Some("2"), Some("5")))
        .schema(number("updated_at", None, Some("2000000000")))
        .schema(number("level", Some("1"), Some("10")))
        .send()
        .await
        .unwrap()
        .user_pool
        .and_then(|p| p.id)
        .unwrap();
    let pool = app
        .idp
        .describe_user_pool()
        .user_pool_id(&pool_id)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    let schema = |name: &str| {
        pool.schema_attributes()
            .iter()
            .find(|a| a.name() == Some(name))
            .unwrap()
            .clone()
    };
    let name = schema("name");
    let strings = name.string_attribute_constraints().unwrap();
    assert_eq!(
        (strings.min_length(), strings.max_length()),
        (Some("2"), Some("5"))
    );
    let updated_at = schema("updated_at");
    let numbers = updated_at.number_attribute_constraints().unwrap();
    assert_eq!(
        (numbers.min_value(), numbers.max_value()),
        (Some("0"), Some("2000000000"))
    );
    let level = schema("custom:level");
    let numbers = level.number_attribute_constraints().unwrap();
    assert_eq!(
        (numbers.min_value(), numbers.max_value()),
        (Some("1"), Some("10"))
    );
    // A string attribute carries no number constraints and the reverse.
    assert!(name.number_attribute_constraints().is_none());
    assert!(level.string_attribute_constraints().is_none());

    // Users' values are held to them.
    let create = |attribute: (&str, &str)| {
        app.idp
            .admin_create_user()
            .user_pool_id(&pool_id)
            .username("yuri")
            .user_attributes(attr(attribute.0, attribute.1))
            .message_action(MessageActionType::Suppress)
            .send()
    };
    let (code, message) = failure(create(("name", "Yuri Gagarin")).await);
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(
        message,
        "Attributes did not conform to the schema: name: String must be no longer than 5 characters"
    );
    let (code, _) = failure(create(("custom:level", "11")).await);
    assert_eq!(code, "InvalidParameterException");
    create(("custom:level", "10")).await.unwrap();
}
