use cognate_awsjson::RequestContext;
use cognate_model::identity::{MergeDeveloperIdentitiesInput, MergeDeveloperIdentitiesResponse};

use crate::developer::{developer_login, developer_provider};
use crate::errors::{OrNotFound, Result, identity_not_found, internal};
use crate::{Identity, disabled};

/// Moves the source developer user onto the destination user's identity; a source identity
/// left without logins is disabled.
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
    let from = identity
        .store
        .find_identity_by_login(&source)
        .await
        .map_err(internal)?
        .ok_or_else(|| identity_not_found(&input.source_user_identifier))?;
    if from.id != target.id {
        // The source identity left without a login is disabled, as after an unlink.
        let remaining = identity
            .store
            .list_logins(&from.id)
            .await
            .map_err(internal)?
            .iter()
            .filter(|login| !disabled::is_mark(login) && **login != source)
            .count();
        identity
            .unlink_maybe_last(&from, remaining, || async {
                identity
                    .store
                    .move_login(&source, &target.id)
                    .await
                    .or_not_found(|| identity_not_found(&input.source_user_identifier))
                    .map(drop)
            })
            .await?;
    }
    Ok(MergeDeveloperIdentitiesResponse {
        identity_id: Some(target.id),
    })
}
