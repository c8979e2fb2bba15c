//! Groups: CreateGroup, GetGroup, UpdateGroup, DeleteGroup, ListGroups, AdminAddUserToGroup,
//! AdminRemoveUserFromGroup, AdminListGroupsForUser, ListUsersInGroup, and the group claims
//! of tokens, on both backends.

use cognate_testkit::{PASSWORD, TestApp, backend_tests, failure};

use crate::auth::{claims, fixture, sign_in};

backend_tests!(
    group_crud_has_aws_shape,
    group_names_are_unique_regardless_of_case,
    list_groups_pages_each_group_once,
    memberships_both_ways_with_paging,
    deleted_group_or_user_leaves_no_membership,
    unknown_pool_group_and_user,
    tokens_carry_groups_roles_and_preferred_role,
    preferred_role_ties,
    paging_tokens_are_bound_and_tamper_evident,
);

const ROLE_A: &str = "arn:aws:iam::123456789012:role/role-a";
const ROLE_B: &str = "arn:aws:iam::123456789012:role/role-b";

async fn create(
    app: &TestApp,
    pool_id: &str,
    name: &str,
    precedence: Option<i32>,
    role: Option<&str>,
) {
    app.idp
        .create_group()
        .user_pool_id(pool_id)
        .group_name(name)
        .set_precedence(precedence)
        .set_role_arn(role.map(str::to_string))
        .send()
        .await
        .unwrap();
}

async fn add(app: &TestApp, pool_id: &str, username: &str, group: &str) {
    app.idp
        .admin_add_user_to_group()
        .user_pool_id(pool_id)
        .username(username)
        .group_name(group)
        .send()
        .await
        .unwrap();
}

async fn groups_of(app: &TestApp, pool_id: &str, username: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut token = None;
    loop {
        let page = app
            .idp
            .admin_list_groups_for_user()
            .user_pool_id(pool_id)
            .username(username)
            .limit(1)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        names.extend(page.groups().iter().filter_map(|g| g.group_name.clone()));
        token = page.next_token;
        if token.is_none() {
            return names;
        }
    }
}

async fn members_of(app: &TestApp, pool_id: &str, group: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut token = None;
    loop {
        let page = app
            .idp
            .list_users_in_group()
            .user_pool_id(pool_id)
            .group_name(group)
            .limit(2)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        names.extend(page.users().iter().filter_map(|u| u.username.clone()));
        token = page.next_token;
        if token.is_none() {
            return names;
        }
    }
}

