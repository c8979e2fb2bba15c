//! Auth events: recorded in pools with threat protection (sign-in pass and fail, sign-up,
//! password change), listed newest first with paging, feedback; refused elsewhere, as on AWS.

use aws_sdk_cognitoidentityprovider::types::{
    AdvancedSecurityModeType, EventResponseType, EventType, FeedbackValueType, UserPoolAddOnsType,
};
use cognate_testkit::{PASSWORD, TestApp, backend_tests, failure};

use crate::auth::{password_auth, sign_in};
use crate::users_admin::attr;

backend_tests!(
    events_need_threat_protection,
    events_are_recorded_and_listed_newest_first,
    feedback_on_events,
);

async fn protected_pool(app: &TestApp) -> (String, String) {
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("protected")
        .user_pool_add_ons(
            UserPoolAddOnsType::builder()
                .advanced_security_mode(AdvancedSecurityModeType::Audit)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client_id = app.client_for(&pool_id).await;
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    (pool_id, client_id)
}

async fn events(
    app: &TestApp,
    pool_id: &str,
    username: &str,
) -> Vec<(EventType, EventResponseType)> {
    let mut all = Vec::new();
    let mut token = None;
    loop {
        let page = app
            .idp
            .admin_list_user_auth_events()
            .user_pool_id(pool_id)
            .username(username)
            .max_results(1)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        for event in page.auth_events() {
            assert!(event.event_id().is_some() && event.creation_date().is_some());
            all.push((
                event.event_type().cloned().unwrap(),
                event.event_response().cloned().unwrap(),
            ));
        }
        token = page.next_token;
        if token.is_none() {
            return all;
        }
    }
}

async fn events_need_threat_protection(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    sign_in(&app, &client_id, "alice", PASSWORD).await;
    let (code, _) = failure(
        app.idp
            .admin_list_user_auth_events()
            .user_pool_id(&pool_id)
            .username("alice")
            .send()
            .await,
    );
    assert_eq!(code, "UserPoolAddOnNotEnabledException");
    let (code, _) = failure(
        app.idp
            .admin_update_auth_event_feedback()
            .user_pool_id(&pool_id)
            .username("alice")
            .event_id("x")
            .feedback_value(FeedbackValueType::Valid)
            .send()
            .await,
    );
    assert_eq!(code, "UserPoolAddOnNotEnabledException");
}

async fn events_are_recorded_and_listed_newest_first(app: TestApp) {
    let (pool_id, client_id) = protected_pool(&app).await;
    let tokens = sign_in(&app, &client_id, "alice", PASSWORD).await;
    assert!(
        password_auth(&app, &client_id, "alice", "Wrong-passw0rd!")
            .await
            .is_err()
    );
    app.idp
        .change_password()
        .access_token(tokens.access_token().unwrap())
        .previous_password(PASSWORD)
        .proposed_password("N3w-Passw0rd!x")
        .send()
        .await
        .unwrap();
    // Refreshing tokens is not a sign-in.
    app.idp
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", tokens.refresh_token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        events(&app, &pool_id, "alice").await,
        [
            (EventType::PasswordChange, EventResponseType::Pass),
            (EventType::SignIn, EventResponseType::Fail),
            (EventType::SignIn, EventResponseType::Pass),
        ]
    );

    app.idp
        .sign_up()
        .client_id(&client_id)
        .username("bob")
        .password(PASSWORD)
        .user_attributes(attr("email", "bob@example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        events(&app, &pool_id, "bob").await,
        [(EventType::SignUp, EventResponseType::Pass)]
    );
    let (code, _) = failure(
        app.idp
            .admin_list_user_auth_events()
            .user_pool_id(&pool_id)
            .username("nobody")
            .send()
            .await,
    );
    assert_eq!(code, "UserNotFoundException");
}

async fn feedback_on_events(app: TestApp) {
    let (pool_id, client_id) = protected_pool(&app).await;
    sign_in(&app, &client_id, "alice", PASSWORD).await;
    let listed = app
        .idp
        .admin_list_user_auth_events()
        .user_pool_id(&pool_id)
        .username("alice")
        .send()
        .await
        .unwrap();
    let event_id = listed.auth_events()[0].event_id().unwrap().to_string();
    assert!(listed.auth_events()[0].event_feedback().is_none());
    app.idp
        .admin_update_auth_event_feedback()
        .user_pool_id(&pool_id)
        .username("alice")
        .event_id(&event_id)
        .feedback_value(FeedbackValueType::Invalid)
        .send()
        .await
        .unwrap();
    let listed = app
        .idp
        .admin_list_user_auth_events()
        .user_pool_id(&pool_id)
        .username("alice")
        .send()
        .await
        .unwrap();
    let feedback = listed.auth_events()[0].event_feedback().unwrap();
    assert_eq!(feedback.feedback_value(), &FeedbackValueType::Invalid);
    assert_eq!(feedback.provider(), "Admin");
    assert!(feedback.feedback_date().is_some());

    let (code, _) = failure(
        app.idp
            .admin_update_auth_event_feedback()
            .user_pool_id(&pool_id)
            .username("alice")
            .event_id("no-such-event")
            .feedback_value(FeedbackValueType::Valid)
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
    let (code, _) = failure(
        app.idp
            .update_auth_event_feedback()
            .user_pool_id(&pool_id)
            .username("alice")
            .event_id(&event_id)
            .feedback_token("forged")
            .feedback_value(FeedbackValueType::Valid)
            .send()
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
}
