//! ListUsers: the filter grammar over every searchable attribute (quotes, escapes, unicode,
//! phone prefixes), unknown attributes, AttributesToGet, Limit, and paging that returns each
//! user exactly once, also while users are being added; on both backends. Filters on attributes
//! list in value order, then username; the other listings in username order.

use std::collections::BTreeSet;

use aws_sdk_cognitoidentityprovider::types::{
    AttributeDataType, MessageActionType, SchemaAttributeType,
};
use cognate_testkit::{PASSWORD, TestApp, backend_tests, failure};

use crate::users_admin::attr;

backend_tests!(
    filters_over_each_searchable_attribute,
    quotes_escapes_and_unicode,
    phone_number_prefix,
    status_and_user_status,
    unknown_attribute_and_malformed_filters,
    attributes_to_get_and_limit,
    paging_returns_each_user_once,
    paging_under_concurrent_inserts,
    filtered_paging_under_inserts,
    pagination_token_is_bound_to_pool_and_filter,
);

async fn pool(app: &TestApp) -> String {
    app.pool_with_client().await.0
}

/// Creates `username` (FORCE_CHANGE_PASSWORD, nothing sent) with `attributes`.
async fn user(app: &TestApp, pool_id: &str, username: &str, attributes: &[(&str, &str)]) {
    app.idp
        .admin_create_user()
        .user_pool_id(pool_id)
        .username(username)
        .set_user_attributes(Some(attributes.iter().map(|(n, v)| attr(n, v)).collect()))
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
}

/// Every username the filter selects, over all pages of `limit`.
async fn list(app: &TestApp, pool_id: &str, filter: Option<&str>, limit: i32) -> Vec<String> {
    let mut names = Vec::new();
    let mut token = None;
    for _ in 0..1000 {
        let page = app
            .idp
            .list_users()
            .user_pool_id(pool_id)
            .set_filter(filter.map(str::to_string))
            .limit(limit)
            .set_pagination_token(token)
            .send()
            .await
            .unwrap();
        assert!(page.users().len() <= limit as usize);
        names.extend(page.users().iter().filter_map(|u| u.username.clone()));
        token = page.pagination_token;
        if token.is_none() {
            return names;
        }
    }
    panic!("ListUsers does not end");
}

async fn names(app: &TestApp, pool_id: &str, filter: &str) -> Vec<String> {
    list(app, pool_id, Some(filter), 2).await
}

