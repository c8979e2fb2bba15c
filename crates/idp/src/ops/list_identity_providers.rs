use cognate_awsjson::RequestContext;
use cognate_model::idp::{
    ListIdentityProvidersRequest, ListIdentityProvidersResponse, ProviderDescription,
};

use crate::errors::{Result, internal};
use crate::federation::details::Kind;
use crate::{Idp, paging};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: ListIdentityProvidersRequest,
) -> Result<ListIdentityProvidersResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let scope = format!("identity-providers/{}", pool.id);
    let after = paging::open_after(&idp.seal, &scope, input.next_token.as_deref())?;
    let page = idp
        .store
        .list_identity_providers(
            &pool.id,
            after.as_deref(),
            paging::page_limit(input.max_results),
        )
        .await
        .map_err(internal)?;
    let providers = page
        .items
        .iter()
        .map(|provider| ProviderDescription {
            provider_name: Some(provider.name.clone()),
            provider_type: Kind::named(&provider.provider_type).map(Kind::wire),
            last_modified_date: Some(provider.last_modified_at.epoch_seconds()),
            creation_date: Some(provider.created_at.epoch_seconds()),
        })
        .collect();
    Ok(ListIdentityProvidersResponse {
        providers,
        next_token: paging::seal_next(&idp.seal, &scope, page.next),
    })
}
