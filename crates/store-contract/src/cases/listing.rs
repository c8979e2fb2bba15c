//! ListUsers: paging and every filter kind, `=` and `^=`. Attribute filters list in the filter
//! index's order (the value's first 256 characters, then username key); the others by username
//! key.

use cognate_domain::Store;
use cognate_domain::ids::UserPoolId;
use cognate_domain::listing::{ListedUser, indexed_value};
use cognate_domain::user::{FilterField, User, UserFilter, UserStatus};

use super::{filtered, user_pages};
use crate::fixtures::*;

fn eq(field: FilterField, value: &str) -> UserFilter {
    UserFilter {
        field,
        prefix: false,
        value: value.into(),
    }
}

fn starts(field: FilterField, value: &str) -> UserFilter {
    UserFilter {
        field,
        prefix: true,
        value: value.into(),
    }
}

fn attr(name: &str) -> FilterField {
    FilterField::Attribute(name.into())
}

/// Creates pool 1 with `users`, and pool 2 with a copy of each: filters must not leak across.
async fn populate(store: &dyn Store, users: &[User]) -> UserPoolId {
    let (id, other) = (pool_id(1), pool_id(2));
    store
        .create_pool(&pool(&id), &[])
        .await
        .expect("create pool");
    store
        .create_pool(&pool(&other), &[])
        .await
        .expect("create pool");
    for user in users {
        store.create_user(user).await.expect("create user");
        let mut twin = user.clone();
        twin.pool_id = other.clone();
        twin.username_key = format!("{}-other", user.username_key);
        store.create_user(&twin).await.expect("create twin");
    }
    id
}

/// The keys of `users` whose attribute `name` starts with `prefix`, in an attribute filter's
/// order: the indexed part of the value (code point order), then the username key.
fn in_attribute_order(users: &[User], name: &str, prefix: &str) -> Vec<String> {
    let mut matches: Vec<(&str, &str)> = users
        .iter()
        .filter_map(|user| {
            let value = user.attributes.get(name)?;
            value
                .starts_with(prefix)
                .then(|| (indexed_value(value), user.username_key.as_str()))
        })
        .collect();
    matches.sort_unstable();
    matches.into_iter().map(|(_, key)| key.to_owned()).collect()
}

fn with(mut user: User, name: &str, value: &str) -> User {
    user.attributes.insert(name.into(), value.into());
    user
}

pub async fn list_users_pages_each_user_once(store: &dyn Store) {
    let id = pool_id(1);
    let names = [
        "mallory", "alice", "Émile", "bob", "zoë", "日本", "carol", "a", "ab", "aa", "b", "Ärger",
        "dave", "eve", "_under", "0zero", "~tilde", "trent", "peggy", "victor", "walter", "oscar",
        "zz",
    ];
    let users: Vec<User> = names.iter().map(|name| user(&id, name)).collect();
    populate(store, &users).await;
    // Code point order (UTF-8 byte order) on both backends.
    let mut expected: Vec<String> = users.iter().map(|user| user.username_key.clone()).collect();
    expected.sort();
    for limit in [1, 2, 3, 5, 22, 23, 24, 60] {
        assert_pages(&user_pages(store, &id, None, limit).await, limit, &expected);
    }
    // Users come back as ListUsers shows them (every field of `ListedUser`), and `after` need
    // not be a username.
    let page = store
        .list_users(&id, None, Some("ba"), 2)
        .await
        .expect("list");
    let after_b: Vec<ListedUser> = {
        let mut sorted: Vec<&User> = users.iter().collect();
        sorted.sort_by(|a, b| a.username_key.cmp(&b.username_key));
        sorted
            .into_iter()
            .filter(|user| user.username_key.as_str() > "ba")
            .take(2)
            .map(ListedUser::from)
            .collect()
    };
    assert_eq!(page.items, after_b);
    assert!(
        store
            .list_users(&pool_id(3), None, None, 10)
            .await
            .expect("list")
            .items
            .is_empty()
    );
}

