//! Auth events: newest first with paging, feedback, and gone with their user.

use cognate_domain::auth_event::{AuthEvent, AuthEventFeedback};
use cognate_domain::ids::UserPoolId;
use cognate_domain::{Store, StoreError};

use crate::fixtures::*;

fn event(pool: &UserPoolId, user: &str, n: u32) -> AuthEvent {
    AuthEvent {
        pool_id: pool.clone(),
        username_key: user.into(),
        event_id: format!("event-{n}"),
        event_type: "SignIn".into(),
        response: if n.is_multiple_of(2) { "Pass" } else { "Fail" }.into(),
        created_at: T0.plus_secs(i64::from(n)),
        feedback: None,
    }
}

pub async fn auth_events_newest_first_with_feedback(store: &dyn Store) {
    let id = pool_id(1);
    store.create_pool(&pool(&id), &[]).await.expect("pool");
    for name in ["u1", "u2"] {
        store.create_user(&user(&id, name)).await.expect("user");
    }
    for n in 0..5 {
        store
            .add_auth_event(&event(&id, "u1", n))
            .await
            .expect("event");
    }
    store
        .add_auth_event(&event(&id, "u2", 9))
        .await
        .expect("event");
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .list_auth_events(&id, "u1", after.as_deref(), 2)
            .await
            .expect("list");
        assert!(page.items.len() <= 2);
        seen.extend(page.items.iter().map(|e| e.event_id.clone()));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(
        seen,
        ["event-4", "event-3", "event-2", "event-1", "event-0"]
    );
    let feedback = AuthEventFeedback {
        value: "Invalid".into(),
        provider: "Admin".into(),
        at: T0.plus_secs(60),
    };
    store
        .set_auth_event_feedback(&id, "u1", "event-3", &feedback)
        .await
        .expect("feedback");
    let page = store
        .list_auth_events(&id, "u1", None, 60)
        .await
        .expect("list");
    let mut expected = event(&id, "u1", 3);
    expected.feedback = Some(feedback.clone());
    assert_eq!(page.items[1], expected);
    assert_eq!(page.items[0], event(&id, "u1", 4));
    assert_eq!(
        store
            .set_auth_event_feedback(&id, "u2", "event-3", &feedback)
            .await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.add_auth_event(&event(&id, "nobody", 1)).await,
        Err(StoreError::NotFound)
    );
    store.delete_user(&id, "u1").await.expect("delete");
    store
        .create_user(&user(&id, "u1"))
        .await
        .expect("user again");
    let page = store
        .list_auth_events(&id, "u1", None, 60)
        .await
        .expect("list");
    assert!(page.items.is_empty());
}