async fn group_crud_has_aws_shape(app: TestApp) {
    let (pool_id, _) = app.pool_with_client().await;
    let created = app
        .idp
        .create_group()
        .user_pool_id(&pool_id)
        .group_name("Editors")
        .description("can edit")
        .role_arn(ROLE_A)
        .precedence(5)
        .send()
        .await
        .unwrap()
        .group
        .unwrap();
    assert_eq!(created.group_name(), Some("Editors"));
    assert_eq!(created.user_pool_id(), Some(pool_id.as_str()));
    assert_eq!(created.description(), Some("can edit"));
    assert_eq!(created.role_arn(), Some(ROLE_A));
    assert_eq!(created.precedence(), Some(5));
    assert!(created.creation_date().is_some() && created.last_modified_date().is_some());

    let got = app
        .idp
        .get_group()
        .user_pool_id(&pool_id)
        .group_name("Editors")
        .send()
        .await
        .unwrap()
        .group
        .unwrap();
    assert_eq!(got, created);

    // Members left out of UpdateGroup keep their values.
    let updated = app
        .idp
        .update_group()
        .user_pool_id(&pool_id)
        .group_name("Editors")
        .precedence(1)
        .send()
        .await
        .unwrap()
        .group
        .unwrap();
    assert_eq!(updated.precedence(), Some(1));
    assert_eq!(updated.description(), Some("can edit"));
    assert_eq!(updated.role_arn(), Some(ROLE_A));
    let updated = app
        .idp
        .update_group()
        .user_pool_id(&pool_id)
        .group_name("Editors")
        .description("new")
        .role_arn(ROLE_B)
        .send()
        .await
        .unwrap()
        .group
        .unwrap();
    assert_eq!(
        (
            updated.description(),
            updated.role_arn(),
            updated.precedence()
        ),
        (Some("new"), Some(ROLE_B), Some(1))
    );

    // A group without the optional members.
    let bare = app
        .idp
        .create_group()
        .user_pool_id(&pool_id)
        .group_name("bare")
        .send()
        .await
        .unwrap()
        .group
        .unwrap();
    assert_eq!(
        (bare.description(), bare.role_arn(), bare.precedence()),
        (None, None, None)
    );

    app.idp
        .delete_group()
        .user_pool_id(&pool_id)
        .group_name("Editors")
        .send()
        .await
        .unwrap();
    let (code, message) = failure(
        app.idp
            .get_group()
            .user_pool_id(&pool_id)
            .group_name("Editors")
            .send()
            .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("ResourceNotFoundException", "Group not found.")
    );
    let (code, _) = failure(
        app.idp
            .delete_group()
            .user_pool_id(&pool_id)
            .group_name("Editors")
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
    // Out-of-model values are refused before anything is written.
    let (code, _) = failure(
        app.idp
            .create_group()
            .user_pool_id(&pool_id)
            .group_name("neg")
            .precedence(-1)
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
}

async fn group_names_are_unique_regardless_of_case(app: TestApp) {
    let (pool_id, _) = app.pool_with_client().await;
    create(&app, &pool_id, "Admins", None, None).await;
    for name in ["Admins", "ADMINS"] {
        let (code, message) = failure(
            app.idp
                .create_group()
                .user_pool_id(&pool_id)
                .group_name(name)
                .send()
                .await,
        );
        assert_eq!(code, "GroupExistsException", "{name}");
        assert_eq!(message, "A group with the name already exists.");
    }
    // Another pool may reuse the name.
    let (other, _) = app.pool_with_client().await;
    create(&app, &other, "Admins", None, None).await;
}

async fn list_groups_pages_each_group_once(app: TestApp) {
    let (pool_id, _) = app.pool_with_client().await;
    let mut expected: Vec<String> = (0..7).map(|i| format!("g{i}")).collect();
    for name in &expected {
        create(&app, &pool_id, name, None, None).await;
    }
    expected.sort();
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = app
            .idp
            .list_groups()
            .user_pool_id(&pool_id)
            .limit(3)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        assert!(page.groups().len() <= 3);
        seen.extend(page.groups().iter().filter_map(|g| g.group_name.clone()));
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen, expected);
    let all = app
        .idp
        .list_groups()
        .user_pool_id(&pool_id)
        .send()
        .await
        .unwrap();
    assert_eq!(all.groups().len(), 7);
    assert_eq!(all.next_token(), None);
}

async fn memberships_both_ways_with_paging(app: TestApp) {
    let (pool_id, _) = app.pool_with_client().await;
    for name in ["a", "b", "c"] {
        create(&app, &pool_id, name, None, None).await;
    }
    for user in ["u1", "u2", "u3", "u4", "u5"] {
        app.confirmed_user(&pool_id, user, PASSWORD).await;
        add(&app, &pool_id, user, "a").await;
    }
    add(&app, &pool_id, "u1", "c").await;
    add(&app, &pool_id, "u1", "b").await;
    // Adding again is not an error.
    add(&app, &pool_id, "u1", "b").await;
    assert_eq!(groups_of(&app, &pool_id, "u1").await, ["a", "b", "c"]);
    assert_eq!(
        members_of(&app, &pool_id, "a").await,
        ["u1", "u2", "u3", "u4", "u5"]
    );
    let listed = app
        .idp
        .list_users_in_group()
        .user_pool_id(&pool_id)
        .group_name("b")
        .send()
        .await
        .unwrap();
    let user = &listed.users()[0];
    assert_eq!(user.username(), Some("u1"));
    assert!(user.attributes().iter().any(|a| a.name() == "email"));
    assert!(user.enabled());

    app.idp
        .admin_remove_user_from_group()
        .user_pool_id(&pool_id)
        .username("u1")
        .group_name("b")
        .send()
        .await
        .unwrap();
    // Removing a non-member succeeds too.
    app.idp
        .admin_remove_user_from_group()
        .user_pool_id(&pool_id)
        .username("u1")
        .group_name("b")
        .send()
        .await
        .unwrap();
    assert_eq!(groups_of(&app, &pool_id, "u1").await, ["a", "c"]);
    assert!(members_of(&app, &pool_id, "b").await.is_empty());
}

async fn deleted_group_or_user_leaves_no_membership(app: TestApp) {
    let (pool_id, client_id) = fixture(&app).await;
    create(&app, &pool_id, "g", Some(1), Some(ROLE_A)).await;
    create(&app, &pool_id, "h", None, None).await;
    add(&app, &pool_id, "alice", "g").await;
    add(&app, &pool_id, "alice", "h").await;
    app.idp
        .delete_group()
        .user_pool_id(&pool_id)
        .group_name("g")
        .send()
        .await
        .unwrap();
    create(&app, &pool_id, "g", Some(1), Some(ROLE_A)).await;
    assert!(members_of(&app, &pool_id, "g").await.is_empty());
    let tokens = sign_in(&app, &client_id, "alice", PASSWORD).await;
    assert_eq!(
        claims(tokens.id_token().unwrap())["cognito:groups"],
        serde_json::json!(["h"])
    );

    app.idp
        .admin_delete_user()
        .user_pool_id(&pool_id)
        .username("alice")
        .send()
        .await
        .unwrap();
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    assert!(groups_of(&app, &pool_id, "alice").await.is_empty());
    assert!(members_of(&app, &pool_id, "h").await.is_empty());
}

async fn unknown_pool_group_and_user(app: TestApp) {
    let (pool_id, _) = fixture(&app).await;
    create(&app, &pool_id, "g", None, None).await;
    let (code, _) = failure(
        app.idp
            .create_group()
            .user_pool_id("us-east-1_AAAAAAAAA")
            .group_name("g")
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
    let (code, message) = failure(
        app.idp
            .admin_add_user_to_group()
            .user_pool_id(&pool_id)
            .username("alice")
            .group_name("nope")
            .send()
            .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("ResourceNotFoundException", "Group not found.")
    );
    let (code, message) = failure(
        app.idp
            .admin_add_user_to_group()
            .user_pool_id(&pool_id)
            .username("nobody")
            .group_name("g")
            .send()
            .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("UserNotFoundException", "User does not exist.")
    );
    let (code, _) = failure(
        app.idp
            .admin_list_groups_for_user()
            .user_pool_id(&pool_id)
            .username("nobody")
            .send()
            .await,
    );
    assert_eq!(code, "UserNotFoundException");
    let (code, _) = failure(
        app.idp
            .list_users_in_group()
            .user_pool_id(&pool_id)
            .group_name("nope")
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
    let (code, _) = failure(
        app.idp
            .update_group()
            .user_pool_id(&pool_id)
            .group_name("nope")
            .description("x")
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
}

async fn tokens_carry_groups_roles_and_preferred_role(app: TestApp) {
    let (pool_id, client_id) = fixture(&app).await;
    create(&app, &pool_id, "low", Some(10), Some(ROLE_A)).await;
    create(&app, &pool_id, "high", Some(1), Some(ROLE_B)).await;
    create(&app, &pool_id, "unused", Some(0), None).await;
    create(&app, &pool_id, "plain", None, None).await;
    for g in ["low", "high", "plain"] {
        add(&app, &pool_id, "alice", g).await;
    }
    let tokens = sign_in(&app, &client_id, "alice", PASSWORD).await;
    let id = claims(tokens.id_token().unwrap());
    let access = claims(tokens.access_token().unwrap());
    let mut groups: Vec<String> = serde_json::from_value(id["cognito:groups"].clone()).unwrap();
    groups.sort();
    assert_eq!(groups, ["high", "low", "plain"]);
    assert_eq!(access["cognito:groups"], id["cognito:groups"]);
    let mut roles: Vec<String> = serde_json::from_value(id["cognito:roles"].clone()).unwrap();
    roles.sort();
    assert_eq!(roles, [ROLE_A, ROLE_B]);
    assert_eq!(id["cognito:preferred_role"], ROLE_B);
    // Roles are for identity pools: the access token carries only the groups.
    assert!(access.get("cognito:roles").is_none());
    assert!(access.get("cognito:preferred_role").is_none());

    // Without groups, no group claims at all.
    app.confirmed_user(&pool_id, "bob", PASSWORD).await;
    let tokens = sign_in(&app, &client_id, "bob", PASSWORD).await;
    for token in [tokens.id_token().unwrap(), tokens.access_token().unwrap()] {
        let c = claims(token);
        assert!(c.get("cognito:groups").is_none());
        assert!(c.get("cognito:roles").is_none());
        assert!(c.get("cognito:preferred_role").is_none());
    }
}

async fn preferred_role_ties(app: TestApp) {
    let (pool_id, client_id) = fixture(&app).await;
    create(&app, &pool_id, "x", Some(2), Some(ROLE_A)).await;
    create(&app, &pool_id, "y", Some(2), Some(ROLE_A)).await;
    add(&app, &pool_id, "alice", "x").await;
    add(&app, &pool_id, "alice", "y").await;
    let id = claims(
        sign_in(&app, &client_id, "alice", PASSWORD)
            .await
            .id_token()
            .unwrap(),
    );
    assert_eq!(id["cognito:preferred_role"], ROLE_A);
    // Same precedence, different roles: no preferred role.
    app.idp
        .update_group()
        .user_pool_id(&pool_id)
        .group_name("y")
        .role_arn(ROLE_B)
        .send()
        .await
        .unwrap();
    let id = claims(
        sign_in(&app, &client_id, "alice", PASSWORD)
            .await
            .id_token()
            .unwrap(),
    );
    assert!(id.get("cognito:preferred_role").is_none(), "{id}");
    assert_eq!(id["cognito:roles"].as_array().map(Vec::len), Some(2));
}

async fn paging_tokens_are_bound_and_tamper_evident(app: TestApp) {
    let (pool_id, _) = app.pool_with_client().await;
    let (other, _) = app.pool_with_client().await;
    for name in ["a", "b", "c"] {
        create(&app, &pool_id, name, None, None).await;
        create(&app, &other, name, None, None).await;
    }
    let token = app
        .idp
        .list_groups()
        .user_pool_id(&pool_id)
        .limit(1)
        .send()
        .await
        .unwrap()
        .next_token
        .unwrap();
    let (code, _) = failure(
        app.idp
            .list_groups()
            .user_pool_id(&other)
            .next_token(&token)
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
    let mut altered = token.clone().into_bytes();
    let middle = altered.len() / 2;
    altered[middle] = if altered[middle] == b'x' { b'y' } else { b'x' };
    let (code, _) = failure(
        app.idp
            .list_groups()
            .user_pool_id(&pool_id)
            .next_token(String::from_utf8(altered).unwrap())
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
}