pub async fn list_users_by_username(store: &dyn Store) {
    let id = pool_id(1);
    let users: Vec<User> = ["al", "alice", "alicia", "bob", "Alfred", "ali"]
        .iter()
        .map(|n| user(&id, n))
        .collect();
    populate(store, &users).await;
    assert_eq!(
        filtered(store, &id, &eq(FilterField::Username, "alice")).await,
        ["alice"]
    );
    assert!(
        filtered(store, &id, &eq(FilterField::Username, "alic"))
            .await
            .is_empty()
    );
    assert_eq!(
        filtered(store, &id, &starts(FilterField::Username, "ali")).await,
        ["ali", "alice", "alicia"]
    );
    assert_eq!(
        filtered(store, &id, &starts(FilterField::Username, "al")).await,
        ["al", "alfred", "ali", "alice", "alicia"]
    );
    assert!(
        filtered(store, &id, &starts(FilterField::Username, "c"))
            .await
            .is_empty()
    );
    assert_eq!(
        filtered(store, &id, &starts(FilterField::Username, ""))
            .await
            .len(),
        6
    );
}

pub async fn list_users_by_enabled(store: &dyn Store) {
    let id = pool_id(1);
    let mut users: Vec<User> = ["a", "b", "c", "d"].iter().map(|n| user(&id, n)).collect();
    users[1].enabled = false;
    users[3].enabled = false;
    populate(store, &users).await;
    assert_eq!(
        filtered(store, &id, &eq(FilterField::Enabled, "Enabled")).await,
        ["a", "c"]
    );
    assert_eq!(
        filtered(store, &id, &eq(FilterField::Enabled, "Disabled")).await,
        ["b", "d"]
    );
    assert_eq!(
        filtered(store, &id, &starts(FilterField::Enabled, "Dis")).await,
        ["b", "d"]
    );
    assert!(
        filtered(store, &id, &eq(FilterField::Enabled, "enabled"))
            .await
            .is_empty()
    );
}

pub async fn list_users_by_user_status(store: &dyn Store) {
    let id = pool_id(1);
    let statuses = [
        ("a", UserStatus::Confirmed),
        ("b", UserStatus::Unconfirmed),
        ("c", UserStatus::ForceChangePassword),
        ("d", UserStatus::Confirmed),
        ("e", UserStatus::ResetRequired),
        ("f", UserStatus::Compromised),
    ];
    let users: Vec<User> = statuses
        .iter()
        .map(|(name, status)| User {
            status: *status,
            ..user(&id, name)
        })
        .collect();
    populate(store, &users).await;
    assert_eq!(
        filtered(store, &id, &eq(FilterField::UserStatus, "CONFIRMED")).await,
        ["a", "d"]
    );
    assert_eq!(
        filtered(store, &id, &eq(FilterField::UserStatus, "UNCONFIRMED")).await,
        ["b"]
    );
    assert_eq!(
        filtered(
            store,
            &id,
            &eq(FilterField::UserStatus, "FORCE_CHANGE_PASSWORD")
        )
        .await,
        ["c"]
    );
    assert_eq!(
        filtered(store, &id, &starts(FilterField::UserStatus, "CO")).await,
        ["a", "d", "f"]
    );
    assert_eq!(
        filtered(store, &id, &starts(FilterField::UserStatus, "R")).await,
        ["e"]
    );
    assert!(
        filtered(store, &id, &eq(FilterField::UserStatus, "confirmed"))
            .await
            .is_empty()
    );
}

