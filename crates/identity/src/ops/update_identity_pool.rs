use cognate_awsjson::RequestContext;
use cognate_model::identity::IdentityPool;

use crate::errors::{OrNotFound, Result, invalid_parameter, pool_not_found};
use crate::pools::{self, MAX_TAGS};
use crate::{Identity, ops::validate};

/// Replaces the pool's configuration (AWS: settings left out are cleared); tags change only
/// when given.
pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: IdentityPool,
) -> Result<IdentityPool> {
    let mut pool = identity.identity_pool(&input.identity_pool_id).await?;
    validate::providers(&identity, &input)?;
    if let Some(tags) = &input.identity_pool_tags {
        if tags.len() > MAX_TAGS {
            return Err(invalid_parameter(format!(
                "A resource can have at most {MAX_TAGS} tags."
            )));
        }
        pool.tags = tags.clone();
    }
    pool.name = input.identity_pool_name.clone();
    pool.config = pools::config_of(&input)?;
    pool.last_modified_at = identity.clock.now();
    identity
        .store
        .update_identity_pool(&pool)
        .await
        .or_not_found(|| pool_not_found(&input.identity_pool_id))?;
    Ok(pools::wire_pool(&pool))
}
