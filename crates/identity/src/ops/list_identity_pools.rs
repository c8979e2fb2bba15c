use cognate_awsjson::RequestContext;
use cognate_idp::paging;
use cognate_model::identity::{
    IdentityPoolShortDescription, ListIdentityPoolsInput, ListIdentityPoolsResponse,
};

use crate::Identity;
use crate::errors::{Result, internal};

const SCOPE: &str = "identity-pools";

pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: ListIdentityPoolsInput,
) -> Result<ListIdentityPoolsResponse> {
    let after = input
        .next_token
        .as_deref()
        .map(|token| paging::open(&identity.seal, SCOPE, token))
        .transpose()?;
    let page = identity
        .store
        .list_identity_pools(after.as_deref(), input.max_results.max(1) as usize)
        .await
        .map_err(internal)?;
    Ok(ListIdentityPoolsResponse {
        identity_pools: Some(
            page.items
                .iter()
                .map(|pool| IdentityPoolShortDescription {
                    identity_pool_id: Some(pool.id.clone()),
                    identity_pool_name: Some(pool.name.clone()),
                })
                .collect(),
        ),
        next_token: page
            .next
            .map(|last| paging::seal(&identity.seal, SCOPE, &last)),
    })
}
