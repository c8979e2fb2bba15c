use cognate_awsjson::RequestContext;
use cognate_model::idp::{ListUserPoolsRequest, ListUserPoolsResponse, UserPoolDescriptionType};
use serde_json::Value;

use crate::errors::{Result, internal};
use crate::{Idp, paging};

const SCOPE: &str = "user-pools";

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: ListUserPoolsRequest,
) -> Result<ListUserPoolsResponse> {
    let after = input
        .next_token
        .as_deref()
        .map(|t| paging::decode(SCOPE, t))
        .transpose()?;
    let page = idp
        .store
        .list_pools(after.as_deref(), input.max_results.max(1) as usize)
        .await
        .map_err(internal)?;
    let user_pools = page
        .items
        .iter()
        .map(|pool| UserPoolDescriptionType {
            id: Some(pool.id.to_string()),
            name: Some(pool.name.clone()),
            lambda_config: pool
                .settings
                .get("LambdaConfig")
                .cloned()
                .and_then(|v: Value| serde_json::from_value(v).ok()),
            creation_date: Some(pool.created_at.epoch_seconds()),
            last_modified_date: Some(pool.last_modified_at.epoch_seconds()),
            ..Default::default()
        })
        .collect();
    Ok(ListUserPoolsResponse {
        user_pools: Some(user_pools),
        next_token: page.next.map(|last| paging::encode(SCOPE, &last)),
    })
}
