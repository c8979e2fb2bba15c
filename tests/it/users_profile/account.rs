//! Accounts: disabling, enabling and deleting users, and changing passwords.

use aws_sdk_cognitoidentityprovider::error::SdkError;
use aws_sdk_cognitoidentityprovider::operation::change_password::{
    ChangePasswordError, ChangePasswordOutput,
};
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, PasswordPolicyType, UserPoolPolicyType,
};
use cognate_testkit::{PASSWORD, TestApp, backend_tests, failure};

use super::{attribute, sign_in, token};

backend_tests!(
    admin_operations_name_unknown_users_and_pools,
    disable_revokes_and_enable_restores_sign_in,
    delete_user_self_and_admin,
    change_password_checks_previous_policy_and_history,
    change_password_counts_toward_lockout,
    change_password_allows_five_calls_an_hour,
);

async fn admin_operations_name_unknown_users_and_pools(app: TestApp) {
    let (pool_id, _) = app.pool_with_client().await;
    let user_missing = (
        "UserNotFoundException".to_string(),
        "User does not exist.".to_string(),
    );
    let update = app
        .idp
        .admin_update_user_attributes()
        .user_pool_id(&pool_id)
        .username("ghost")
        .user_attributes(attribute("given_name", "G"))
        .send()
        .await;
    assert_eq!(failure(update), user_missing);
    let delete_attributes = app
        .idp
        .admin_delete_user_attributes()
        .user_pool_id(&pool_id)
        .username("ghost")
        .user_attribute_names("given_name")
        .send()
        .await;
    assert_eq!(failure(delete_attributes), user_missing);
    let disable = app
        .idp
        .admin_disable_user()
        .user_pool_id(&pool_id)
        .username("ghost")
        .send()
        .await;
    assert_eq!(failure(disable), user_missing);
    let enable = app
        .idp
        .admin_enable_user()
        .user_pool_id(&pool_id)
        .username("ghost")
        .send()
        .await;
    assert_eq!(failure(enable), user_missing);
    let delete = app
        .idp
        .admin_delete_user()
        .user_pool_id(&pool_id)
        .username("ghost")
        .send()
        .await;
    assert_eq!(failure(delete), user_missing);

    let (code, message) = failure(
        app.idp
            .admin_delete_user()
            .user_pool_id("us-east-1_nothere00")
            .username("ghost")
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
    assert_eq!(message, "User pool us-east-1_nothere00 does not exist.");
}

async fn disable_revokes_and_enable_restores_sign_in(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    app.confirmed_user(&pool_id, "liam", PASSWORD).await;
    let (access, refresh) = sign_in(&app, &client_id, "liam", PASSWORD).await;
    app.idp
        .admin_disable_user()
        .user_pool_id(&pool_id)
        .username("liam")
        .send()
        .await
        .unwrap();
    let user = app
        .idp
        .admin_get_user()
        .user_pool_id(&pool_id)
        .username("liam")
        .send()
        .await
        .unwrap();
    assert!(!user.enabled());

    let (code, _) = failure(app.idp.get_user().access_token(&access).send().await);
    assert_eq!(code, "NotAuthorizedException");
    let (code, message) = failure(
        app.idp
            .initiate_auth()
            .client_id(&client_id)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "liam")
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("NotAuthorizedException", "User is disabled.")
    );
    let refreshed = app
        .idp
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", &refresh)
        .send()
        .await;
    assert_eq!(failure(refreshed).0, "NotAuthorizedException");

    app.idp
        .admin_enable_user()
        .user_pool_id(&pool_id)
        .username("liam")
        .send()
        .await
        .unwrap();
    // Tokens revoked by disabling stay revoked; a new sign-in works.
    let (code, message) = failure(app.idp.get_user().access_token(&access).send().await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("NotAuthorizedException", "Access Token has been revoked")
    );
    let refreshed = app
        .idp
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", &refresh)
        .send()
        .await;
    assert_eq!(failure(refreshed).0, "NotAuthorizedException");
    let fresh = token(&app, &client_id, "liam").await;
    assert_eq!(
        app.idp
            .get_user()
            .access_token(&fresh)
            .send()
            .await
            .unwrap()
            .username(),
        "liam"
    );
}

async fn delete_user_self_and_admin(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    app.confirmed_user(&pool_id, "mia", PASSWORD).await;
    let (access, refresh) = sign_in(&app, &client_id, "mia", PASSWORD).await;
    app.idp
        .delete_user()
        .access_token(&access)
        .send()
        .await
        .unwrap();
    let gone = app
        .idp
        .admin_get_user()
        .user_pool_id(&pool_id)
        .username("mia")
        .send()
        .await;
    assert_eq!(failure(gone).0, "UserNotFoundException");
    assert!(
        app.idp
            .get_user()
            .access_token(&access)
            .send()
            .await
            .is_err()
    );
    let refreshed = app
        .idp
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", &refresh)
        .send()
        .await;
    assert_eq!(failure(refreshed).0, "NotAuthorizedException");

    // A new user of the same name is not the old one: old tokens stay dead.
    app.confirmed_user(&pool_id, "mia", PASSWORD).await;
    assert!(
        app.idp
            .get_user()
            .access_token(&access)
            .send()
            .await
            .is_err()
    );

    let (admin_access, _) = sign_in(&app, &client_id, "mia", PASSWORD).await;
    app.idp
        .admin_delete_user()
        .user_pool_id(&pool_id)
        .username("mia@example.com")
        .send()
        .await
        .expect_err("email is no alias in this pool");
    app.idp
        .admin_delete_user()
        .user_pool_id(&pool_id)
        .username("mia")
        .send()
        .await
        .unwrap();
    assert!(
        app.idp
            .get_user()
            .access_token(&admin_access)
            .send()
            .await
            .is_err()
    );
    let again = app
        .idp
        .admin_delete_user()
        .user_pool_id(&pool_id)
        .username("mia")
        .send()
        .await;
    assert_eq!(
        failure(again),
        (
            "UserNotFoundException".to_string(),
            "User does not exist.".to_string()
        )
    );
}

