use cognate_domain::ids::{Sub, UserPoolId};
use cognate_domain::listing::ListedUser;
use cognate_domain::user::{FilterField, UserFilter, UserStatus};
use cognate_domain::{Store, StoreError};
use serde_json::json;

use super::filtered;
use crate::fixtures::*;

fn attribute_is(name: &str, value: &str) -> UserFilter {
    UserFilter {
        field: FilterField::Attribute(name.into()),
        prefix: false,
        value: value.into(),
    }
}

async fn pools(store: &dyn Store) -> (UserPoolId, UserPoolId) {
    let (id, other) = (pool_id(1), pool_id(2));
    store
        .create_pool(&pool(&id), &[])
        .await
        .expect("create pool");
    store
        .create_pool(&pool(&other), &[])
        .await
        .expect("create pool");
    (id, other)
}

pub async fn user_create_and_get_every_way(store: &dyn Store) {
    let (id, other) = pools(store).await;
    let mut alice = user(&id, "Alice");
    alice.aliases = vec![
        alias("phone_number", "+15550100"),
        alias("email", "alice@example.com"),
    ];
    alice
        .attributes
        .insert("phone_number".into(), "+15550100".into());
    store.create_user(&alice).await.expect("create");

    assert_eq!(
        store.get_user(&id, "alice").await.expect("by username"),
        alice
    );
    assert_eq!(
        store
            .get_user_by_sub(&id, &alice.sub)
            .await
            .expect("by sub"),
        alice
    );
    assert_eq!(
        store
            .get_user_by_alias(&id, "email", "alice@example.com")
            .await
            .expect("by email"),
        alice
    );
    assert_eq!(
        store
            .get_user_by_alias(&id, "phone_number", "+15550100")
            .await
            .expect("by phone"),
        alice
    );

    assert_eq!(
        store.get_user(&id, "Alice").await,
        Err(StoreError::NotFound),
        "the key, not the username"
    );
    assert_eq!(store.get_user(&id, "bob").await, Err(StoreError::NotFound));
    assert_eq!(
        store.get_user_by_sub(&id, &Sub::new("nobody")).await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store
            .get_user_by_alias(&id, "email", "bob@example.com")
            .await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store
            .get_user_by_alias(&id, "preferred_username", "alice@example.com")
            .await,
        Err(StoreError::NotFound)
    );
    // Users, subs and aliases are per pool.
    assert_eq!(
        store.get_user(&other, "alice").await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.get_user_by_sub(&other, &alice.sub).await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store
            .get_user_by_alias(&other, "email", "alice@example.com")
            .await,
        Err(StoreError::NotFound)
    );
    let mut twin = alice.clone();
    twin.pool_id = other.clone();
    store
        .create_user(&twin)
        .await
        .expect("the same user in another pool");
    assert_eq!(
        store
            .get_user_by_alias(&other, "email", "alice@example.com")
            .await
            .expect("alias"),
        twin
    );
    assert_eq!(
        store.get_user(&id, "alice").await.expect("unchanged"),
        alice
    );

    // A user without password, attributes or aliases.
    let mut bare = user(&id, "bare");
    bare.password = None;
    bare.password_history.clear();
    bare.attributes.clear();
    bare.extra.clear();
    bare.status = UserStatus::ExternalProvider;
    bare.enabled = false;
    store.create_user(&bare).await.expect("create");
    assert_eq!(store.get_user(&id, "bare").await.expect("get"), bare);
}

pub async fn user_for_missing_pool_is_not_found(store: &dyn Store) {
    let id = pool_id(1);
    let mut orphan = user(&id, "orphan");
    orphan.aliases = vec![alias("email", "orphan@example.com")];
    assert_eq!(store.create_user(&orphan).await, Err(StoreError::NotFound));
    assert_eq!(
        store.get_user(&id, "orphan").await,
        Err(StoreError::NotFound)
    );
}

pub async fn user_username_conflict_writes_nothing(store: &dyn Store) {
    let (id, _) = pools(store).await;
    let first = user(&id, "alice");
    store.create_user(&first).await.expect("create");
    let mut second = user(&id, "ALICE");
    second.sub = Sub::new("another-sub");
    second
        .attributes
        .insert("email".into(), "second@example.com".into());
    second.aliases = vec![alias("email", "second@example.com")];
    assert_eq!(
        store.create_user(&second).await,
        Err(conflict("users_pool_username_key"))
    );

    assert_eq!(store.get_user(&id, "alice").await.expect("first"), first);
    assert_eq!(
        store.get_user_by_sub(&id, &second.sub).await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store
            .get_user_by_alias(&id, "email", "second@example.com")
            .await,
        Err(StoreError::NotFound)
    );
    assert!(
        filtered(store, &id, &attribute_is("email", "second@example.com"))
            .await
            .is_empty()
    );
    assert_eq!(store.count_users(&id).await, Ok(1));
}