pub async fn list_users_by_attribute(store: &dyn Store) {
    let id = pool_id(1);
    let users = vec![
        with(user(&id, "u1"), "given_name", "Ann"),
        with(user(&id, "u2"), "given_name", "Anna"),
        with(user(&id, "u3"), "given_name", "Annabel"),
        with(user(&id, "u4"), "given_name", "ann"),
        with(user(&id, "u5"), "family_name", "Ann"),
        with(user(&id, "u6"), "given_name", "Bob"),
    ];
    populate(store, &users).await;
    let given = || attr("given_name");
    assert_eq!(filtered(store, &id, &eq(given(), "Ann")).await, ["u1"]);
    assert_eq!(
        filtered(store, &id, &starts(given(), "Ann")).await,
        ["u1", "u2", "u3"]
    );
    assert_eq!(
        filtered(store, &id, &starts(given(), "Anna")).await,
        ["u2", "u3"]
    );
    assert_eq!(
        filtered(store, &id, &starts(given(), "")).await,
        ["u1", "u2", "u3", "u6", "u4"]
    );
    assert!(filtered(store, &id, &eq(given(), "An")).await.is_empty());
    assert!(
        filtered(store, &id, &starts(given(), "Annabelle"))
            .await
            .is_empty()
    );
    assert_eq!(
        filtered(store, &id, &eq(attr("family_name"), "Ann")).await,
        ["u5"]
    );
    assert_eq!(
        filtered(store, &id, &eq(attr("email"), "u4@example.com")).await,
        ["u4"]
    );
    assert_eq!(
        filtered(store, &id, &starts(attr("email"), "u"))
            .await
            .len(),
        6
    );
    assert_eq!(
        filtered(store, &id, &eq(attr("sub"), user(&id, "u3").sub.as_str())).await,
        ["u3"]
    );
    assert!(
        filtered(store, &id, &eq(attr("nickname"), "Ann"))
            .await
            .is_empty()
    );
}

/// Phone numbers: the `+` must count (a linguistic collation would ignore it) and the range
/// must stop exactly at the prefix.
pub async fn list_users_by_phone_prefix(store: &dyn Store) {
    let id = pool_id(1);
    let phones = [
        ("p1", "+15550100"),
        ("p2", "+15551234567"),
        ("p3", "+1555"),
        ("p4", "+1556000"),
        ("p5", "+155"),
        ("p6", "15551234567"),
        ("p7", "+4415550100"),
        ("p8", "+15559999999"),
    ];
    let users: Vec<User> = phones
        .iter()
        .map(|(name, phone)| with(user(&id, name), "phone_number", phone))
        .collect();
    populate(store, &users).await;
    let phone = || attr("phone_number");
    assert_eq!(
        filtered(store, &id, &starts(phone(), "+1555")).await,
        ["p3", "p1", "p2", "p8"]
    );
    assert_eq!(
        filtered(store, &id, &starts(phone(), "+1")).await,
        ["p5", "p3", "p1", "p2", "p8", "p4"]
    );
    assert_eq!(filtered(store, &id, &starts(phone(), "1555")).await, ["p6"]);
    assert_eq!(filtered(store, &id, &eq(phone(), "+1555")).await, ["p3"]);
    assert!(
        filtered(store, &id, &starts(phone(), "+15550101"))
            .await
            .is_empty()
    );
}

pub async fn list_users_by_unicode_values(store: &dyn Store) {
    let id = pool_id(1);
    let names = [
        ("n1", "Zoë"),
        ("n2", "Zoe"),
        ("n3", "Zoëlla"),
        ("n4", "zoë"),
        ("n5", "Zoé"),
        ("n6", "日本太郎"),
        ("n7", "日本"),
        ("n8", "日曜"),
        ("n9", "Ωmega 🙂"),
        ("n10", "Ωmega 🙃"),
    ];
    let users: Vec<User> = names
        .iter()
        .map(|(name, value)| with(user(&id, name), "name", value))
        .collect();
    populate(store, &users).await;
    let name = || attr("name");
    assert_eq!(filtered(store, &id, &eq(name(), "Zoë")).await, ["n1"]);
    assert_eq!(
        filtered(store, &id, &starts(name(), "Zoë")).await,
        ["n1", "n3"]
    );
    assert_eq!(
        filtered(store, &id, &starts(name(), "Zo")).await,
        ["n2", "n5", "n1", "n3"]
    );
    assert_eq!(
        filtered(store, &id, &starts(name(), "日本")).await,
        ["n7", "n6"]
    );
    assert_eq!(
        filtered(store, &id, &starts(name(), "Ωmega 🙂")).await,
        ["n9"]
    );
    assert_eq!(
        filtered(store, &id, &starts(name(), "Ωmega")).await,
        ["n9", "n10"]
    );
}

