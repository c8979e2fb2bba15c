//! The storage contract: one backend-agnostic test suite that every store passes.
//!
//! Each case is a `pub async fn(&dyn Store)` in [`cases`] that starts from an empty database.
//! A backend crate runs them all with one line in its `tests/contract.rs`:
//!
//! ```ignore
//! async fn harness() -> Option<cognate_store_contract::Harness> { /* a fresh, empty store */ }
//! cognate_store_contract::store_contract_tests!(harness());
//! ```
//!
//! The macro expands into one `#[tokio::test]` per case (the crate needs `tokio` as a
//! dev-dependency). The expression is evaluated once per test and gives `None` to skip the test
//! (e.g. Postgres without `TEST_DATABASE_URL`); a [`Harness`] may carry a teardown (dropping a
//! scratch database) that runs whether the case passes or panics.

pub mod bench;
pub mod cases;
pub mod fixtures;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use cognate_domain::Store;

type Teardown = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A fresh store for one contract case, and what to do after it.
pub struct Harness {
    store: Arc<dyn Store>,
    teardown: Option<Teardown>,
}

impl Harness {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            teardown: None,
        }
    }

    /// `teardown` runs after the case, passed or failed.
    pub fn with_teardown(
        store: Arc<dyn Store>,
        teardown: impl Future<Output = ()> + Send + 'static,
    ) -> Self {
        Self {
            store,
            teardown: Some(Box::pin(teardown)),
        }
    }

    pub fn store(&self) -> Arc<dyn Store> {
        self.store.clone()
    }

    /// Runs the teardown, then re-raises the case's panic if it had one.
    pub async fn finish(self, outcome: Result<(), tokio::task::JoinError>) {
        let Self { store, teardown } = self;
        drop(store);
        if let Some(teardown) = teardown {
            teardown.await;
        }
        if let Err(error) = outcome {
            match error.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                Err(error) => panic!("contract case did not finish: {error}"),
            }
        }
    }
}

/// Prints why a backend's contract tests are skipped (once per test, in its captured output).
pub fn skip(reason: &str) -> Option<Harness> {
    eprintln!("skipped: {reason}");
    None
}

/// Expands into one `#[tokio::test]` per contract case. `$make` is an expression of type
/// `impl Future<Output = Option<Harness>>`, evaluated once per test.
#[macro_export]
macro_rules! store_contract_tests {
    ($make:expr) => {
        $crate::store_contract_tests!(@cases ($make)
            pools::pool_crud,
            pools::pool_create_is_atomic,
            pools::pool_list_pages_each_pool_once,
            pools::pool_delete_cascades,
            pools::count_users_counts_the_pools_users,
            pools::health_reports_a_current_schema_and_the_pool,
            clients::client_crud,
            clients::client_for_missing_pool_is_not_found,
            clients::client_list_pages_each_client_once,
            keys::keys_add_and_list_oldest_first,
            keys::keys_filled_slot_is_skipped,
            keys::keys_racing_writers_converge,
            keys::keys_for_missing_pool_are_not_found,
            users::user_create_and_get_every_way,
            users::user_for_missing_pool_is_not_found,
            users::user_username_conflict_writes_nothing,
            users::user_sub_conflict,
            users::user_alias_conflict_writes_nothing,
            users::user_concurrent_creates_one_wins,
            users::user_update_replaces_attributes_and_aliases,
            users::user_update_conflict_keeps_the_old_user,
            users::user_update_missing_is_not_found,
            users::user_delete_frees_username_and_aliases,
            users::user_attributes_round_trip,
            users::user_update_of_a_stale_version_is_refused,
            users::user_concurrent_updates_one_wins,
            users::user_extra_update_saves_the_document_under_the_version,
            users::user_concurrent_extra_updates_one_wins,
            tokens::refresh_token_round_trip_and_revoke,
            tokens::refresh_token_rotates_once,
            tokens::refresh_tokens_of_a_user_are_revoked_together,
            tokens::refresh_tokens_die_with_their_user_and_client,
            tokens::outbox_lists_newest_first_by_filter,
            listing::list_users_pages_each_user_once,
            listing::list_users_by_username,
            listing::list_users_by_enabled,
            listing::list_users_by_user_status,
            listing::list_users_by_attribute,
            listing::list_users_by_phone_prefix,
            listing::list_users_by_unicode_values,
            listing::list_users_by_long_values,
            listing::list_users_filtered_pages_survive_inserts,
            listing::list_users_filtered_pages_each_user_once,
            listing::list_users_shows_every_write_at_once,
            groups::group_crud_and_case_insensitive_names,
            groups::group_list_pages_each_group_once,
            groups::group_members_both_ways,
            groups::group_memberships_die_with_group_user_and_pool,
            auth_events::auth_events_newest_first_with_feedback,
            identity::identity_pool_crud_and_paging,
            identity::identity_logins_bind_one_identity,
            identity::identity_concurrent_first_logins_converge,
            identity::identity_list_delete_and_cascade,
            identity::identity_issuer_keys_converge,
            identity::identity_logins_link_move_and_remove,
            import_jobs::bulk_users_conflicting_rows_fail_alone,
            import_jobs::import_jobs_crud_status_checks_and_paging,
            import_jobs::import_csv_round_trip_and_cascade,
            hosted::domains_unique_across_pools,
            hosted::resource_servers_crud_and_paging,
            hosted::ui_customization_per_pool_and_client,
            hosted::authorization_codes_are_taken_once,
            federation::identity_providers_unique_names_and_identifiers,
            federation::identity_providers_update_delete_and_paging,
            federation::provider_links_are_unique_aliases_of_their_user,
        );
    };
    (@cases ($make:expr) $($module:ident :: $case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let Some(harness) = $make.await else { return };
                let store = harness.store();
                let outcome = tokio::spawn(async move { $crate::cases::$module::$case(&*store).await }).await;
                harness.finish(outcome).await;
            }
        )*
    };
}
