use cognate_awsjson::RequestContext;
use cognate_idp::paging;
use cognate_model::identity::{ListIdentitiesInput, ListIdentitiesResponse};

use crate::errors::{Result, internal};
use crate::ops::identities::description;
use crate::{Identity, disabled};

pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: ListIdentitiesInput,
) -> Result<ListIdentitiesResponse> {
    let pool = identity.identity_pool(&input.identity_pool_id).await?;
    let hide_disabled = input.hide_disabled.unwrap_or(false);
    let scope = format!("identities/{}", pool.id);
    let after = input
        .next_token
        .as_deref()
        .map(|token| paging::open(&identity.seal, &scope, token))
        .transpose()?;
    let page = identity
        .store
        .list_identities(
            &pool.id,
            after.as_deref(),
            input.max_results.max(1) as usize,
        )
        .await
        .map_err(internal)?;
    Ok(ListIdentitiesResponse {
        identity_pool_id: Some(pool.id.clone()),
        identities: Some(
            page.items
                .iter()
                .filter(|listed| !(hide_disabled && disabled::is_disabled(listed)))
                .map(description)
                .collect(),
        ),
        next_token: page
            .next
            .map(|last| paging::seal(&identity.seal, &scope, &last)),
    })
}
