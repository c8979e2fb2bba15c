use cognate_awsjson::RequestContext;
use cognate_domain::StoreError;
use cognate_domain::identity::{Identity as IdentityRecord, IdentityPool};
use cognate_model::identity::{GetIdInput, GetIdResponse};

use crate::access::UNAUTHENTICATED_REFUSED;
use crate::errors::{Result, internal, not_authorized, pool_not_found};
use crate::logins::VerifiedLogin;
use crate::{Identity, pools};

/// An identity for the caller: a new unauthenticated one, or the one bound to the logins (made
/// on first use; logins given together are linked to it). The same user's tokens always give
/// the same identity.
pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: GetIdInput,
) -> Result<GetIdResponse> {
    let pool = identity.identity_pool(&input.identity_pool_id).await?;
    let logins = input.logins.unwrap_or_default();
    let verified = identity.verify_logins(&pool, &logins).await?;
    if verified.is_empty() && !pools::allows_unauthenticated(&pool) {
        return Err(not_authorized(UNAUTHENTICATED_REFUSED));
    }
    let bindings = identity.bindings(&pool, &verified).await?;
    let mut unbound = bindings.unbound;
    let record = match bindings.holder {
        Some(holder) => holder,
        None => {
            let first = (!unbound.is_empty()).then(|| unbound.remove(0));
            create(&identity, &pool, first).await?
        }
    };
    let record = identity.link_logins(&pool, record, &unbound).await?;
    Ok(GetIdResponse {
        identity_id: Some(record.id),
    })
}

/// A new identity bound to `login`, or the one a racing request bound it to first.
async fn create(
    identity: &Identity,
    pool: &IdentityPool,
    login: Option<&VerifiedLogin>,
) -> Result<IdentityRecord> {
    let now = identity.clock.now();
    let new = IdentityRecord {
        id: format!("{}:{}", pool.region(), uuid::Uuid::new_v4()),
        pool_id: pool.id.clone(),
        logins: login
            .map(|login| vec![login.provider.clone()])
            .unwrap_or_default(),
        created_at: now,
        last_modified_at: now,
    };
    let login = login.map(|login| login.login(&pool.id));
    identity
        .store
        .create_identity(&new, login.as_ref())
        .await
        .map_err(|error| match error {
            StoreError::NotFound => pool_not_found(&pool.id),
            other => internal(other),
        })
}
