//! External identity providers: a name and each identifier unique per pool, identifiers found
//! and replaced with their provider, paging by name, everything gone with the pool; provider
//! links kept as aliases of their user.

use std::collections::BTreeMap;

use cognate_domain::federation::{
    IDENTITY_PROVIDERS_KEY, IdentityProvider, PROVIDER_IDENTIFIERS_KEY, link_alias,
};
use cognate_domain::ids::UserPoolId;
use cognate_domain::{Store, StoreError};

use crate::fixtures::*;

fn provider(pool: &UserPoolId, name: &str, identifiers: &[&str]) -> IdentityProvider {
    IdentityProvider {
        pool_id: pool.clone(),
        name: name.into(),
        provider_type: "OIDC".into(),
        details: BTreeMap::from([
            ("client_id".to_string(), "corp-client".to_string()),
            (
                "oidc_issuer".to_string(),
                "https://idp.example.com".to_string(),
            ),
        ]),
        sealed_details: BTreeMap::from([("client_secret".to_string(), "c2VhbGVk".to_string())]),
        attribute_mapping: BTreeMap::from([("email".to_string(), "email".to_string())]),
        identifiers: identifiers.iter().map(|i| i.to_string()).collect(),
        created_at: T0,
        last_modified_at: T0,
    }
}

pub async fn identity_providers_unique_names_and_identifiers(store: &dyn Store) {
    let (a, b) = two_pools(store).await;
    let corp = provider(&a, "Corp", &["corp.example.com", "corp"]);
    store
        .create_identity_provider(&corp)
        .await
        .expect("create provider");
    assert_eq!(
        store.get_identity_provider(&a, "Corp").await,
        Ok(corp.clone())
    );
    assert_eq!(
        store.get_identity_provider(&a, "corp").await,
        Err(StoreError::NotFound),
        "names are exact"
    );
    assert_eq!(
        store.identity_provider_by_identifier(&a, "corp").await,
        Ok(corp.clone())
    );
    assert_eq!(
        store
            .create_identity_provider(&provider(&a, "Corp", &[]))
            .await,
        Err(conflict(IDENTITY_PROVIDERS_KEY))
    );
    assert_eq!(
        store
            .create_identity_provider(&provider(&a, "Other", &["x", "corp"]))
            .await,
        Err(conflict(PROVIDER_IDENTIFIERS_KEY))
    );
    assert_eq!(
        store.get_identity_provider(&a, "Other").await,
        Err(StoreError::NotFound),
        "a refused create writes nothing"
    );
    assert_eq!(
        store.identity_provider_by_identifier(&a, "x").await,
        Err(StoreError::NotFound)
    );
    store
        .create_identity_provider(&provider(&b, "Corp", &["corp"]))
        .await
        .expect("the same name and identifier in another pool");
    assert_eq!(
        store
            .create_identity_provider(&provider(&pool_id(9), "Corp", &[]))
            .await,
        Err(StoreError::NotFound)
    );
}

pub async fn identity_providers_update_delete_and_paging(store: &dyn Store) {
    let (a, _) = two_pools(store).await;
    for name in ["Zed", "Corp", "Acme"] {
        let identifier = name.to_lowercase();
        store
            .create_identity_provider(&provider(&a, name, &[&identifier]))
            .await
            .expect("create provider");
    }
    let first = store
        .list_identity_providers(&a, None, 2)
        .await
        .expect("list");
    let names: Vec<_> = first.items.iter().map(|p| p.name.clone()).collect();
    assert_eq!(names, ["Acme", "Corp"]);
    let rest = store
        .list_identity_providers(&a, first.next.as_deref(), 2)
        .await
        .expect("list");
    assert_eq!(rest.items, vec![provider(&a, "Zed", &["zed"])]);
    assert_eq!(rest.next, None);

    let mut changed = provider(&a, "Corp", &["corp-2"]);
    changed.last_modified_at = T0.plus_secs(60);
    store
        .update_identity_provider(&changed)
        .await
        .expect("update");
    assert_eq!(
        store.get_identity_provider(&a, "Corp").await,
        Ok(changed.clone())
    );
    assert_eq!(
        store.identity_provider_by_identifier(&a, "corp").await,
        Err(StoreError::NotFound),
        "the old identifier is released"
    );
    assert_eq!(
        store.identity_provider_by_identifier(&a, "corp-2").await,
        Ok(changed.clone())
    );
    let stealing = provider(&a, "Acme", &["corp-2"]);
    assert_eq!(
        store.update_identity_provider(&stealing).await,
        Err(conflict(PROVIDER_IDENTIFIERS_KEY))
    );
    assert_eq!(
        store.identity_provider_by_identifier(&a, "acme").await,
        Ok(provider(&a, "Acme", &["acme"])),
        "a refused update keeps the old identifiers"
    );
    assert_eq!(
        store
            .update_identity_provider(&provider(&a, "Nope", &[]))
            .await,
        Err(StoreError::NotFound)
    );
    store
        .delete_identity_provider(&a, "Corp")
        .await
        .expect("delete");
    assert_eq!(
        store.identity_provider_by_identifier(&a, "corp-2").await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.delete_identity_provider(&a, "Corp").await,
        Err(StoreError::NotFound)
    );
    store
        .create_identity_provider(&provider(&a, "Corp", &["corp-2"]))
        .await
        .expect("a freed identifier is free");
    store.delete_pool(&a).await.expect("delete pool");
    assert_eq!(
        store.get_identity_provider(&a, "Zed").await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.identity_provider_by_identifier(&a, "zed").await,
        Err(StoreError::NotFound)
    );
}

pub async fn provider_links_are_unique_aliases_of_their_user(store: &dyn Store) {
    let (a, _) = two_pools(store).await;
    let link = alias(&link_alias("Corp", "Cognito_Subject"), "sub-123");
    let mut alice = user(&a, "alice");
    alice.aliases.push(link.clone());
    store.create_user(&alice).await.expect("create alice");
    assert_eq!(
        store
            .get_user_by_alias(&a, &link.name, &link.value_key)
            .await
            .map(|u| u.username),
        Ok("alice".to_string())
    );
    let mut bob = user(&a, "bob");
    bob.aliases.push(link.clone());
    assert_eq!(
        store.create_user(&bob).await,
        Err(conflict("user_aliases_pool_alias_key"))
    );
    store
        .delete_user(&a, &alice.username_key)
        .await
        .expect("delete alice");
    store
        .create_user(&bob)
        .await
        .expect("the link is free once its user is gone");
}