pub async fn user_sub_conflict(store: &dyn Store) {
    let (id, _) = pools(store).await;
    let first = user(&id, "alice");
    store.create_user(&first).await.expect("create");
    let mut second = user(&id, "bob");
    second.sub = first.sub.clone();
    assert_eq!(
        store.create_user(&second).await,
        Err(conflict("users_pool_sub_key"))
    );
    assert_eq!(store.get_user(&id, "bob").await, Err(StoreError::NotFound));
    assert_eq!(
        store
            .get_user_by_sub(&id, &first.sub)
            .await
            .expect("by sub"),
        first
    );
}

/// An alias taken by another user refuses the whole user: no user row, attribute or alias.
pub async fn user_alias_conflict_writes_nothing(store: &dyn Store) {
    let (id, _) = pools(store).await;
    let mut alice = user(&id, "alice");
    alice.aliases = vec![alias("email", "shared@example.com")];
    store.create_user(&alice).await.expect("create");

    let mut bob = user(&id, "bob");
    bob.attributes.insert("given_name".into(), "Bobby".into());
    bob.aliases = vec![
        alias("phone_number", "+15550199"),
        alias("email", "shared@example.com"),
    ];
    assert_eq!(
        store.create_user(&bob).await,
        Err(conflict("user_aliases_pool_alias_key"))
    );

    assert_eq!(store.get_user(&id, "bob").await, Err(StoreError::NotFound));
    assert_eq!(
        store.get_user_by_sub(&id, &bob.sub).await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store
            .get_user_by_alias(&id, "phone_number", "+15550199")
            .await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store
            .get_user_by_alias(&id, "email", "shared@example.com")
            .await
            .expect("alias"),
        alice
    );
    assert!(
        filtered(store, &id, &attribute_is("given_name", "Bobby"))
            .await
            .is_empty()
    );
    assert_eq!(store.count_users(&id).await, Ok(1));

    // Without the clash, bob goes in whole.
    bob.aliases.pop();
    store.create_user(&bob).await.expect("create");
    assert_eq!(
        filtered(store, &id, &attribute_is("given_name", "Bobby")).await,
        ["bob"]
    );
}

/// Two sign-ups racing for one username: exactly one wins, the other gets the conflict.
pub async fn user_concurrent_creates_one_wins(store: &dyn Store) {
    let (id, _) = pools(store).await;
    let mut a = user(&id, "racer");
    a.attributes.insert("given_name".into(), "A".into());
    let mut b = user(&id, "racer");
    b.sub = Sub::new("sub-b");
    b.attributes.insert("given_name".into(), "B".into());
    let (ra, rb) = tokio::join!(store.create_user(&a), store.create_user(&b));
    let winner = match (ra, rb) {
        (Ok(()), Err(error)) => {
            assert_eq!(error, conflict("users_pool_username_key"));
            a
        }
        (Err(error), Ok(())) => {
            assert_eq!(error, conflict("users_pool_username_key"));
            b
        }
        other => panic!("exactly one create must win: {other:?}"),
    };
    assert_eq!(store.get_user(&id, "racer").await.expect("winner"), winner);
    assert_eq!(store.count_users(&id).await, Ok(1));
    let given_name = winner
        .attributes
        .get("given_name")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        filtered(store, &id, &attribute_is("given_name", &given_name)).await,
        ["racer"]
    );
    let loser_name = if given_name == "A" { "B" } else { "A" };
    assert!(
        filtered(store, &id, &attribute_is("given_name", loser_name))
            .await
            .is_empty()
    );
}

