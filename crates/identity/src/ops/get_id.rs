use cognate_awsjson::RequestContext;
use cognate_domain::StoreError;
use cognate_domain::identity::Identity as IdentityRecord;
use cognate_model::identity::{GetIdInput, GetIdResponse};

use crate::access::UNAUTHENTICATED_REFUSED;
use crate::errors::{Result, internal, not_authorized, pool_not_found};
use crate::{Identity, pools};

/// An identity for the caller: a new unauthenticated one, or the one bound to the login (made
/// on first use). The same user's tokens always give the same identity.
pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: GetIdInput,
) -> Result<GetIdResponse> {
    let pool = identity.identity_pool(&input.identity_pool_id).await?;
    let logins = input.logins.unwrap_or_default();
    let verified = identity.verify_logins(&pool, &logins).await?;
    let first = verified.first();
    if first.is_none() && !pools::allows_unauthenticated(&pool) {
        return Err(not_authorized(UNAUTHENTICATED_REFUSED));
    }
    let now = identity.clock.now();
    let new = IdentityRecord {
        id: format!("{}:{}", identity.config.region, uuid::Uuid::new_v4()),
        pool_id: pool.id.clone(),
        logins: first
            .map(|login| vec![login.provider.clone()])
            .unwrap_or_default(),
        created_at: now,
        last_modified_at: now,
    };
    let login = first.map(|login| login.login(&pool.id));
    let stored = identity
        .store
        .create_identity(&new, login.as_ref())
        .await
        .map_err(|error| match error {
            StoreError::NotFound => pool_not_found(&pool.id),
            other => internal(other),
        })?;
    Ok(GetIdResponse {
        identity_id: Some(stored.id),
    })
}
