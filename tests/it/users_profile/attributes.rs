//! Attributes: GetUser, UpdateUserAttributes and DeleteUserAttributes, self-service and admin.

use aws_sdk_cognitoidentityprovider::types::{
    AliasAttributeType, AttributeDataType, AttributeType, DeliveryMediumType, SchemaAttributeType,
    UsernameAttributeType,
};
use cognate_testkit::{FIXTURE_FLOWS, PASSWORD, TestApp, backend_tests, failure};

use super::{
    admin_attributes, attribute, own_attributes, token, verification_messages, verifying_pool,
};

backend_tests!(
    get_user_filters_by_read_attributes,
    get_user_refuses_bad_tokens,
    update_sets_removes_and_sends_codes,
    update_refusals_change_nothing,
    update_keeps_original_until_verified,
    admin_update_can_verify_and_sends_codes_as_aws,
    alias_uniqueness_is_enforced,
    delete_attributes_self_and_admin,
    concurrent_updates_lose_no_writes,
);

async fn get_user_filters_by_read_attributes(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    app.confirmed_user_with(
        &pool_id,
        "alice",
        PASSWORD,
        &[
            ("email", "alice@example.com"),
            ("email_verified", "true"),
            ("given_name", "Alice"),
        ],
    )
    .await;
    let all = app
        .idp
        .get_user()
        .access_token(token(&app, &client_id, "alice").await)
        .send()
        .await
        .unwrap();
    assert_eq!(all.username(), "alice");
    let names: Vec<&str> = all.user_attributes().iter().map(|a| a.name()).collect();
    for name in ["sub", "email", "email_verified", "given_name"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    // No MFA set: AWS omits the MFA members.
    assert!(all.mfa_options().is_empty());
    assert_eq!(all.preferred_mfa_setting(), None);
    assert!(all.user_mfa_setting_list().is_empty());

    let narrow = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("narrow")
        .set_explicit_auth_flows(Some(FIXTURE_FLOWS.to_vec()))
        .read_attributes("email")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let seen = own_attributes(&app, &token(&app, &narrow, "alice").await).await;
    let mut names: Vec<&str> = seen.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(
        names,
        ["email", "sub"],
        "only what the client may read (and sub)"
    );
}

async fn get_user_refuses_bad_tokens(app: TestApp) {
    let (code, message) = failure(app.idp.get_user().access_token("not-a-token").send().await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("NotAuthorizedException", "Invalid Access Token")
    );
    let (pool_id, client_id) = app.pool_with_client().await;
    app.confirmed_user(&pool_id, "bob", PASSWORD).await;
    let access = token(&app, &client_id, "bob").await;
    // A token whose signature does not match its content.
    let mut parts: Vec<String> = access.split('.').map(str::to_string).collect();
    parts[2] = parts[2].chars().rev().collect();
    let (code, _) = failure(
        app.idp
            .get_user()
            .access_token(parts.join("."))
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
    app.clock.advance_secs(3601);
    let (code, message) = failure(app.idp.get_user().access_token(&access).send().await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("NotAuthorizedException", "Access Token has expired")
    );
}

async fn update_sets_removes_and_sends_codes(app: TestApp) {
    let (pool_id, client_id) = verifying_pool(&app, false).await;
    app.confirmed_user(&pool_id, "carol", PASSWORD).await;
    let access = token(&app, &client_id, "carol").await;

    // A plain attribute: set, no code.
    let out = app
        .idp
        .update_user_attributes()
        .access_token(&access)
        .user_attributes(attribute("given_name", "Carol"))
        .user_attributes(attribute("custom:team", "blue"))
        .send()
        .await
        .unwrap();
    assert!(out.code_delivery_details_list().is_empty());
    let seen = own_attributes(&app, &access).await;
    assert_eq!(seen["given_name"], "Carol");
    assert_eq!(seen["custom:team"], "blue");
    assert_eq!(verification_messages(&app, &pool_id, "carol").await, 0);

    // A new email: unverified, and a code goes to the new address.
    let out = app
        .idp
        .update_user_attributes()
        .access_token(&access)
        .user_attributes(attribute("email", "new@example.org"))
        .send()
        .await
        .unwrap();
    let details = out.code_delivery_details_list();
    assert_eq!(details.len(), 1);
    assert_eq!(details[0].destination(), Some("n***@e***"));
    assert_eq!(
        details[0].delivery_medium(),
        Some(&DeliveryMediumType::Email)
    );
    assert_eq!(details[0].attribute_name(), Some("email"));
    let seen = own_attributes(&app, &access).await;
    assert_eq!(seen["email"], "new@example.org");
    assert_eq!(seen["email_verified"], "false");
    let sent = app.last_message(&pool_id, "carol").await;
    assert_eq!(sent.kind, "VERIFY_ATTRIBUTE");
    assert_eq!(sent.destination, "new@example.org");

    app.idp
        .verify_user_attribute()
        .access_token(&access)
        .attribute_name("email")
        .code(sent.code.unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        own_attributes(&app, &access).await["email_verified"],
        "true"
    );

    // The same email again changes nothing and sends nothing.
    let out = app
        .idp
        .update_user_attributes()
        .access_token(&access)
        .user_attributes(attribute("email", "new@example.org"))
        .send()
        .await
        .unwrap();
    assert!(out.code_delivery_details_list().is_empty());
    assert_eq!(
        own_attributes(&app, &access).await["email_verified"],
        "true"
    );

    // A blank value removes the attribute.
    app.idp
        .update_user_attributes()
        .access_token(&access)
        .user_attributes(attribute("given_name", ""))
        .send()
        .await
        .unwrap();
    assert!(
        !own_attributes(&app, &access)
            .await
            .contains_key("given_name")
    );
}

async fn update_refusals_change_nothing(app: TestApp) {
    let (pool_id, client_id) = verifying_pool(&app, false).await;
    app.confirmed_user_with(
        &pool_id,
        "dave",
        PASSWORD,
        &[
            ("email", "dave@example.com"),
            ("email_verified", "true"),
            ("custom:tenant", "acme"),
        ],
    )
    .await;
    let access = token(&app, &client_id, "dave").await;
    let before = admin_attributes(&app, &pool_id, "dave").await;
    let update = |attributes: Vec<AttributeType>| {
        app.idp
            .update_user_attributes()
            .access_token(&access)
            .set_user_attributes(Some(attributes))
            .send()
    };

    let (code, message) = failure(
        update(vec![
            attribute("given_name", "Dave"),
            attribute("custom:tenant", "other"),
        ])
        .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "InvalidParameterException",
            "Cannot modify the non-mutable attribute custom:tenant"
        )
    );
    let (code, message) = failure(
        update(vec![
            attribute("given_name", "Dave"),
            attribute("email_verified", "true"),
        ])
        .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "NotAuthorizedException",
            "A client attempted to write unauthorized attribute"
        )
    );
    let (code, _) = failure(update(vec![attribute("custom:nope", "x")]).await);
    assert_eq!(code, "InvalidParameterException");
    let (code, message) = failure(update(vec![attribute("email", "not-an-email")]).await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("InvalidParameterException", "Invalid email address format.")
    );

    // A client whose WriteAttributes do not include the attribute.
    let narrow = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("narrow")
        .set_explicit_auth_flows(Some(FIXTURE_FLOWS.to_vec()))
        .write_attributes("given_name")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let narrow_access = token(&app, &narrow, "dave").await;
    let (code, message) = failure(
        app.idp
            .update_user_attributes()
            .access_token(&narrow_access)
            .user_attributes(attribute("given_name", "Dave"))
            .user_attributes(attribute("family_name", "Jones"))
            .send()
            .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "NotAuthorizedException",
            "A client attempted to write unauthorized attribute"
        )
    );

    assert_eq!(admin_attributes(&app, &pool_id, "dave").await, before);
    assert_eq!(verification_messages(&app, &pool_id, "dave").await, 0);
}