pub async fn user_update_replaces_attributes_and_aliases(store: &dyn Store) {
    let (id, _) = pools(store).await;
    let mut alice = user(&id, "alice");
    alice.attributes.insert("given_name".into(), "Alice".into());
    alice
        .attributes
        .insert("phone_number".into(), "+15550100".into());
    alice.aliases = vec![
        alias("email", "alice@example.com"),
        alias("phone_number", "+15550100"),
    ];
    store.create_user(&alice).await.expect("create");

    let mut updated = alice.clone();
    updated.attributes.remove("given_name");
    updated
        .attributes
        .insert("email".into(), "alice@new.example.com".into());
    updated
        .attributes
        .insert("family_name".into(), "Liddell".into());
    updated.aliases = vec![alias("email", "alice@new.example.com")];
    updated.status = UserStatus::ResetRequired;
    updated.enabled = false;
    updated.last_modified_at = T0.plus_secs(3600);
    updated.password = None;
    updated.password_history.insert(0, vec![42]);
    updated.extra.insert("failed_attempts".into(), json!(0));
    store.update_user(&updated).await.expect("update");
    updated.version += 1;

    assert_eq!(store.get_user(&id, "alice").await.expect("get"), updated);
    assert_eq!(
        store
            .get_user_by_sub(&id, &alice.sub)
            .await
            .expect("by sub"),
        updated
    );
    assert_eq!(
        store
            .get_user_by_alias(&id, "email", "alice@new.example.com")
            .await
            .expect("alias"),
        updated
    );
    assert_eq!(
        store
            .get_user_by_alias(&id, "email", "alice@example.com")
            .await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store
            .get_user_by_alias(&id, "phone_number", "+15550100")
            .await,
        Err(StoreError::NotFound)
    );
    assert!(
        filtered(store, &id, &attribute_is("given_name", "Alice"))
            .await
            .is_empty()
    );
    assert!(
        filtered(store, &id, &attribute_is("email", "alice@example.com"))
            .await
            .is_empty()
    );
    assert_eq!(
        filtered(store, &id, &attribute_is("email", "alice@new.example.com")).await,
        ["alice"]
    );
    assert_eq!(
        filtered(store, &id, &attribute_is("family_name", "Liddell")).await,
        ["alice"]
    );
    assert_eq!(
        filtered(store, &id, &attribute_is("phone_number", "+15550100")).await,
        ["alice"]
    );
    let status = UserFilter {
        field: FilterField::UserStatus,
        prefix: false,
        value: "RESET_REQUIRED".into(),
    };
    assert_eq!(filtered(store, &id, &status).await, ["alice"]);
    let enabled = UserFilter {
        field: FilterField::Enabled,
        prefix: false,
        value: "Enabled".into(),
    };
    assert!(filtered(store, &id, &enabled).await.is_empty());

    // The freed alias can be taken by someone else.
    let mut bob = user(&id, "bob");
    bob.aliases = vec![alias("email", "alice@example.com")];
    store.create_user(&bob).await.expect("create");
}

/// An update that would take another user's alias changes nothing.
pub async fn user_update_conflict_keeps_the_old_user(store: &dyn Store) {
    let (id, _) = pools(store).await;
    let mut alice = user(&id, "alice");
    alice.aliases = vec![alias("email", "alice@example.com")];
    let mut bob = user(&id, "bob");
    bob.attributes.insert("given_name".into(), "Bob".into());
    bob.aliases = vec![alias("email", "bob@example.com")];
    store.create_user(&alice).await.expect("create");
    store.create_user(&bob).await.expect("create");

    let mut grab = bob.clone();
    grab.attributes.insert("given_name".into(), "Robert".into());
    grab.aliases = vec![
        alias("phone_number", "+15550123"),
        alias("email", "alice@example.com"),
    ];
    assert_eq!(
        store.update_user(&grab).await,
        Err(conflict("user_aliases_pool_alias_key"))
    );
    assert_eq!(store.get_user(&id, "bob").await.expect("bob"), bob);
    assert_eq!(
        store
            .get_user_by_alias(&id, "email", "bob@example.com")
            .await
            .expect("bob's alias"),
        bob
    );
    assert_eq!(
        store
            .get_user_by_alias(&id, "email", "alice@example.com")
            .await
            .expect("alice's alias"),
        alice
    );
    assert_eq!(
        store
            .get_user_by_alias(&id, "phone_number", "+15550123")
            .await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        filtered(store, &id, &attribute_is("given_name", "Bob")).await,
        ["bob"]
    );
    assert!(
        filtered(store, &id, &attribute_is("given_name", "Robert"))
            .await
            .is_empty()
    );

    let mut steal_sub = bob.clone();
    steal_sub.sub = alice.sub.clone();
    assert_eq!(
        store.update_user(&steal_sub).await,
        Err(conflict("users_pool_sub_key"))
    );
    assert_eq!(store.get_user(&id, "bob").await.expect("bob"), bob);
}

