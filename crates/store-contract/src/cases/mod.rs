//! The contract cases. Each starts from an empty store and panics on a breach.

pub mod auth_events;
pub mod clients;
pub mod federation;
pub mod groups;
pub mod hosted;
pub mod identity;
pub mod import_jobs;
pub mod keys;
pub mod listing;
pub mod pools;
pub mod tokens;
pub mod users;

use cognate_domain::ids::UserPoolId;
use cognate_domain::user::{FilterField, UserFilter};
use cognate_domain::{Page, Store};

/// More pages than any case makes: a listing that never ends fails instead of hanging.
const MAX_PAGES: usize = 1000;

fn keys<T>(page: Page<T>, key: impl Fn(&T) -> String) -> Page<String> {
    Page {
        items: page.items.iter().map(key).collect(),
        next: page.next,
    }
}

/// Every page of ListUserPools, as pool ids.
pub async fn pool_pages(store: &dyn Store, limit: usize) -> Vec<Page<String>> {
    let mut pages: Vec<Page<String>> = Vec::new();
    loop {
        let after = pages.last().and_then(|page| page.next.clone());
        let page = store
            .list_pools(after.as_deref(), limit)
            .await
            .expect("list_pools");
        pages.push(keys(page, |pool| pool.id.to_string()));
        if pages.last().is_some_and(|page| page.next.is_none()) {
            return pages;
        }
        assert!(pages.len() < MAX_PAGES, "list_pools does not end");
    }
}

/// Every page of ListUserPoolClients, as client ids.
pub async fn client_pages(store: &dyn Store, pool: &UserPoolId, limit: usize) -> Vec<Page<String>> {
    let mut pages: Vec<Page<String>> = Vec::new();
    loop {
        let after = pages.last().and_then(|page| page.next.clone());
        let page = store
            .list_clients(pool, after.as_deref(), limit)
            .await
            .expect("list_clients");
        pages.push(keys(page, |client| client.client_id.to_string()));
        if pages.last().is_some_and(|page| page.next.is_none()) {
            return pages;
        }
        assert!(pages.len() < MAX_PAGES, "list_clients does not end");
    }
}

/// Every page of ListUsers, as username keys, each continuing after the previous `next`.
pub async fn user_pages(
    store: &dyn Store,
    pool: &UserPoolId,
    filter: Option<&UserFilter>,
    limit: usize,
) -> Vec<Page<String>> {
    let mut pages: Vec<Page<String>> = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store
            .list_users(pool, filter, after.as_deref(), limit)
            .await
            .expect("list_users");
        after.clone_from(&page.next);
        let mut keys = keys(page, |user| user.username_key.clone());
        // An attribute filter's page continues after a position of the filter index (value and
        // key), opaque here: compared as the last key, like the other listings' `next`.
        if let (Some(next), Some(FilterField::Attribute(_))) =
            (&mut keys.next, filter.map(|filter| &filter.field))
        {
            *next = keys.items.last().cloned().unwrap_or_default();
        }
        pages.push(keys);
        if after.is_none() {
            return pages;
        }
        assert!(pages.len() < MAX_PAGES, "list_users does not end");
    }
}

/// The username keys a filter selects (all pages, 2 at a time to page through filters too).
pub async fn filtered(store: &dyn Store, pool: &UserPoolId, filter: &UserFilter) -> Vec<String> {
    user_pages(store, pool, Some(filter), 2)
        .await
        .into_iter()
        .flat_map(|page| page.items)
        .collect()
}