async fn update_keeps_original_until_verified(app: TestApp) {
    let (pool_id, client_id) = verifying_pool(&app, true).await;
    app.confirmed_user(&pool_id, "erin", PASSWORD).await;
    let access = token(&app, &client_id, "erin").await;
    let out = app
        .idp
        .update_user_attributes()
        .access_token(&access)
        .user_attributes(attribute("email", "erin@new.example"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.code_delivery_details_list().len(), 1);
    let sent = app.last_message(&pool_id, "erin").await;
    assert_eq!(sent.destination, "erin@new.example");

    // Until verified, the original stays, still verified.
    let seen = own_attributes(&app, &access).await;
    assert_eq!(seen["email"], "erin@example.com");
    assert_eq!(seen["email_verified"], "true");

    let (code, _) = failure(
        app.idp
            .verify_user_attribute()
            .access_token(&access)
            .attribute_name("email")
            .code("000000x")
            .send()
            .await,
    );
    assert_eq!(code, "CodeMismatchException");
    assert_eq!(
        own_attributes(&app, &access).await["email"],
        "erin@example.com"
    );

    app.idp
        .verify_user_attribute()
        .access_token(&access)
        .attribute_name("email")
        .code(sent.code.unwrap())
        .send()
        .await
        .unwrap();
    let seen = own_attributes(&app, &access).await;
    assert_eq!(seen["email"], "erin@new.example");
    assert_eq!(seen["email_verified"], "true");

    // An admin can skip the wait by marking the new address verified.
    app.idp
        .admin_update_user_attributes()
        .user_pool_id(&pool_id)
        .username("erin")
        .user_attributes(attribute("email", "erin@third.example"))
        .user_attributes(attribute("email_verified", "true"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        admin_attributes(&app, &pool_id, "erin").await["email"],
        "erin@third.example"
    );
}

async fn admin_update_can_verify_and_sends_codes_as_aws(app: TestApp) {
    let (pool_id, _) = verifying_pool(&app, false).await;
    app.confirmed_user(&pool_id, "frank", PASSWORD).await;

    // Marked verified in the same request: no message.
    app.idp
        .admin_update_user_attributes()
        .user_pool_id(&pool_id)
        .username("frank")
        .user_attributes(attribute("email", "frank@other.example"))
        .user_attributes(attribute("email_verified", "true"))
        .user_attributes(attribute("custom:tenant", "acme"))
        .send()
        .await
        .unwrap_err();
    // custom:tenant is immutable: the whole request was refused.
    assert_eq!(
        admin_attributes(&app, &pool_id, "frank").await["email"],
        "frank@example.com"
    );
    app.idp
        .admin_update_user_attributes()
        .user_pool_id(&pool_id)
        .username("frank")
        .user_attributes(attribute("email", "frank@other.example"))
        .user_attributes(attribute("email_verified", "true"))
        .send()
        .await
        .unwrap();
    let seen = admin_attributes(&app, &pool_id, "frank").await;
    assert_eq!(seen["email"], "frank@other.example");
    assert_eq!(seen["email_verified"], "true");
    assert_eq!(verification_messages(&app, &pool_id, "frank").await, 0);

    // Not marked verified, in a pool that auto-verifies email: unverified, and AWS sends a code.
    app.idp
        .admin_update_user_attributes()
        .user_pool_id(&pool_id)
        .username("frank")
        .user_attributes(attribute("email", "frank@third.example"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        admin_attributes(&app, &pool_id, "frank").await["email_verified"],
        "false"
    );
    let sent = app.last_message(&pool_id, "frank").await;
    assert_eq!(
        (sent.kind.as_str(), sent.destination.as_str()),
        ("VERIFY_ATTRIBUTE", "frank@third.example")
    );

    // An admin may set the flag alone.
    app.idp
        .admin_update_user_attributes()
        .user_pool_id(&pool_id)
        .username("frank")
        .user_attributes(attribute("email_verified", "true"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        admin_attributes(&app, &pool_id, "frank").await["email_verified"],
        "true"
    );
}

async fn alias_uniqueness_is_enforced(app: TestApp) {
    // Email as username: every email is unique.
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("by-email")
        .username_attributes(UsernameAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client_id = app.client_for(&pool_id).await;
    app.confirmed_user(&pool_id, "gina@example.com", PASSWORD)
        .await;
    app.confirmed_user(&pool_id, "hank@example.com", PASSWORD)
        .await;
    let access = token(&app, &client_id, "gina@example.com").await;
    let (code, message) = failure(
        app.idp
            .update_user_attributes()
            .access_token(&access)
            .user_attributes(attribute("email", "HANK@example.com"))
            .send()
            .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "AliasExistsException",
            "An account with the given email already exists."
        )
    );
    assert_eq!(
        own_attributes(&app, &access).await["email"],
        "gina@example.com"
    );

    // Email as an alias: a verified email belongs to one user only.
    let alias_pool = app
        .idp
        .create_user_pool()
        .pool_name("alias")
        .alias_attributes(AliasAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    app.confirmed_user(&alias_pool, "ivan", PASSWORD).await;
    app.confirmed_user_with(&alias_pool, "jane", PASSWORD, &[])
        .await;
    let (code, _) = failure(
        app.idp
            .admin_update_user_attributes()
            .user_pool_id(&alias_pool)
            .username("jane")
            .user_attributes(attribute("email", "ivan@example.com"))
            .user_attributes(attribute("email_verified", "true"))
            .send()
            .await,
    );
    assert_eq!(code, "AliasExistsException");
    assert!(
        !admin_attributes(&app, &alias_pool, "jane")
            .await
            .contains_key("email")
    );
    // Unverified, the same address is no alias and may be held.
    app.idp
        .admin_update_user_attributes()
        .user_pool_id(&alias_pool)
        .username("jane")
        .user_attributes(attribute("email", "ivan@example.com"))
        .send()
        .await
        .unwrap();
}

async fn delete_attributes_self_and_admin(app: TestApp) {
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("required")
        .schema(
            SchemaAttributeType::builder()
                .name("name")
                .attribute_data_type(AttributeDataType::String)
                .required(true)
                .mutable(true)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client_id = app.client_for(&pool_id).await;
    app.confirmed_user_with(
        &pool_id,
        "kate",
        PASSWORD,
        &[
            ("name", "Kate"),
            ("email", "kate@example.com"),
            ("email_verified", "true"),
            ("given_name", "K"),
            ("locale", "en"),
        ],
    )
    .await;
    let access = token(&app, &client_id, "kate").await;

    app.idp
        .delete_user_attributes()
        .access_token(&access)
        .user_attribute_names("given_name")
        .user_attribute_names("nickname")
        .send()
        .await
        .unwrap();
    let seen = own_attributes(&app, &access).await;
    assert!(!seen.contains_key("given_name"));

    let (code, message) = failure(
        app.idp
            .delete_user_attributes()
            .access_token(&access)
            .user_attribute_names("locale")
            .user_attribute_names("name")
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
    assert!(message.contains("name"), "{message}");
    assert_eq!(
        own_attributes(&app, &access).await["locale"],
        "en",
        "nothing changed"
    );
    let (code, _) = failure(
        app.idp
            .delete_user_attributes()
            .access_token(&access)
            .user_attribute_names("sub")
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");

    // Removing an address removes its verification flag.
    app.idp
        .admin_delete_user_attributes()
        .user_pool_id(&pool_id)
        .username("kate")
        .user_attribute_names("email")
        .send()
        .await
        .unwrap();
    let seen = admin_attributes(&app, &pool_id, "kate").await;
    assert!(!seen.contains_key("email"));
    assert!(!seen.contains_key("email_verified"));
    let (code, _) = failure(
        app.idp
            .admin_delete_user_attributes()
            .user_pool_id(&pool_id)
            .username("kate")
            .user_attribute_names("name")
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
}

async fn concurrent_updates_lose_no_writes(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    app.confirmed_user(&pool_id, "pia", PASSWORD).await;
    let access = token(&app, &client_id, "pia").await;
    let names = [
        "given_name",
        "family_name",
        "middle_name",
        "nickname",
        "locale",
        "zoneinfo",
        "website",
        "gender",
    ];
    let mut tasks = Vec::new();
    for (i, name) in names.into_iter().enumerate() {
        let idp = app.idp.clone();
        let (pool_id, access) = (pool_id.clone(), access.clone());
        tasks.push(tokio::spawn(async move {
            let value = format!("v{i}");
            if i % 2 == 0 {
                idp.admin_update_user_attributes()
                    .user_pool_id(pool_id)
                    .username("pia")
                    .user_attributes(attribute(name, &value))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| format!("{e:?}"))
            } else {
                idp.update_user_attributes()
                    .access_token(access)
                    .user_attributes(attribute(name, &value))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| format!("{e:?}"))
            }
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let seen = admin_attributes(&app, &pool_id, "pia").await;
    for (i, name) in names.iter().enumerate() {
        assert_eq!(seen.get(*name), Some(&format!("v{i}")), "{name}");
    }
}