/// Values longer than the indexed part (256 characters) still filter exactly.
pub async fn list_users_by_long_values(store: &dyn Store) {
    let id = pool_id(1);
    let base = "é".repeat(255);
    let values = [
        ("l1", format!("{base}x")),  // 256 characters
        ("l2", format!("{base}xy")), // 257, same first 256
        ("l3", format!("{base}xyz{}", "字".repeat(1500))),
        ("l4", format!("{base}y")),
        ("l5", base.clone()),
    ];
    let users: Vec<User> = values
        .iter()
        .map(|(name, value)| with(user(&id, name), "custom:long", value))
        .collect();
    populate(store, &users).await;
    let long = || attr("custom:long");
    assert_eq!(
        filtered(store, &id, &eq(long(), &values[0].1)).await,
        ["l1"]
    );
    assert_eq!(
        filtered(store, &id, &eq(long(), &values[1].1)).await,
        ["l2"]
    );
    assert_eq!(
        filtered(store, &id, &eq(long(), &values[2].1)).await,
        ["l3"]
    );
    assert_eq!(filtered(store, &id, &eq(long(), &base)).await, ["l5"]);
    // The indexed part orders: l1, l2, l3 share their first 256 characters (key order).
    assert_eq!(
        filtered(store, &id, &starts(long(), &base)).await,
        ["l5", "l1", "l2", "l3", "l4"]
    );
    assert_eq!(
        filtered(store, &id, &starts(long(), &values[0].1)).await,
        ["l1", "l2", "l3"]
    );
    assert_eq!(
        filtered(store, &id, &starts(long(), &values[1].1)).await,
        ["l2", "l3"]
    );
    assert_eq!(
        filtered(store, &id, &starts(long(), &format!("{base}xyz字字"))).await,
        ["l3"]
    );
    assert!(
        filtered(store, &id, &starts(long(), &format!("{base}xyz字x")))
            .await
            .is_empty()
    );
}

pub async fn list_users_filtered_pages_each_user_once(store: &dyn Store) {
    let id = pool_id(1);
    let users: Vec<User> = (0..30)
        .map(|n| {
            let phone = if n % 3 == 0 {
                format!("+4420{n:05}")
            } else {
                format!("+1555{n:07}")
            };
            let mut user = with(
                user(&id, &format!("user{:02}", (n * 7) % 30)),
                "phone_number",
                &phone,
            );
            user.enabled = n % 2 == 0;
            user
        })
        .collect();
    populate(store, &users).await;
    let expected = in_attribute_order(&users, "phone_number", "+1555");
    assert_eq!(expected.len(), 20);
    let filter = starts(attr("phone_number"), "+1555");
    for limit in [1, 3, 7, 19, 20, 21] {
        assert_pages(
            &user_pages(store, &id, Some(&filter), limit).await,
            limit,
            &expected,
        );
    }
    let mut enabled: Vec<String> = users
        .iter()
        .filter(|user| user.enabled)
        .map(|user| user.username_key.clone())
        .collect();
    enabled.sort();
    let filter = eq(FilterField::Enabled, "Enabled");
    for limit in [1, 4, 15, 16] {
        assert_pages(
            &user_pages(store, &id, Some(&filter), limit).await,
            limit,
            &enabled,
        );
    }
    let filter = starts(FilterField::Username, "user1");
    let page = store
        .list_users(&id, Some(&filter), Some("user13"), 3)
        .await
        .expect("list");
    let keys: Vec<&str> = page
        .items
        .iter()
        .map(|user| user.username_key.as_str())
        .collect();
    assert_eq!(keys, ["user14", "user15", "user16"]);
    assert_eq!(page.next.as_deref(), Some("user16"));
}

