//! StartUserImportJob: Created → Pending, then the job runs in the background.

use cognate_awsjson::RequestContext;
use cognate_domain::StoreError;
use cognate_domain::import_job::ImportJobStatus;
use cognate_model::idp::{StartUserImportJobRequest, StartUserImportJobResponse};

use crate::Idp;
use crate::errors::{Result, internal, invalid_parameter};
use crate::import::effective_status;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: StartUserImportJobRequest,
) -> Result<StartUserImportJobResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let mut job = idp.import_job(&pool, &input.job_id).await?;
    let now = idp.clock.now();
    let status = effective_status(&job, now);
    if status != ImportJobStatus::Created {
        return Err(invalid_parameter(format!(
            "Import job {} cannot be started: its status is {}.",
            job.job_id,
            status.as_str()
        )));
    }
    if pool.auto_verified_attributes.is_empty() {
        // AWS: "If the user pool has no auto-verified attributes, the import job will not start."
        return Err(invalid_parameter(
            "The user pool has no auto-verified attributes (email or phone_number): imported \
             users could not reset their passwords.",
        ));
    }
    job.status = ImportJobStatus::Pending;
    job.started_at = Some(now);
    match idp
        .store
        .update_import_job(&job, ImportJobStatus::Created)
        .await
    {
        Ok(()) => {}
        Err(StoreError::Conflict { .. }) => {
            return Err(invalid_parameter(format!(
                "Import job {} has already been started.",
                job.job_id
            )));
        }
        Err(other) => return Err(internal(other)),
    }
    idp.spawn_import(pool, job.clone());
    Ok(StartUserImportJobResponse {
        user_import_job: Some(idp.import_job_type(&job)),
    })
}
