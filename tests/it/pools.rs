//! User pools through the AWS SDK for Rust, on both backends.

use aws_sdk_cognitoidentityprovider::types::{
    AttributeDataType, DeletionProtectionType, PasswordPolicyType, SchemaAttributeType,
    StringAttributeConstraintsType, UserPoolPolicyType, UsernameAttributeType,
    VerifiedAttributeType,
};
use cognate_testkit::{TestApp, backend_tests};

backend_tests!(
    create_returns_aws_defaults,
    create_echoes_full_configuration,
    describe_unknown_pool_is_not_found,
    update_resets_omitted_settings,
    list_pages_each_pool_once,
    delete_removes_and_respects_protection,
    custom_attributes_are_added_once,
    tags_round_trip,
    signing_certificate_is_stable_der,
);

async fn create_returns_aws_defaults(app: TestApp) {
    let pool = app
        .idp
        .create_user_pool()
        .pool_name("defaults")
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    let id = pool.id().unwrap();
    let (region, suffix) = id.split_once('_').unwrap();
    assert_eq!(region, "us-east-1");
    assert_eq!(suffix.len(), 9);
    assert!(suffix.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(
        pool.arn().unwrap(),
        format!("arn:aws:cognito-idp:us-east-1:123456789012:userpool/{id}")
    );
    let policy = pool.policies().unwrap().password_policy().unwrap();
    assert_eq!(policy.minimum_length(), Some(8));
    assert!(policy.require_symbols());
    assert_eq!(policy.temporary_password_validity_days(), 7);
    let schema = pool.schema_attributes();
    let sub = schema.iter().find(|a| a.name() == Some("sub")).unwrap();
    assert_eq!(sub.mutable(), Some(false));
    assert_eq!(sub.required(), Some(true));
    for name in [
        "email",
        "email_verified",
        "phone_number",
        "name",
        "updated_at",
    ] {
        assert!(
            schema.iter().any(|a| a.name() == Some(name)),
            "{name} missing"
        );
    }
    assert!(pool.creation_date().is_some());
    assert_eq!(pool.estimated_number_of_users(), 0);
    assert_eq!(
        pool.deletion_protection(),
        Some(&DeletionProtectionType::Inactive)
    );
}

async fn create_echoes_full_configuration(app: TestApp) {
    let policy = PasswordPolicyType::builder()
        .minimum_length(10)
        .require_symbols(false)
        .require_numbers(true)
        .temporary_password_validity_days(3)
        .build();
    let tenant = SchemaAttributeType::builder()
        .name("tenant")
        .attribute_data_type(AttributeDataType::String)
        .mutable(true)
        .string_attribute_constraints(
            StringAttributeConstraintsType::builder()
                .min_length("1")
                .max_length("64")
                .build(),
        )
        .build();
    let created = app
        .idp
        .create_user_pool()
        .pool_name("full")
        .policies(
            UserPoolPolicyType::builder()
                .password_policy(policy)
                .build(),
        )
        .schema(tenant)
        .username_attributes(UsernameAttributeType::Email)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .email_verification_subject("Your code")
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    let pool = app
        .idp
        .describe_user_pool()
        .user_pool_id(created.id().unwrap())
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    let policy = pool.policies().unwrap().password_policy().unwrap();
    assert_eq!(policy.minimum_length(), Some(10));
    assert!(!policy.require_symbols());
    assert_eq!(policy.temporary_password_validity_days(), 3);
    assert_eq!(pool.username_attributes(), &[UsernameAttributeType::Email]);
    assert_eq!(
        pool.auto_verified_attributes(),
        &[VerifiedAttributeType::Email]
    );
    assert_eq!(pool.email_verification_subject(), Some("Your code"));
    let tenant = pool
        .schema_attributes()
        .iter()
        .find(|a| a.name() == Some("custom:tenant"))
        .unwrap();
    assert_eq!(
        tenant.string_attribute_constraints().unwrap().max_length(),
        Some("64")
    );
    assert!(
        !pool
            .schema_attributes()
            .iter()
            .any(|a| a.name() == Some("tenant"))
    );
}

async fn describe_unknown_pool_is_not_found(app: TestApp) {
    let error = app
        .idp
        .describe_user_pool()
        .user_pool_id("us-east-1_AAAAAAAAA")
        .send()
        .await
        .unwrap_err();
    let error = error.into_service_error();
    assert!(error.is_resource_not_found_exception(), "{error:?}");
}

async fn update_resets_omitted_settings(app: TestApp) {
    let id = app
        .idp
        .create_user_pool()
        .pool_name("upd")
        .email_verification_subject("Before")
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    app.idp
        .update_user_pool()
        .user_pool_id(&id)
        .deletion_protection(DeletionProtectionType::Active)
        .send()
        .await
        .unwrap();
    let pool = app
        .idp
        .describe_user_pool()
        .user_pool_id(&id)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    assert_eq!(
        pool.deletion_protection(),
        Some(&DeletionProtectionType::Active)
    );
    assert_eq!(
        pool.email_verification_subject(),
        None,
        "an update resets what it omits, as AWS does"
    );
    assert_eq!(pool.name(), Some("upd"));
    assert!(pool.last_modified_date().unwrap() >= pool.creation_date().unwrap());
}

async fn list_pages_each_pool_once(app: TestApp) {
    let mut created = Vec::new();
    for i in 0..5 {
        let pool = app
            .idp
            .create_user_pool()
            .pool_name(format!("p{i}"))
            .send()
            .await
            .unwrap();
        created.push(pool.user_pool.unwrap().id.unwrap());
    }
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = app
            .idp
            .list_user_pools()
            .max_results(2)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        assert!(page.user_pools().len() <= 2);
        seen.extend(
            page.user_pools()
                .iter()
                .map(|p| p.id().unwrap().to_string()),
        );
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    seen.sort();
    created.sort();
    assert_eq!(seen, created);
    let error = app
        .idp
        .list_user_pools()
        .max_results(2)
        .next_token("garbage")
        .send()
        .await
        .unwrap_err();
    assert!(error.into_service_error().is_invalid_parameter_exception());
}

async fn delete_removes_and_respects_protection(app: TestApp) {
    let protected = app
        .idp
        .create_user_pool()
        .pool_name("keep")
        .deletion_protection(DeletionProtectionType::Active)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let error = app
        .idp
        .delete_user_pool()
        .user_pool_id(&protected)
        .send()
        .await
        .unwrap_err();
    assert!(error.into_service_error().is_invalid_parameter_exception());
    app.idp
        .describe_user_pool()
        .user_pool_id(&protected)
        .send()
        .await
        .unwrap();

    let doomed = app
        .idp
        .create_user_pool()
        .pool_name("go")
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    app.idp
        .delete_user_pool()
        .user_pool_id(&doomed)
        .send()
        .await
        .unwrap();
    let error = app
        .idp
        .describe_user_pool()
        .user_pool_id(&doomed)
        .send()
        .await
        .unwrap_err();
    assert!(error.into_service_error().is_resource_not_found_exception());
    let error = app
        .idp
        .delete_user_pool()
        .user_pool_id(&doomed)
        .send()
        .await
        .unwrap_err();
    assert!(error.into_service_error().is_resource_not_found_exception());
}

async fn custom_attributes_are_added_once(app: TestApp) {
    let id = app
        .idp
        .create_user_pool()
        .pool_name("attrs")
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let level = SchemaAttributeType::builder()
        .name("level")
        .attribute_data_type(AttributeDataType::Number)
        .build();
    app.idp
        .add_custom_attributes()
        .user_pool_id(&id)
        .custom_attributes(level.clone())
        .send()
        .await
        .unwrap();
    let error = app
        .idp
        .add_custom_attributes()
        .user_pool_id(&id)
        .custom_attributes(level)
        .send()
        .await
        .unwrap_err();
    assert!(error.into_service_error().is_invalid_parameter_exception());
    let pool = app
        .idp
        .describe_user_pool()
        .user_pool_id(&id)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    let level = pool
        .schema_attributes()
        .iter()
        .find(|a| a.name() == Some("custom:level"))
        .unwrap();
    assert_eq!(
        level.attribute_data_type(),
        Some(&AttributeDataType::Number)
    );
}

async fn tags_round_trip(app: TestApp) {
    let pool = app
        .idp
        .create_user_pool()
        .pool_name("tags")
        .user_pool_tags("env", "test")
        .user_pool_tags("owner", "me")
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    let arn = pool.arn().unwrap();
    app.idp
        .tag_resource()
        .resource_arn(arn)
        .tags("extra", "1")
        .send()
        .await
        .unwrap();
    app.idp
        .untag_resource()
        .resource_arn(arn)
        .tag_keys("owner")
        .send()
        .await
        .unwrap();
    let tags = app
        .idp
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .unwrap()
        .tags
        .unwrap();
    assert_eq!(tags.len(), 2);
    assert_eq!(tags.get("env").map(String::as_str), Some("test"));
    assert_eq!(tags.get("extra").map(String::as_str), Some("1"));
    let error = app
        .idp
        .list_tags_for_resource()
        .resource_arn("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AAAAAAAAA")
        .send()
        .await
        .unwrap_err();
    assert!(error.into_service_error().is_resource_not_found_exception());
}

async fn signing_certificate_is_stable_der(app: TestApp) {
    let id = app
        .idp
        .create_user_pool()
        .pool_name("cert")
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let first = app
        .idp
        .get_signing_certificate()
        .user_pool_id(&id)
        .send()
        .await
        .unwrap()
        .certificate
        .unwrap();
    let second = app
        .idp
        .get_signing_certificate()
        .user_pool_id(&id)
        .send()
        .await
        .unwrap()
        .certificate
        .unwrap();
    assert_eq!(first, second);
    // Base64 of a DER SEQUENCE with a long form length: "MII...".
    assert!(first.starts_with("MII"), "{first}");
    let error = app
        .idp
        .get_signing_certificate()
        .user_pool_id("us-east-1_AAAAAAAAA")
        .send()
        .await
        .unwrap_err();
    assert!(error.into_service_error().is_resource_not_found_exception());
}