async fn change_password_checks_previous_policy_and_history(app: TestApp) {
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("history")
        .policies(
            UserPoolPolicyType::builder()
                .password_policy(
                    PasswordPolicyType::builder()
                        .minimum_length(10)
                        .require_uppercase(true)
                        .require_lowercase(true)
                        .require_numbers(true)
                        .require_symbols(false)
                        .password_history_size(2)
                        .build(),
                )
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
    app.confirmed_user(&pool_id, "noah", PASSWORD).await;
    let access = token(&app, &client_id, "noah").await;
    let change = |previous: &str, proposed: &str| {
        app.idp
            .change_password()
            .access_token(&access)
            .previous_password(previous)
            .proposed_password(proposed)
            .send()
    };

    let (code, message) = failure(change("Wr0ng-Passw0rd", "Brand1NewPass").await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("NotAuthorizedException", "Incorrect username or password.")
    );
    let (code, message) = failure(change(PASSWORD, "Sh0rt").await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "InvalidPasswordException",
            "Password did not conform with policy: Password not long enough"
        )
    );
    let (code, message) = failure(change(PASSWORD, "alllowercase1").await);
    assert_eq!(code, "InvalidPasswordException");
    assert_eq!(
        message,
        "Password did not conform with policy: Password must have uppercase characters"
    );
    // Failed changes left the password alone.
    sign_in(&app, &client_id, "noah", PASSWORD).await;

    change(PASSWORD, "Brand1NewPass").await.unwrap();
    let (code, message) = failure(
        app.idp
            .initiate_auth()
            .client_id(&client_id)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "noah")
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("NotAuthorizedException", "Incorrect username or password.")
    );
    sign_in(&app, &client_id, "noah", "Brand1NewPass").await;

    // History: the previous password may not come back.
    let (code, _) = failure(change("Brand1NewPass", PASSWORD).await);
    assert_eq!(code, "PasswordHistoryPolicyViolationException");
    // The token the change was made with still works (AWS keeps sessions on ChangePassword).
    app.idp
        .get_user()
        .access_token(&access)
        .send()
        .await
        .unwrap();
}

/// ChangePassword with `access`, as the SDK answers it.
async fn change_password(
    app: &TestApp,
    access: &str,
    previous: &str,
    proposed: &str,
) -> Result<ChangePasswordOutput, SdkError<ChangePasswordError>> {
    app.idp
        .change_password()
        .access_token(access)
        .previous_password(previous)
        .proposed_password(proposed)
        .send()
        .await
}

const OTHER: &str = "Another1!Pass";
const LIMIT_EXCEEDED: (&str, &str) = (
    "LimitExceededException",
    "Attempt limit exceeded, please try after some time.",
);

async fn change_password_counts_toward_lockout(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    app.confirmed_user(&pool_id, "olga", PASSWORD).await;
    let access = token(&app, &client_id, "olga").await;
    for _ in 0..5 {
        let wrong = change_password(&app, &access, "Wr0ng!Password", OTHER).await;
        assert_eq!(failure(wrong).1, "Incorrect username or password.");
    }
    // Locked now: even the right previous password is refused, and sign-in too.
    let (code, message) = failure(change_password(&app, &access, PASSWORD, OTHER).await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("NotAuthorizedException", "Password attempts exceeded")
    );
    // Unlocked, but the five wrong calls spent the hour's quota (AWS: 5 calls per user and
    // hour), whatever the password.
    app.clock.advance_secs(2);
    let (code, message) = failure(change_password(&app, &access, PASSWORD, OTHER).await);
    assert_eq!((code.as_str(), message.as_str()), LIMIT_EXCEEDED);
    // An hour later (with a fresh token: the first one has expired), a call goes through.
    app.clock.advance_secs(3600);
    let fresh = token(&app, &client_id, "olga").await;
    change_password(&app, &fresh, PASSWORD, OTHER)
        .await
        .unwrap();
    sign_in(&app, &client_id, "olga", OTHER).await;
}

async fn change_password_allows_five_calls_an_hour(app: TestApp) {
    let (pool_id, client_id) = app.pool_with_client().await;
    app.confirmed_user(&pool_id, "pia", PASSWORD).await;
    let access = token(&app, &client_id, "pia").await;
    // Five calls, right ones included, spend the hour.
    for (previous, proposed) in [(PASSWORD, OTHER), (OTHER, PASSWORD)]
        .repeat(3)
        .into_iter()
        .take(5)
    {
        change_password(&app, &access, previous, proposed)
            .await
            .unwrap();
    }
    let (code, message) = failure(change_password(&app, &access, OTHER, PASSWORD).await);
    assert_eq!((code.as_str(), message.as_str()), LIMIT_EXCEEDED);
    // Refused without a look: the password is still the fifth call's.
    sign_in(&app, &client_id, "pia", OTHER).await;
    // An hour later (with a fresh token: the first one has expired), a call goes through.
    app.clock.advance_secs(3600);
    let (fresh, _) = sign_in(&app, &client_id, "pia", OTHER).await;
    change_password(&app, &fresh, OTHER, PASSWORD)
        .await
        .unwrap();
    sign_in(&app, &client_id, "pia", PASSWORD).await;
}
