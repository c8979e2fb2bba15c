//! Bulk user creation and user import jobs.

use cognate_domain::ids::{Sub, UserPoolId};
use cognate_domain::import_job::{IMPORT_JOB_STATUS, ImportJob, ImportJobStatus};
use cognate_domain::{Store, StoreError};

use crate::fixtures::*;

pub async fn bulk_users_conflicting_rows_fail_alone(store: &dyn Store) {
    let (id, _) = two_pools(store).await;
    let mut holder = user(&id, "holder");
    holder.aliases = vec![alias("email", "taken@example.com")];
    store.create_user(&holder).await.expect("create holder");

    let fresh = user(&id, "fresh");
    let mut same_name = user(&id, "HOLDER");
    same_name.sub = Sub::new("sub-other");
    let mut same_sub = user(&id, "copycat");
    same_sub.sub = holder.sub.clone();
    let mut taken_alias = user(&id, "aliased");
    taken_alias.aliases = vec![alias("email", "taken@example.com")];
    let mut first = user(&id, "first");
    first.aliases = vec![alias("email", "shared@example.com")];
    let mut second = user(&id, "second");
    second.aliases = vec![alias("email", "shared@example.com")];
    let mut repeated = user(&id, "fresh");
    repeated.sub = Sub::new("sub-repeated");
    let no_pool = user(&pool_id(9), "orphan");
    let batch = vec![
        fresh.clone(),
        same_name,
        same_sub,
        taken_alias,
        first.clone(),
        second,
        repeated,
        no_pool,
    ];

    let results = store.create_users_bulk(&batch).await.expect("bulk");
    assert_eq!(
        results,
        vec![
            Ok(()),
            Err(conflict("users_pool_username_key")),
            Err(conflict("users_pool_sub_key")),
            Err(conflict("user_aliases_pool_alias_key")),
            Ok(()),
            Err(conflict("user_aliases_pool_alias_key")),
            Err(conflict("users_pool_username_key")),
            Err(StoreError::NotFound),
        ]
    );
    assert_eq!(store.get_user(&id, "fresh").await, Ok(fresh));
    assert_eq!(store.get_user(&id, "first").await, Ok(first.clone()));
    assert_eq!(
        store
            .get_user_by_alias(&id, "email", "shared@example.com")
            .await,
        Ok(first)
    );
    // A failed user left nothing behind: no row, no attribute, no alias.
    for gone in ["aliased", "copycat", "second"] {
        assert_eq!(store.get_user(&id, gone).await, Err(StoreError::NotFound));
    }
    assert_eq!(store.get_user(&id, "holder").await, Ok(holder));
    assert_eq!(store.count_users(&id).await, Ok(3));
    let copycat = super::filtered(
        store,
        &id,
        &cognate_domain::user::UserFilter {
            field: cognate_domain::user::FilterField::Attribute("email".into()),
            prefix: false,
            value: "copycat@example.com".into(),
        },
    )
    .await;
    assert!(copycat.is_empty(), "no attribute rows of a failed user");
    assert_eq!(store.create_users_bulk(&[]).await, Ok(vec![]));
}

fn job(pool: &UserPoolId, n: u32) -> ImportJob {
    ImportJob {
        pool_id: pool.clone(),
        job_id: format!("import-{n:04}"),
        job_name: format!("job {n}"),
        status: ImportJobStatus::Created,
        cloud_watch_logs_role_arn: "arn:aws:iam::123456789012:role/import".into(),
        created_at: T0,
        started_at: None,
        completed_at: None,
        imported_users: 0,
        skipped_users: 0,
        failed_users: 0,
        completion_message: None,
    }
}

pub async fn import_jobs_crud_status_checks_and_paging(store: &dyn Store) {
    let (id, other) = two_pools(store).await;
    for n in 0..5 {
        store.create_import_job(&job(&id, n)).await.expect("create");
    }
    store
        .create_import_job(&job(&other, 7))
        .await
        .expect("create in other pool");
    assert_eq!(
        store.create_import_job(&job(&pool_id(9), 8)).await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.get_import_job(&id, "import-0001").await,
        Ok(job(&id, 1))
    );
    assert_eq!(
        store.get_import_job(&id, "import-0007").await,
        Err(StoreError::NotFound),
        "a job of another pool"
    );

    let mut started = job(&id, 1);
    started.status = ImportJobStatus::InProgress;
    started.started_at = Some(T0.plus_secs(3));
    store
        .update_import_job(&started, ImportJobStatus::Created)
        .await
        .expect("start");
    let mut stale = job(&id, 1);
    stale.status = ImportJobStatus::Stopping;
    assert_eq!(
        store
            .update_import_job(&stale, ImportJobStatus::Created)
            .await,
        Err(conflict(IMPORT_JOB_STATUS))
    );
    assert_eq!(store.get_import_job(&id, "import-0001").await, Ok(started));
    assert_eq!(
        store
            .update_import_job(&job(&id, 6), ImportJobStatus::Created)
            .await,
        Err(StoreError::NotFound)
    );

    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .list_import_jobs(&id, after.as_deref(), 2)
            .await
            .expect("list");
        assert!(page.items.len() <= 2);
        seen.extend(page.items.iter().map(|job| job.job_id.clone()));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let expected: Vec<String> = (0..5).map(|n| format!("import-{n:04}")).collect();
    assert_eq!(seen, expected);
}

pub async fn import_csv_round_trip_and_cascade(store: &dyn Store) {
    let (id, other) = two_pools(store).await;
    store.create_import_job(&job(&id, 1)).await.expect("create");
    assert_eq!(store.get_import_csv(&id, "import-0001").await, Ok(None));
    let csv = b"cognito:username,email\nalice,a@example.com\n".to_vec();
    store
        .put_import_csv(&id, "import-0001", b"first")
        .await
        .expect("put");
    store
        .put_import_csv(&id, "import-0001", &csv)
        .await
        .expect("replace");
    assert_eq!(
        store.get_import_csv(&id, "import-0001").await,
        Ok(Some(csv))
    );
    assert_eq!(
        store.put_import_csv(&other, "import-0001", b"x").await,
        Err(StoreError::NotFound),
        "only the job's own pool"
    );
    assert_eq!(store.get_import_csv(&other, "import-0001").await, Ok(None));
    store.delete_pool(&id).await.expect("delete pool");
    assert_eq!(
        store.get_import_job(&id, "import-0001").await,
        Err(StoreError::NotFound)
    );
    assert_eq!(store.get_import_csv(&id, "import-0001").await, Ok(None));
}
