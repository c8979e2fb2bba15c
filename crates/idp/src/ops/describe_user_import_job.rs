use cognate_awsjson::RequestContext;
use cognate_model::idp::{DescribeUserImportJobRequest, DescribeUserImportJobResponse};

use crate::Idp;
use crate::errors::Result;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: DescribeUserImportJobRequest,
) -> Result<DescribeUserImportJobResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let job = idp.import_job(&pool, &input.job_id).await?;
    Ok(DescribeUserImportJobResponse {
        user_import_job: Some(idp.import_job_type(&job)),
    })
}
