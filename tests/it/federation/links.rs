//! AdminLinkProviderForUser and AdminDisableProviderForUser: a linked subject signs in as the
//! native user; disabling unlinks it (or stops a provider's user, or a native user's
//! password); and the refusals.

use aws_sdk_cognitoidentityprovider::types::ProviderUserIdentifierType as Who;
use cognate_testkit::{PASSWORD, TestApp, backend_tests, failure};

use super::{Fed, PROVIDER, SUB, callback_error, federate, federated_tokens, identities};
use crate::auth::{claims, password_auth};
use crate::hosted::Browser;

backend_tests!(
    a_linked_subject_signs_in_as_the_native_user,
    links_by_a_mapped_attribute,
    disabling_unlinks,
    disabling_stops_a_provider_user_or_a_password,
    link_refusals,
);

fn who(provider: &str, attribute: Option<&str>, value: &str) -> Who {
    Who::builder()
        .provider_name(provider)
        .set_provider_attribute_name(attribute.map(str::to_string))
        .provider_attribute_value(value)
        .build()
}

fn subject() -> Who {
    who(PROVIDER, Some("Cognito_Subject"), SUB)
}

async fn link(app: &TestApp, fed: &Fed, native: &str, source: Who) {
    app.idp
        .admin_link_provider_for_user()
        .user_pool_id(&fed.pool_id)
        .destination_user(who("Cognito", None, native))
        .source_user(source)
        .send()
        .await
        .expect("AdminLinkProviderForUser");
}

async fn disable(app: &TestApp, fed: &Fed, user: Who) {
    app.idp
        .admin_disable_provider_for_user()
        .user_pool_id(&fed.pool_id)
        .user(user)
        .send()
        .await
        .expect("AdminDisableProviderForUser");
}

async fn a_linked_subject_signs_in_as_the_native_user(app: TestApp) {
    let fed = Fed::new(&app).await;
    app.confirmed_user(&fed.pool_id, "ada", PASSWORD).await;
    link(&app, &fed, "ada", subject()).await;
    let entries = identities(&app, &fed.pool_id, "ada").await;
    assert_eq!(entries.len(), 1, "the link shows at once");
    assert_eq!(
        (
            entries[0]["providerName"].as_str(),
            entries[0]["userId"].as_str()
        ),
        (Some(PROVIDER), Some(SUB))
    );

    let tokens = federated_tokens(&app, &fed).await;
    assert_eq!(
        claims(tokens["access_token"].as_str().unwrap())["username"],
        "ada"
    );
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["cognito:username"], "ada");
    assert_eq!(
        id["email"], "ada@example.com",
        "the native user's own attributes"
    );
    let users = app
        .idp
        .list_users()
        .user_pool_id(&fed.pool_id)
        .send()
        .await
        .unwrap();
    assert_eq!(users.users().len(), 1, "no federated user was made");
    // Linking again is harmless; the native user keeps its password.
    link(&app, &fed, "ada", subject()).await;
    password_auth(&app, &app.client_for(&fed.pool_id).await, "ada", PASSWORD)
        .await
        .unwrap();
}

async fn links_by_a_mapped_attribute(app: TestApp) {
    let fed = Fed::new(&app).await;
    app.confirmed_user(&fed.pool_id, "ada", PASSWORD).await;
    link(
        &app,
        &fed,
        "ada",
        who(PROVIDER, Some("email"), "ada@corp.example.com"),
    )
    .await;
    let tokens = federated_tokens(&app, &fed).await;
    assert_eq!(
        claims(tokens["access_token"].as_str().unwrap())["username"],
        "ada"
    );
    let entries = identities(&app, &fed.pool_id, "ada").await;
    assert_eq!(
        entries[0]["userId"], SUB,
        "the subject is recorded at sign-in"
    );
}

async fn disabling_unlinks(app: TestApp) {
    let fed = Fed::new(&app).await;
    app.confirmed_user(&fed.pool_id, "ada", PASSWORD).await;
    link(&app, &fed, "ada", subject()).await;
    federated_tokens(&app, &fed).await;
    disable(&app, &fed, subject()).await;
    assert!(identities(&app, &fed.pool_id, "ada").await.is_empty());
    let tokens = federated_tokens(&app, &fed).await;
    assert_eq!(
        claims(tokens["access_token"].as_str().unwrap())["username"],
        fed.username(),
        "the next sign-in is a federated user of its own"
    );
}

async fn disabling_stops_a_provider_user_or_a_password(app: TestApp) {
    let fed = Fed::new(&app).await;
    federated_tokens(&app, &fed).await;
    disable(&app, &fed, subject()).await;
    let page = federate(&fed, &Browser::new(&app), &fed.authorize()).await;
    let (_, said) = callback_error(&page);
    assert_eq!(said, "User is disabled.");

    app.confirmed_user(&fed.pool_id, "bob", PASSWORD).await;
    disable(&app, &fed, who("Cognito", Some("Cognito_Subject"), "bob")).await;
    let client = app.client_for(&fed.pool_id).await;
    let refused = password_auth(&app, &client, "bob", PASSWORD).await;
    assert_eq!(failure(refused).0, "NotAuthorizedException");
}

async fn link_refusals(app: TestApp) {
    let fed = Fed::new(&app).await;
    app.confirmed_user(&fed.pool_id, "ada", PASSWORD).await;
    app.confirmed_user(&fed.pool_id, "bob", PASSWORD).await;
    let attempt = |destination: Who, source: Who| {
        app.idp
            .admin_link_provider_for_user()
            .user_pool_id(&fed.pool_id)
            .destination_user(destination)
            .source_user(source)
            .send()
    };
    let cases = [
        (
            "unknown provider",
            who("Cognito", None, "ada"),
            who("Nope", Some("Cognito_Subject"), "x"),
            "InvalidParameterException",
        ),
        (
            "Cognito as source",
            who("Cognito", None, "ada"),
            who("Cognito", Some("Cognito_Subject"), "bob"),
            "InvalidParameterException",
        ),
        (
            "unknown destination",
            who("Cognito", None, "nobody"),
            subject(),
            "UserNotFoundException",
        ),
    ];
    for (label, destination, source, expected) in cases {
        assert_eq!(
            failure(attempt(destination, source).await).0,
            expected,
            "{label}"
        );
    }
    link(&app, &fed, "ada", subject()).await;
    let (code, _) = failure(attempt(who("Cognito", None, "bob"), subject()).await);
    assert_eq!(
        code, "AliasExistsException",
        "already linked to another user"
    );

    // A subject that already signed in has a user of its own: no merging.
    let other = who(PROVIDER, Some("Cognito_Subject"), "corp-user-2");
    fed.idp.set_user(
        "corp-user-2",
        serde_json::json!({"email": "two@corp.example.com"}),
    );
    federated_tokens(&app, &fed).await;
    let (code, message) = failure(attempt(who("Cognito", None, "bob"), other).await);
    assert_eq!(code, "InvalidParameterException");
    assert!(
        message.starts_with("Merging is not currently supported"),
        "{message}"
    );
}