async fn filters_over_each_searchable_attribute(app: TestApp) {
    let pool_id = pool(&app).await;
    user(
        &app,
        &pool_id,
        "alice",
        &[
            ("email", "alice@example.com"),
            ("name", "Alice Liddell"),
            ("given_name", "Alice"),
            ("family_name", "Liddell"),
            ("preferred_username", "ally"),
        ],
    )
    .await;
    user(
        &app,
        &pool_id,
        "alfred",
        &[("email", "alfred@example.org"), ("given_name", "Alfred")],
    )
    .await;
    user(&app, &pool_id, "bob", &[("email", "bob@example.com")]).await;

    assert_eq!(
        names(&app, &pool_id, r#"email = "bob@example.com""#).await,
        ["bob"]
    );
    assert_eq!(
        names(&app, &pool_id, r#"email ^= "al""#).await,
        ["alfred", "alice"]
    );
    assert!(
        names(&app, &pool_id, r#"email = "nobody@example.com""#)
            .await
            .is_empty()
    );
    assert_eq!(
        names(&app, &pool_id, r#"name = "Alice Liddell""#).await,
        ["alice"]
    );
    assert_eq!(
        names(&app, &pool_id, r#"given_name ^= "Al""#).await,
        ["alfred", "alice"]
    );
    assert_eq!(
        names(&app, &pool_id, r#"family_name = "Liddell""#).await,
        ["alice"]
    );
    assert_eq!(
        names(&app, &pool_id, r#"preferred_username = "ally""#).await,
        ["alice"]
    );
    assert_eq!(names(&app, &pool_id, r#"username = "bob""#).await, ["bob"]);
    assert_eq!(
        names(&app, &pool_id, r#"username ^= "al""#).await,
        ["alfred", "alice"]
    );
    // Values compare exactly: case matters, and `=` is not a prefix match.
    assert!(
        names(&app, &pool_id, r#"given_name = "alice""#)
            .await
            .is_empty()
    );
    assert!(
        names(&app, &pool_id, r#"given_name = "Ali""#)
            .await
            .is_empty()
    );
    // No spaces around the operator is the same filter.
    assert_eq!(
        names(&app, &pool_id, r#"email="bob@example.com""#).await,
        ["bob"]
    );

    let sub = app
        .idp
        .admin_get_user()
        .user_pool_id(&pool_id)
        .username("alfred")
        .send()
        .await
        .unwrap()
        .user_attributes()
        .iter()
        .find(|a| a.name() == "sub")
        .and_then(|a| a.value().map(str::to_string))
        .unwrap();
    assert_eq!(
        names(&app, &pool_id, &format!(r#"sub = "{sub}""#)).await,
        ["alfred"]
    );
    // A blank filter is no filter.
    assert_eq!(names(&app, &pool_id, "").await, ["alfred", "alice", "bob"]);
}

async fn quotes_escapes_and_unicode(app: TestApp) {
    let pool_id = pool(&app).await;
    user(&app, &pool_id, "obrien", &[("family_name", "O\"Brien")]).await;
    user(&app, &pool_id, "slash", &[("family_name", "back\\slash")]).await;
    user(
        &app,
        &pool_id,
        "zoe",
        &[("given_name", "Zoë"), ("family_name", "日本語")],
    )
    .await;
    user(&app, &pool_id, "zoe2", &[("given_name", "Zoe")]).await;
    assert_eq!(
        names(&app, &pool_id, r#"family_name = "O\"Brien""#).await,
        ["obrien"]
    );
    assert_eq!(
        names(&app, &pool_id, r#"family_name ^= "O\"""#).await,
        ["obrien"]
    );
    assert_eq!(
        names(&app, &pool_id, r#"family_name = "back\\slash""#).await,
        ["slash"]
    );
    assert_eq!(
        names(&app, &pool_id, r#"given_name = "Zoë""#).await,
        ["zoe"]
    );
    assert_eq!(
        // An attribute filter lists in value order: "Zoe" < "Zoë".
        names(&app, &pool_id, r#"given_name ^= "Zo""#).await,
        ["zoe2", "zoe"]
    );
    assert_eq!(
        names(&app, &pool_id, r#"given_name ^= "Zoë""#).await,
        ["zoe"]
    );
    assert_eq!(
        names(&app, &pool_id, r#"family_name ^= "日本""#).await,
        ["zoe"]
    );
}

async fn phone_number_prefix(app: TestApp) {
    let pool_id = pool(&app).await;
    user(&app, &pool_id, "p1", &[("phone_number", "+15551230001")]).await;
    user(&app, &pool_id, "p2", &[("phone_number", "+15551239999")]).await;
    user(&app, &pool_id, "p3", &[("phone_number", "+15561230001")]).await;
    user(&app, &pool_id, "p4", &[("phone_number", "+441234567890")]).await;
    assert_eq!(
        names(&app, &pool_id, r#"phone_number ^= "+1555""#).await,
        ["p1", "p2"]
    );
    assert_eq!(
        names(&app, &pool_id, r#"phone_number ^= "+1""#).await,
        ["p1", "p2", "p3"]
    );
    assert_eq!(
        names(&app, &pool_id, r#"phone_number ^= "+44""#).await,
        ["p4"]
    );
    assert_eq!(
        names(&app, &pool_id, r#"phone_number = "+15551239999""#).await,
        ["p2"]
    );
    assert!(
        names(&app, &pool_id, r#"phone_number = "+1555""#)
            .await
            .is_empty()
    );
}

async fn status_and_user_status(app: TestApp) {
    let pool_id = pool(&app).await;
    app.confirmed_user(&pool_id, "confirmed", PASSWORD).await;
    user(&app, &pool_id, "invited", &[]).await;
    user(&app, &pool_id, "off", &[]).await;
    app.idp
        .admin_disable_user()
        .user_pool_id(&pool_id)
        .username("off")
        .send()
        .await
        .unwrap();
    assert_eq!(
        names(&app, &pool_id, r#"status = "Disabled""#).await,
        ["off"]
    );
    assert_eq!(
        names(&app, &pool_id, r#"status = "Enabled""#).await,
        ["confirmed", "invited"]
    );
    // `status` is case-sensitive, `cognito:user_status` is not.
    assert!(
        names(&app, &pool_id, r#"status = "enabled""#)
            .await
            .is_empty()
    );
    assert_eq!(
        names(&app, &pool_id, r#"cognito:user_status = "CONFIRMED""#).await,
        ["confirmed"]
    );
    assert_eq!(
        names(
            &app,
            &pool_id,
            r#"cognito:user_status = "force_change_password""#
        )
        .await,
        ["invited", "off"]
    );
    assert_eq!(
        names(&app, &pool_id, r#"cognito:user_status ^= "Conf""#).await,
        ["confirmed"]
    );
}

async fn unknown_attribute_and_malformed_filters(app: TestApp) {
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("custom")
        .schema(
            SchemaAttributeType::builder()
                .name("tenant")
                .attribute_data_type(AttributeDataType::String)
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
    for (filter, message) in [
        (
            r#"custom:tenant = "x""#,
            "Invalid search attribute: custom:tenant",
        ),
        (r#"address = "x""#, "Invalid search attribute: address"),
        ("email = unquoted", "Error while parsing filter."),
        (r#"email = "open"#, "Error while parsing filter."),
        (r#"email != "x""#, "Error while parsing filter."),
        (r#"email = "x" and"#, "Error while parsing filter."),
    ] {
        let (code, got) = failure(
            app.idp
                .list_users()
                .user_pool_id(&pool_id)
                .filter(filter)
                .send()
                .await,
        );
        assert_eq!(
            (code.as_str(), got.as_str()),
            ("InvalidParameterException", message),
            "{filter}"
        );
    }
    let (code, _) = failure(
        app.idp
            .list_users()
            .user_pool_id("us-east-1_AAAAAAAAA")
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
}

async fn attributes_to_get_and_limit(app: TestApp) {
    let pool_id = pool(&app).await;
    user(
        &app,
        &pool_id,
        "a",
        &[("email", "a@example.com"), ("given_name", "A")],
    )
    .await;
    let listed = app
        .idp
        .list_users()
        .user_pool_id(&pool_id)
        .attributes_to_get("given_name")
        .send()
        .await
        .unwrap();
    let user = &listed.users()[0];
    let attributes: Vec<&str> = user.attributes().iter().map(|a| a.name()).collect();
    assert_eq!(attributes, ["given_name"]);
    assert_eq!(user.username(), Some("a"));
    assert!(user.user_status().is_some() && user.enabled());
    let all = app
        .idp
        .list_users()
        .user_pool_id(&pool_id)
        .send()
        .await
        .unwrap();
    let names: BTreeSet<&str> = all.users()[0]
        .attributes()
        .iter()
        .map(|a| a.name())
        .collect();
    assert!(names.contains("email") && names.contains("sub") && names.contains("given_name"));
    let (code, _) = failure(
        app.idp
            .list_users()
            .user_pool_id(&pool_id)
            .limit(61)
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
}

async fn paging_returns_each_user_once(app: TestApp) {
    let pool_id = pool(&app).await;
    let mut expected: Vec<String> = (0..65).map(|i| format!("user{i:02}")).collect();
    for name in &expected {
        user(
            &app,
            &pool_id,
            name,
            &[("email", format!("{name}@example.com").as_str())],
        )
        .await;
    }
    expected.sort();
    // The default page is 60.
    let first = app
        .idp
        .list_users()
        .user_pool_id(&pool_id)
        .send()
        .await
        .unwrap();
    assert_eq!(first.users().len(), 60);
    assert!(first.pagination_token().is_some());
    for limit in [1, 7, 60] {
        assert_eq!(
            list(&app, &pool_id, None, limit).await,
            expected,
            "limit {limit}"
        );
    }
    let filtered = list(&app, &pool_id, Some(r#"email ^= "user1""#), 3).await;
    assert_eq!(filtered, expected[10..20].to_vec());
}

async fn paging_under_concurrent_inserts(app: TestApp) {
    let pool_id = pool(&app).await;
    let before: Vec<String> = (0..30).map(|i| format!("m{i:02}")).collect();
    for name in &before {
        user(&app, &pool_id, name, &[]).await;
    }
    let writer = {
        let idp = app.idp.clone();
        let pool_id = pool_id.clone();
        tokio::spawn(async move {
            for i in 0..30 {
                idp.admin_create_user()
                    .user_pool_id(&pool_id)
                    .username(format!("m{i:02}x"))
                    .message_action(MessageActionType::Suppress)
                    .send()
                    .await
                    .unwrap();
            }
        })
    };
    let seen = list(&app, &pool_id, None, 4).await;
    writer.await.unwrap();
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "a user listed twice: {seen:?}");
    for name in &before {
        assert!(unique.contains(name), "{name} missing");
    }
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "pages in username order");
}

/// An attribute filter pages in value order; users added between its pages, with values before,
/// at and after the page's position, never make it repeat or skip a user that was there.
async fn filtered_paging_under_inserts(app: TestApp) {
    let pool_id = pool(&app).await;
    // Five users per team: pages of 3 end inside a value.
    let mut expected = Vec::new();
    for i in 0..20 {
        let (name, team) = (format!("m{:02}", (i * 7) % 20), format!("team-{}", i % 4));
        user(&app, &pool_id, &name, &[("given_name", team.as_str())]).await;
        expected.push((team, name));
    }
    expected.sort();
    let expected: Vec<String> = expected.into_iter().map(|(_, name)| name).collect();
    let (mut seen, mut token) = (Vec::new(), None);
    for round in 0..100 {
        let page = app
            .idp
            .list_users()
            .user_pool_id(&pool_id)
            .filter(r#"given_name ^= "team-""#)
            .limit(3)
            .set_pagination_token(token)
            .send()
            .await
            .unwrap();
        seen.extend(
            page.users()
                .iter()
                .filter_map(|u| u.username().map(str::to_owned)),
        );
        token = page.pagination_token;
        if token.is_none() {
            break;
        }
        for (name, team) in [("a", 0), ("m", 1), ("n", 2), ("zz", 3)] {
            let value = format!("team-{team}");
            let added = format!("{name}-added-{round}");
            user(&app, &pool_id, &added, &[("given_name", value.as_str())]).await;
        }
    }
    assert!(token.is_none(), "the listing ends");
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "a user listed twice: {seen:?}");
    let existing: Vec<String> = seen
        .iter()
        .filter(|name| !name.contains("-added-"))
        .cloned()
        .collect();
    assert_eq!(existing, expected, "every first user once, in value order");
}

async fn pagination_token_is_bound_to_pool_and_filter(app: TestApp) {
    let pool_id = pool(&app).await;
    let other = pool(&app).await;
    for name in ["a1", "a2", "a3"] {
        user(
            &app,
            &pool_id,
            name,
            &[("email", format!("{name}@example.com").as_str())],
        )
        .await;
        user(
            &app,
            &other,
            name,
            &[("email", format!("{name}@example.com").as_str())],
        )
        .await;
    }
    let token = app
        .idp
        .list_users()
        .user_pool_id(&pool_id)
        .filter(r#"email ^= "a""#)
        .limit(1)
        .send()
        .await
        .unwrap()
        .pagination_token
        .unwrap();
    assert!(!token.contains("a1"));
    let attempts = [
        (other.as_str(), r#"email ^= "a""#),
        (pool_id.as_str(), r#"email ^= "a2""#),
        (pool_id.as_str(), ""),
    ];
    for (pool, filter) in attempts {
        let (code, _) = failure(
            app.idp
                .list_users()
                .user_pool_id(pool)
                .filter(filter)
                .pagination_token(&token)
                .send()
                .await,
        );
        assert_eq!(code, "InvalidParameterException", "{pool} {filter}");
    }
    let next = app
        .idp
        .list_users()
        .user_pool_id(&pool_id)
        .filter(r#"email ^= "a""#)
        .limit(1)
        .pagination_token(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(next.users()[0].username(), Some("a2"));
}
