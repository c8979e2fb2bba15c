use cognate_awsjson::RequestContext;
use cognate_model::identity::{MergeDeveloperIdentitiesInput, MergeDeveloperIdentitiesResponse};

use crate::Identity;
use crate::developer::{developer_login, developer_provider};
use crate::errors::{OrNotFound, Result, identity_not_found, internal};

/// Moves the source developer user onto the destination user's identity.
pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: MergeDeveloperIdentitiesInput,
) -> Result<MergeDeveloperIdentitiesResponse> {
    let pool = identity.identity_pool(&input.identity_pool_id).await?;
    let provider = developer_provider(&pool, Some(&input.developer_provider_name))?;
    let source = developer_login(&pool, &provider, &input.source_user_identifier)?;
    let destination = developer_login(&pool, &provider, &input.destination_user_identifier)?;
    let target = identity
        .store
        .find_identity_by_login(&destination)
        .await
        .map_err(internal)?
        .ok_or_else(|| identity_not_found(&input.destination_user_identifier))?;
    let merged = identity
        .store
        .move_login(&source, &target.id)
        .await
        .or_not_found(|| identity_not_found(&input.source_user_identifier))?;
    Ok(MergeDeveloperIdentitiesResponse {
        identity_id: Some(merged.id),
    })
}
