//! Domains (unique across pools, one of each kind per pool), resource servers, hosted-UI
//! customization and single-use authorization codes; all of them die with their pool.

use cognate_domain::hosted::{
    AuthorizationCode, DOMAINS_DOMAIN_KEY, DOMAINS_POOL_KIND_KEY, RESOURCE_SERVERS_KEY,
    ResourceServer, ResourceServerScope, UiCustomization, UserPoolDomain,
};
use cognate_domain::ids::{Sub, UserPoolId};
use cognate_domain::{Store, StoreError};

use crate::fixtures::*;

fn domain(pool: &UserPoolId, name: &str, certificate: Option<&str>) -> UserPoolDomain {
    UserPoolDomain {
        domain: name.into(),
        pool_id: pool.clone(),
        certificate_arn: certificate.map(str::to_string),
        managed_login_version: 1,
        created_at: T0,
    }
}

fn server(pool: &UserPoolId, identifier: &str, scopes: &[&str]) -> ResourceServer {
    ResourceServer {
        pool_id: pool.clone(),
        identifier: identifier.into(),
        name: format!("{identifier} api"),
        scopes: scopes
            .iter()
            .map(|name| ResourceServerScope {
                name: name.to_string(),
                description: format!("may {name}"),
            })
            .collect(),
    }
}

fn code(pool: &UserPoolId, hash: &str) -> AuthorizationCode {
    AuthorizationCode {
        code_hash: hash.into(),
        pool_id: pool.clone(),
        client_id: client_id(1),
        username_key: "alice".into(),
        sub: Sub::new("8f0e2c1a-0000-4000-8000-000000000001"),
        redirect_uri: "https://app.example.com/cb".into(),
        scopes: vec!["openid".into(), "email".into()],
        nonce: Some("n-0S6_WzA2Mj".into()),
        code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
        auth_time: T0.secs(),
        expires_at: T0.plus_secs(300),
    }
}

pub async fn domains_unique_across_pools(store: &dyn Store) {
    let (a, b) = two_pools(store).await;
    let prefix = domain(&a, "my-app", None);
    store.create_domain(&prefix).await.expect("create domain");
    assert_eq!(store.get_domain("my-app").await, Ok(prefix.clone()));
    assert_eq!(
        store.create_domain(&domain(&b, "my-app", None)).await,
        Err(conflict(DOMAINS_DOMAIN_KEY))
    );
    assert_eq!(
        store.create_domain(&domain(&a, "other-app", None)).await,
        Err(conflict(DOMAINS_POOL_KIND_KEY))
    );
    let custom = domain(
        &a,
        "auth.example.com",
        Some("arn:aws:acm:us-east-1:1:certificate/x"),
    );
    store.create_domain(&custom).await.expect("custom domain");
    assert_eq!(
        store.pool_domains(&a).await,
        Ok(vec![prefix.clone(), custom.clone()])
    );
    let mut updated = custom.clone();
    updated.certificate_arn = Some("arn:aws:acm:us-east-1:1:certificate/y".into());
    updated.managed_login_version = 2;
    store.update_domain(&updated).await.expect("update domain");
    assert_eq!(store.get_domain("auth.example.com").await, Ok(updated));
    assert_eq!(
        store.delete_domain(&b, "my-app").await,
        Err(StoreError::NotFound)
    );
    store.delete_domain(&a, "my-app").await.expect("delete");
    assert_eq!(store.get_domain("my-app").await, Err(StoreError::NotFound));
    store
        .create_domain(&domain(&b, "my-app", None))
        .await
        .expect("a freed name is free for any pool");
    assert_eq!(
        store.create_domain(&domain(&pool_id(9), "x", None)).await,
        Err(StoreError::NotFound)
    );
    store.delete_pool(&b).await.expect("delete pool");
    assert_eq!(store.get_domain("my-app").await, Err(StoreError::NotFound));
}

