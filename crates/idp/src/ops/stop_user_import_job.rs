//! StopUserImportJob: a Pending or InProgress job becomes Stopping; its run stops between
//! batches and ends Stopped.

use cognate_awsjson::RequestContext;
use cognate_domain::StoreError;
use cognate_domain::import_job::ImportJobStatus;
use cognate_model::idp::{StopUserImportJobRequest, StopUserImportJobResponse};

use crate::Idp;
use crate::errors::{Result, internal, invalid_parameter};
use crate::import::effective_status;

/// Retries when the run saved progress between our read and our write.
const ATTEMPTS: usize = 8;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: StopUserImportJobRequest,
) -> Result<StopUserImportJobResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    for _ in 0..ATTEMPTS {
        let mut job = idp.import_job(&pool, &input.job_id).await?;
        let status = effective_status(&job, idp.clock.now());
        if !matches!(
            status,
            ImportJobStatus::Pending | ImportJobStatus::InProgress
        ) {
            return Err(invalid_parameter(format!(
                "Import job {} cannot be stopped: its status is {}.",
                job.job_id,
                status.as_str()
            )));
        }
        job.status = ImportJobStatus::Stopping;
        match idp.store.update_import_job(&job, status).await {
            Ok(()) => {
                return Ok(StopUserImportJobResponse {
                    user_import_job: Some(idp.import_job_type(&job)),
                });
            }
            Err(StoreError::Conflict { .. }) => continue,
            Err(other) => return Err(internal(other)),
        }
    }
    Err(cognate_model::idp::ErrorCode::TooManyRequestsException
        .msg("The import job kept changing; try again."))
}
