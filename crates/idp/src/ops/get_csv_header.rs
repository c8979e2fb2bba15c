//! GetCSVHeader: the columns of an import file for the pool.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{GetCSVHeaderRequest, GetCSVHeaderResponse};

use crate::Idp;
use crate::errors::Result;
use crate::import::csv_header;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: GetCSVHeaderRequest,
) -> Result<GetCSVHeaderResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    Ok(GetCSVHeaderResponse {
        user_pool_id: Some(pool.id.to_string()),
        csv_header: Some(csv_header(&pool)),
    })
}