pub async fn resource_servers_crud_and_paging(store: &dyn Store) {
    let (a, b) = two_pools(store).await;
    for identifier in ["https://c.example", "a", "b"] {
        store
            .create_resource_server(&server(&a, identifier, &["read"]))
            .await
            .expect("create server");
    }
    store
        .create_resource_server(&server(&b, "a", &["x"]))
        .await
        .expect("the same identifier in another pool");
    assert_eq!(
        store
            .create_resource_server(&server(&a, "a", &["write"]))
            .await,
        Err(conflict(RESOURCE_SERVERS_KEY))
    );
    let first = store
        .list_resource_servers(&a, None, 2)
        .await
        .expect("list");
    let names: Vec<_> = first.items.iter().map(|s| s.identifier.clone()).collect();
    assert_eq!(names, ["a", "b"]);
    let rest = store
        .list_resource_servers(&a, first.next.as_deref(), 2)
        .await
        .expect("list");
    assert_eq!(rest.items, vec![server(&a, "https://c.example", &["read"])]);
    assert_eq!(rest.next, None);
    let changed = server(&a, "a", &["read", "admin"]);
    store
        .update_resource_server(&changed)
        .await
        .expect("update");
    assert_eq!(store.get_resource_server(&a, "a").await, Ok(changed));
    assert_eq!(
        store.update_resource_server(&server(&a, "nope", &[])).await,
        Err(StoreError::NotFound)
    );
    store.delete_resource_server(&a, "a").await.expect("delete");
    assert_eq!(
        store.get_resource_server(&a, "a").await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.delete_resource_server(&a, "a").await,
        Err(StoreError::NotFound)
    );
    store.delete_pool(&a).await.expect("delete pool");
    assert_eq!(
        store.get_resource_server(&a, "b").await,
        Err(StoreError::NotFound)
    );
}

pub async fn ui_customization_per_pool_and_client(store: &dyn Store) {
    let (a, _) = two_pools(store).await;
    let client = client_id(1);
    let all = UiCustomization {
        pool_id: a.clone(),
        client_id: None,
        css: Some(".banner-customizable { background: #123; }".into()),
        image_base64: None,
        created_at: T0,
        last_modified_at: T0,
    };
    store.put_ui_customization(&all).await.expect("put");
    assert_eq!(store.get_ui_customization(&a, None).await, Ok(all.clone()));
    assert_eq!(
        store.get_ui_customization(&a, Some(&client)).await,
        Err(StoreError::NotFound)
    );
    let mine = UiCustomization {
        client_id: Some(client.clone()),
        image_base64: Some("iVBORw0KGgo=".into()),
        last_modified_at: T0.plus_secs(5),
        ..all.clone()
    };
    store.put_ui_customization(&mine).await.expect("put client");
    let replaced = UiCustomization {
        css: None,
        ..mine.clone()
    };
    store
        .put_ui_customization(&replaced)
        .await
        .expect("replace");
    assert_eq!(
        store.get_ui_customization(&a, Some(&client)).await,
        Ok(replaced)
    );
    assert_eq!(store.get_ui_customization(&a, None).await, Ok(all));
}

pub async fn authorization_codes_are_taken_once(store: &dyn Store) {
    let (a, _) = two_pools(store).await;
    let stored = code(&a, "hash-1");
    store
        .insert_authorization_code(&stored)
        .await
        .expect("insert");
    assert_eq!(store.take_authorization_code("hash-1").await, Ok(stored));
    assert_eq!(
        store.take_authorization_code("hash-1").await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store
            .insert_authorization_code(&code(&pool_id(9), "hash-2"))
            .await,
        Err(StoreError::NotFound)
    );
    store
        .insert_authorization_code(&code(&a, "hash-3"))
        .await
        .expect("insert");
    store.delete_pool(&a).await.expect("delete pool");
    assert_eq!(
        store.take_authorization_code("hash-3").await,
        Err(StoreError::NotFound)
    );
}
