use cognate_awsjson::RequestContext;
use cognate_domain::schema;
use cognate_model::idp::{AddCustomAttributesRequest, AddCustomAttributesResponse};

use crate::errors::{OrNotFound, Result, invalid_parameter, pool_not_found};
use crate::{Idp, pools};

/// AWS allows at most 50 custom attributes per pool.
const MAX_CUSTOM_ATTRIBUTES: usize = 50;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AddCustomAttributesRequest,
) -> Result<AddCustomAttributesResponse> {
    let mut pool = idp.pool(&input.user_pool_id).await?;
    let inputs: Vec<_> = input
        .custom_attributes
        .iter()
        .map(pools::schema_input)
        .collect();
    schema::apply(&mut pool.schema, &inputs, true).map_err(invalid_parameter)?;
    if pool.schema.iter().filter(|a| a.is_custom()).count() > MAX_CUSTOM_ATTRIBUTES {
        return Err(invalid_parameter(format!(
            "A user pool can have at most {MAX_CUSTOM_ATTRIBUTES} custom attributes."
        )));
    }
    pool.last_modified_at = idp.clock.now();
    idp.store
        .update_pool(&pool)
        .await
        .or_not_found(|| pool_not_found(&input.user_pool_id))?;
    Ok(AddCustomAttributesResponse {})
}
