//! Groups and memberships: uniqueness regardless of case, paging, and nothing left behind when
//! a group, a user or a pool goes.

use cognate_domain::group::{GROUPS_POOL_NAME_KEY, Group};
use cognate_domain::ids::UserPoolId;
use cognate_domain::{Page, Store, StoreError};

use crate::fixtures::*;

fn group(pool: &UserPoolId, name: &str) -> Group {
    Group {
        pool_id: pool.clone(),
        name: name.into(),
        description: Some(format!("the {name} group")),
        role_arn: Some(format!("arn:aws:iam::123456789012:role/{name}")),
        precedence: Some(3),
        created_at: T0,
        last_modified_at: T0.plus_secs(2),
    }
}

async fn setup(store: &dyn Store) -> UserPoolId {
    let id = pool_id(1);
    store
        .create_pool(&pool(&id), &[])
        .await
        .expect("create pool");
    id
}

fn names(page: &Page<Group>) -> Vec<String> {
    page.items.iter().map(|g| g.name.clone()).collect()
}

pub async fn group_crud_and_case_insensitive_names(store: &dyn Store) {
    let id = setup(store).await;
    let admins = group(&id, "Admins");
    store.create_group(&admins).await.expect("create group");
    assert_eq!(store.get_group(&id, "Admins").await, Ok(admins.clone()));
    assert_eq!(store.get_group(&id, "admins").await, Ok(admins.clone()));
    assert_eq!(
        store.create_group(&group(&id, "ADMINS")).await,
        Err(conflict(GROUPS_POOL_NAME_KEY))
    );
    let mut changed = admins.clone();
    changed.description = None;
    changed.precedence = None;
    changed.last_modified_at = T0.plus_secs(9);
    store.update_group(&changed).await.expect("update group");
    assert_eq!(store.get_group(&id, "Admins").await, Ok(changed));
    assert_eq!(
        store.update_group(&group(&id, "nobody")).await,
        Err(StoreError::NotFound)
    );
    store
        .delete_group(&id, "ADMINS")
        .await
        .expect("delete group");
    assert_eq!(
        store.get_group(&id, "Admins").await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.delete_group(&id, "Admins").await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.create_group(&group(&pool_id(9), "x")).await,
        Err(StoreError::NotFound)
    );
}

pub async fn group_list_pages_each_group_once(store: &dyn Store) {
    let id = setup(store).await;
    let mut expected = Vec::new();
    for i in 0..7 {
        let name = format!("g{i}");
        store
            .create_group(&group(&id, &name))
            .await
            .expect("create");
        expected.push(name);
    }
    for limit in [1, 2, 3, 7, 60] {
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = store
                .list_groups(&id, after.as_deref(), limit)
                .await
                .expect("list_groups");
            assert!(page.items.len() <= limit);
            seen.extend(names(&page));
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        assert_eq!(seen, expected, "limit {limit}");
    }
}

pub async fn group_members_both_ways(store: &dyn Store) {
    let id = setup(store).await;
    for name in ["a", "b", "c"] {
        store.create_group(&group(&id, name)).await.expect("group");
    }
    for name in ["u1", "u2", "u3"] {
        store.create_user(&user(&id, name)).await.expect("user");
    }
    for (g, u) in [
        ("a", "u1"),
        ("a", "u2"),
        ("a", "u3"),
        ("b", "u1"),
        ("c", "u1"),
    ] {
        store.add_group_member(&id, g, u).await.expect("add member");
    }
    // Adding twice is fine.
    store.add_group_member(&id, "A", "u1").await.expect("again");
    let page = store
        .list_group_members(&id, "a", None, 2)
        .await
        .expect("members");
    let keys: Vec<&str> = page.items.iter().map(|u| u.username_key.as_str()).collect();
    assert_eq!(keys, ["u1", "u2"]);
    assert_eq!(page.items[0], user(&id, "u1"));
    let rest = store
        .list_group_members(&id, "a", page.next.as_deref(), 2)
        .await
        .expect("members");
    assert_eq!(rest.items.len(), 1);
    assert_eq!(rest.next, None);
    let groups = store
        .list_user_groups(&id, "u1", None, 2)
        .await
        .expect("groups");
    assert_eq!(names(&groups), ["a", "b"]);
    let more = store
        .list_user_groups(&id, "u1", groups.next.as_deref(), 2)
        .await
        .expect("groups");
    assert_eq!(names(&more), ["c"]);
    assert_eq!(more.next, None);
    store
        .remove_group_member(&id, "b", "u1")
        .await
        .expect("remove");
    store
        .remove_group_member(&id, "b", "u1")
        .await
        .expect("remove again");
    let groups = store
        .list_user_groups(&id, "u1", None, 60)
        .await
        .expect("groups");
    assert_eq!(names(&groups), ["a", "c"]);
    assert_eq!(
        store.add_group_member(&id, "nope", "u1").await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.add_group_member(&id, "a", "nobody").await,
        Err(StoreError::NotFound)
    );
}

pub async fn group_memberships_die_with_group_user_and_pool(store: &dyn Store) {
    let id = setup(store).await;
    for name in ["a", "b"] {
        store.create_group(&group(&id, name)).await.expect("group");
    }
    for name in ["u1", "u2"] {
        store.create_user(&user(&id, name)).await.expect("user");
        store
            .add_group_member(&id, "a", name)
            .await
            .expect("member");
        store
            .add_group_member(&id, "b", name)
            .await
            .expect("member");
    }
    store.delete_group(&id, "a").await.expect("delete group");
    // A new group of the same name starts empty.
    store.create_group(&group(&id, "a")).await.expect("group");
    let members = store
        .list_group_members(&id, "a", None, 60)
        .await
        .expect("members");
    assert!(members.items.is_empty());
    store.delete_user(&id, "u1").await.expect("delete user");
    store
        .create_user(&user(&id, "u1"))
        .await
        .expect("user again");
    let groups = store
        .list_user_groups(&id, "u1", None, 60)
        .await
        .expect("groups");
    assert!(groups.items.is_empty());
    let members = store
        .list_group_members(&id, "b", None, 60)
        .await
        .expect("members");
    let keys: Vec<&str> = members
        .items
        .iter()
        .map(|u| u.username_key.as_str())
        .collect();
    assert_eq!(keys, ["u2"]);
    store.delete_pool(&id).await.expect("delete pool");
    store
        .create_pool(&pool(&id), &[])
        .await
        .expect("pool again");
    assert_eq!(store.get_group(&id, "b").await, Err(StoreError::NotFound));
    let listed = store.list_groups(&id, None, 60).await.expect("groups");
    assert!(listed.items.is_empty());
}