pub async fn user_update_missing_is_not_found(store: &dyn Store) {
    let (id, _) = pools(store).await;
    let mut ghost = user(&id, "ghost");
    ghost.aliases = vec![alias("email", "ghost@example.com")];
    assert_eq!(store.update_user(&ghost).await, Err(StoreError::NotFound));
    assert_eq!(
        store.get_user(&id, "ghost").await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store
            .get_user_by_alias(&id, "email", "ghost@example.com")
            .await,
        Err(StoreError::NotFound)
    );
    assert!(
        filtered(store, &id, &attribute_is("email", "ghost@example.com"))
            .await
            .is_empty()
    );
    let mut elsewhere = user(&pool_id(9), "ghost");
    elsewhere.aliases.clear();
    assert_eq!(
        store.update_user(&elsewhere).await,
        Err(StoreError::NotFound)
    );
}

pub async fn user_delete_frees_username_and_aliases(store: &dyn Store) {
    let (id, other) = pools(store).await;
    let mut alice = user(&id, "alice");
    alice.aliases = vec![alias("email", "alice@example.com")];
    store.create_user(&alice).await.expect("create");
    store.create_user(&user(&id, "bob")).await.expect("create");
    assert_eq!(
        store.delete_user(&other, "alice").await,
        Err(StoreError::NotFound)
    );

    store.delete_user(&id, "alice").await.expect("delete");
    assert_eq!(
        store.get_user(&id, "alice").await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.get_user_by_sub(&id, &alice.sub).await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store
            .get_user_by_alias(&id, "email", "alice@example.com")
            .await,
        Err(StoreError::NotFound)
    );
    assert!(
        filtered(store, &id, &attribute_is("email", "alice@example.com"))
            .await
            .is_empty()
    );
    assert_eq!(
        store.delete_user(&id, "alice").await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.get_user(&id, "bob").await.expect("bob stays"),
        user(&id, "bob")
    );

    // Username, sub and alias are free again.
    store.create_user(&alice).await.expect("re-create");
    assert_eq!(
        store
            .get_user_by_alias(&id, "email", "alice@example.com")
            .await
            .expect("alias"),
        alice
    );
}

