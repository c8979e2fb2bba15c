use cognate_awsjson::RequestContext;
use cognate_model::Empty;
use cognate_model::identity::UnlinkIdentityInput;

use crate::errors::{OrNotFound, Result, identity_not_found, internal, not_authorized};
use crate::logins::LOGINS_MISMATCH;
use crate::{Identity, disabled};

/// Removes logins from an identity; the caller proves it holds the identity with its logins.
/// Removing the last one disables the identity (AWS: it becomes inaccessible).
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
        .filter_map(|name| identity.login_provider(name))
        .collect();
    let remaining = identity
        .store
        .list_logins(&record.id)
        .await
        .map_err(internal)?
        .iter()
        .filter(|login| !disabled::is_mark(login) && !providers.contains(&login.provider))
        .count();
    identity
        .unlink_maybe_last(&record, remaining, || async {
            identity
                .store
                .unlink_logins(&record.id, &providers)
                .await
                .or_not_found(|| identity_not_found(&record.id))
                .map(drop)
        })
        .await?;
    Ok(Empty {})
}
