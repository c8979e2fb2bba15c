use cognate_awsjson::RequestContext;
use cognate_model::Empty;
use cognate_model::identity::UnlinkDeveloperIdentityInput;

use crate::developer::{developer_login, developer_provider};
use crate::errors::{OrNotFound, Result, identity_not_found, internal};
use crate::{Identity, disabled};

/// Removing the identity's last login disables it (AWS: it becomes inaccessible).
pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: UnlinkDeveloperIdentityInput,
) -> Result<Empty> {
    let pool = identity.identity_pool(&input.identity_pool_id).await?;
    let provider = developer_provider(&pool, Some(&input.developer_provider_name))?;
    let login = developer_login(&pool, &provider, &input.developer_user_identifier)?;
    let record = identity.identity(&input.identity_id).await?;
    let remaining = identity
        .store
        .list_logins(&record.id)
        .await
        .map_err(internal)?
        .iter()
        .filter(|other| !disabled::is_mark(other) && **other != login)
        .count();
    identity
        .unlink_maybe_last(&record, remaining, || async {
            identity
                .store
                .remove_login(&record.id, &login)
                .await
                .or_not_found(|| identity_not_found(&record.id))
                .map(drop)
        })
        .await?;
    Ok(Empty {})
}