pub async fn user_attributes_round_trip(store: &dyn Store) {
    let (id, _) = pools(store).await;
    let mut carol = user(&id, "carol");
    for (name, value) in [
        ("name", "Zoë Ærøskøbing 日本語 🙂"),
        ("custom:empty", ""),
        (
            "custom:quote",
            "it's \"quoted\" \\ back\\slash; DROP TABLE users; --",
        ),
        ("custom:newline", "line 1\nline 2\ttab"),
        ("custom:json", r#"{"a":[1,2]}"#),
        ("address", &"字".repeat(2048)),
        ("custom:ascii_long", &"x".repeat(2048)),
        ("custom:max_char", "\u{10FFFF}\u{E000}\u{D7FF}"),
    ] {
        carol.attributes.insert(name.into(), value.into());
    }
    carol.aliases = vec![alias("preferred_username", "çarol-ß")];
    store.create_user(&carol).await.expect("create");
    let stored = store.get_user(&id, "carol").await.expect("get");
    assert_eq!(stored.attributes, carol.attributes);
    assert_eq!(stored, carol);
    assert_eq!(
        store
            .get_user_by_alias(&id, "preferred_username", "çarol-ß")
            .await
            .expect("alias"),
        carol
    );
    let listed = store.list_users(&id, None, None, 10).await.expect("list");
    assert_eq!(listed.items, vec![ListedUser::from(&carol)]);
    assert_eq!(
        filtered(store, &id, &attribute_is("custom:empty", "")).await,
        ["carol"]
    );
    assert_eq!(
        filtered(
            store,
            &id,
            &attribute_is("custom:max_char", "\u{10FFFF}\u{E000}\u{D7FF}")
        )
        .await,
        ["carol"]
    );
    let quote = attribute_is(
        "custom:quote",
        "it's \"quoted\" \\ back\\slash; DROP TABLE users; --",
    );
    assert_eq!(filtered(store, &id, &quote).await, ["carol"]);
}

pub async fn user_update_of_a_stale_version_is_refused(store: &dyn Store) {
    let (id, _) = pools(store).await;
    store
        .create_user(&user(&id, "alice"))
        .await
        .expect("create");
    let read = store.get_user(&id, "alice").await.expect("get");
    assert_eq!(read.version, 0);

    let mut first = read.clone();
    first.attributes.insert("name".into(), "first".into());
    store.update_user(&first).await.expect("first writer wins");
    let mut second = read.clone();
    second.attributes.insert("name".into(), "second".into());
    assert_eq!(
        store.update_user(&second).await,
        Err(conflict("users_version"))
    );

    let stored = store.get_user(&id, "alice").await.expect("get");
    assert_eq!(stored.version, 1);
    assert_eq!(stored.attributes["name"], "first");
    assert!(
        filtered(store, &id, &attribute_is("name", "second"))
            .await
            .is_empty()
    );
}

pub async fn user_concurrent_updates_one_wins(store: &dyn Store) {
    let (id, _) = pools(store).await;
    store
        .create_user(&user(&id, "alice"))
        .await
        .expect("create");
    let read = store.get_user(&id, "alice").await.expect("get");
    let writes = (0..8).map(|n| {
        let mut attempt = read.clone();
        attempt
            .attributes
            .insert("name".into(), format!("writer {n}"));
        async move { store.update_user(&attempt).await }
    });
    let outcomes = futures::future::join_all(writes).await;
    let wins = outcomes.iter().filter(|outcome| outcome.is_ok()).count();
    assert_eq!(wins, 1, "{outcomes:?}");
    assert!(
        outcomes
            .iter()
            .all(|outcome| outcome.is_ok() || *outcome == Err(conflict("users_version")))
    );
    assert_eq!(store.get_user(&id, "alice").await.expect("get").version, 1);
}

/// A save of `extra` alone: the document and version change, under the version check of
/// `update_user`; the user is still found by every key and filter it was found by, and a
/// later full update (at the new version) still replaces its rows.
pub async fn user_extra_update_saves_the_document_under_the_version(store: &dyn Store) {
    let (id, _) = pools(store).await;
    let mut alice = user(&id, "alice");
    alice
        .attributes
        .insert("email".into(), "alice@example.com".into());
    alice.aliases = vec![alias("email", "alice@example.com")];
    store.create_user(&alice).await.expect("create");
    let read = store.get_user(&id, "alice").await.expect("get");

    let mut claimed = read.clone();
    claimed
        .extra
        .insert("state".into(), json!({ "checks_in_flight": [1] }));
    store.update_user_extra(&claimed).await.expect("save extra");
    claimed.version += 1;
    assert_eq!(store.get_user(&id, "alice").await.expect("get"), claimed);
    assert_eq!(
        store
            .get_user_by_alias(&id, "email", "alice@example.com")
            .await
            .expect("by email"),
        claimed
    );
    assert_eq!(
        filtered(store, &id, &attribute_is("email", "alice@example.com")).await,
        ["alice"]
    );

    // The copy read before the save is stale for either kind of save.
    assert_eq!(
        store.update_user_extra(&read).await,
        Err(conflict("users_version"))
    );
    assert_eq!(
        store.update_user(&read).await,
        Err(conflict("users_version"))
    );
    assert_eq!(store.get_user(&id, "alice").await.expect("get"), claimed);

    let mut renamed = claimed.clone();
    renamed
        .attributes
        .insert("email".into(), "alice@new.example.com".into());
    renamed.aliases = vec![alias("email", "alice@new.example.com")];
    store
        .update_user(&renamed)
        .await
        .expect("full update after");
    assert_eq!(
        store
            .get_user_by_alias(&id, "email", "alice@new.example.com")
            .await
            .expect("new email")
            .version,
        claimed.version + 1
    );

    assert_eq!(
        store.update_user_extra(&user(&id, "ghost")).await,
        Err(StoreError::NotFound)
    );
}

/// Parallel saves of `extra` from one read: exactly one wins, the others conflict.
pub async fn user_concurrent_extra_updates_one_wins(store: &dyn Store) {
    let (id, _) = pools(store).await;
    store
        .create_user(&user(&id, "alice"))
        .await
        .expect("create");
    let read = store.get_user(&id, "alice").await.expect("get");
    let writes = (0..8).map(|n| {
        let mut attempt = read.clone();
        attempt.extra.insert("writer".into(), json!(n));
        async move { store.update_user_extra(&attempt).await }
    });
    let outcomes = futures::future::join_all(writes).await;
    let wins = outcomes.iter().filter(|outcome| outcome.is_ok()).count();
    assert_eq!(wins, 1, "{outcomes:?}");
    assert!(
        outcomes
            .iter()
            .all(|outcome| outcome.is_ok() || *outcome == Err(conflict("users_version")))
    );
    let stored = store.get_user(&id, "alice").await.expect("get");
    assert_eq!(stored.version, 1);
    let winner = outcomes.iter().position(Result::is_ok);
    assert_eq!(stored.extra["writer"], json!(winner));
}
