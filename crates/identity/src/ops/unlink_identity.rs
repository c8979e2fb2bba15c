use cognate_awsjson::RequestContext;
use cognate_model::Empty;
use cognate_model::identity::UnlinkIdentityInput;

use crate::Identity;
use crate::errors::{OrNotFound, Result, identity_not_found, not_authorized};
use crate::logins::LOGINS_MISMATCH;

/// Removes logins from an identity; the caller proves it holds the identity with its logins.
pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: UnlinkIdentityInput,
) -> Result<Empty> {
    let record = identity.identity(&input.identity_id).await?;
    let pool = identity.identity_pool(&record.pool_id).await?;
    if input.logins.is_empty() {
        return Err(not_authorized(LOGINS_MISMATCH));
    }
    identity
        .authorize(&pool, &record, Some(&input.logins))
        .await?;
    let providers: Vec<String> = input
        .logins_to_remove
        .iter()
        .filter_map(|name| identity.canonical_provider(name))
        .collect();
    identity
        .store
        .unlink_logins(&record.id, &providers)
        .await
        .or_not_found(|| identity_not_found(&record.id))?;
    Ok(Empty {})
}
