use cognate_awsjson::RequestContext;
use cognate_model::idp::{
    ListUserPoolClientsRequest, ListUserPoolClientsResponse, UserPoolClientDescription,
};

use crate::errors::{Result, internal};
use crate::{Idp, paging};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: ListUserPoolClientsRequest,
) -> Result<ListUserPoolClientsResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let scope = format!("clients/{}", pool.id);
    let after = input
        .next_token
        .as_deref()
        .map(|t| paging::decode(&scope, t))
        .transpose()?;
    let limit = input.max_results.unwrap_or(60).clamp(1, 60) as usize;
    let page = idp
        .store
        .list_clients(&pool.id, after.as_deref(), limit)
        .await
        .map_err(internal)?;
    let user_pool_clients = page
        .items
        .iter()
        .map(|client| UserPoolClientDescription {
            client_id: Some(client.client_id.to_string().into()),
            user_pool_id: Some(client.pool_id.to_string()),
            client_name: Some(client.name.clone()),
        })
        .collect();
    Ok(ListUserPoolClientsResponse {
        user_pool_clients: Some(user_pool_clients),
        next_token: page.next.map(|last| paging::encode(&scope, &last)),
    })
}