/// Users added between the pages of an attribute filter's listing, before and after its
/// position, with values equal to the position's: every user that was there from the start comes
/// exactly once, in order.
pub async fn list_users_filtered_pages_survive_inserts(store: &dyn Store) {
    let id = pool_id(1);
    // Ten users share each value: a page ends inside a value, and inserts land on both sides.
    let users: Vec<User> = (0..40)
        .map(|n| {
            let value = format!("team-{}", n % 4);
            with(
                user(&id, &format!("m{:02}", (n * 13) % 40)),
                "custom:team",
                &value,
            )
        })
        .collect();
    populate(store, &users).await;
    let expected = in_attribute_order(&users, "custom:team", "team-");
    let filter = starts(attr("custom:team"), "team-");
    let (mut seen, mut after) = (Vec::new(), None::<String>);
    for round in 0..MAX_ROUNDS {
        let page = store
            .list_users(&id, Some(&filter), after.as_deref(), 7)
            .await
            .expect("list");
        seen.extend(page.items.iter().map(|user| user.username_key.clone()));
        let Some(next) = page.next else { break };
        after = Some(next);
        assert!(round + 1 < MAX_ROUNDS, "the listing ends");
        // Before, at and after the position, in key and in value.
        for (name, team) in [("a", 0), ("m", 2), ("zz", 1), ("n", 3)] {
            let added = with(
                user(&id, &format!("{name}-added-{round}")),
                "custom:team",
                &format!("team-{team}"),
            );
            store.create_user(&added).await.expect("create user");
        }
    }
    let existing: Vec<String> = seen
        .iter()
        .filter(|key| !key.contains("-added-"))
        .cloned()
        .collect();
    assert_eq!(existing, expected, "every first user once, in order");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no user twice: {seen:?}");
}

const MAX_ROUNDS: usize = 100;

/// What a page shows of its users is what was last written, at once: a backend that keeps
/// listed users (a read cache) forgets each on any write of it.
pub async fn list_users_shows_every_write_at_once(store: &dyn Store) {
    let id = pool_id(1);
    populate(store, &[user(&id, "a"), user(&id, "b"), user(&id, "c")]).await;
    let email_starts = |prefix: &str| starts(attr("email"), prefix);
    let shown = |page: Vec<ListedUser>| -> Vec<(String, String, bool)> {
        page.into_iter()
            .map(|user| {
                let email = user.attributes.get("email").cloned().unwrap_or_default();
                (user.username_key, email, user.enabled)
            })
            .collect()
    };
    let pool = &id;
    let list = |filter: Option<UserFilter>| async move {
        let page = store
            .list_users(pool, filter.as_ref(), None, 60)
            .await
            .expect("list");
        assert_eq!(page.next, None);
        page.items
    };
    // Listed (and so kept, where a backend keeps them) before the writes.
    assert_eq!(list(None).await.len(), 3);
    assert_eq!(list(Some(email_starts("b"))).await.len(), 1);

    let mut b = store.get_user(&id, "b").await.expect("get b");
    b.enabled = false;
    b.attributes.insert("email".into(), "z@example.com".into());
    store.update_user(&b).await.expect("update b");
    store.delete_user(&id, "c").await.expect("delete c");
    let mut a = store.get_user(&id, "a").await.expect("get a");
    a.extra.insert("failed_attempts".into(), 3.into());
    store.update_user_extra(&a).await.expect("state of a");

    let t = |key: &str, email: &str, enabled| (key.to_owned(), email.to_owned(), enabled);
    assert_eq!(
        shown(list(None).await),
        [
            t("a", "a@example.com", true),
            t("b", "z@example.com", false)
        ]
    );
    assert!(list(Some(email_starts("b"))).await.is_empty());
    assert_eq!(
        shown(list(Some(email_starts("z"))).await),
        [t("b", "z@example.com", false)]
    );
}
