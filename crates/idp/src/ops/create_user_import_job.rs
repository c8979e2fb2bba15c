//! CreateUserImportJob: a job in Created, with the pre-signed URL to PUT its CSV to.

use cognate_awsjson::RequestContext;
use cognate_domain::import_job::{ImportJob, ImportJobStatus};
use cognate_model::idp::{CreateUserImportJobRequest, CreateUserImportJobResponse};

use crate::Idp;
use crate::errors::{OrNotFound, Result, pool_not_found};
use crate::import::new_job_id;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: CreateUserImportJobRequest,
) -> Result<CreateUserImportJobResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let job = ImportJob {
        pool_id: pool.id.clone(),
        job_id: new_job_id(),
        job_name: input.job_name,
        status: ImportJobStatus::Created,
        cloud_watch_logs_role_arn: input.cloud_watch_logs_role_arn,
        created_at: idp.clock.now(),
        started_at: None,
        completed_at: None,
        imported_users: 0,
        skipped_users: 0,
        failed_users: 0,
        completion_message: None,
    };
    idp.store
        .create_import_job(&job)
        .await
        .or_not_found(|| pool_not_found(&input.user_pool_id))?;
    Ok(CreateUserImportJobResponse {
        user_import_job: Some(idp.import_job_type(&job)),
    })
}
