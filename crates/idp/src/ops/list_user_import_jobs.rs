//! ListUserImportJobs: a pool's jobs, MaxResults (1-60, required) at a time.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{ListUserImportJobsRequest, ListUserImportJobsResponse};

use crate::errors::{Result, internal, invalid_parameter};
use crate::{Idp, paging};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: ListUserImportJobsRequest,
) -> Result<ListUserImportJobsResponse> {
    if !(1..=60).contains(&input.max_results) {
        return Err(invalid_parameter(format!(
            "1 validation error detected: Value '{}' at 'maxResults' failed to satisfy constraint: \
             Member must have value between 1 and 60",
            input.max_results
        )));
    }
    let pool = idp.pool(&input.user_pool_id).await?;
    let scope = format!("import-jobs/{}", pool.id);
    let after = paging::open_after(&idp.seal, &scope, input.pagination_token.as_deref())?;
    let page = idp
        .store
        .list_import_jobs(&pool.id, after.as_deref(), input.max_results as usize)
        .await
        .map_err(internal)?;
    Ok(ListUserImportJobsResponse {
        user_import_jobs: Some(
            page.items
                .iter()
                .map(|job| idp.import_job_type(job))
                .collect(),
        ),
        pagination_token: paging::seal_next(&idp.seal, &scope, page.next),
    })
}
