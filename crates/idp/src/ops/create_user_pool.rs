use cognate_awsjson::RequestContext;
use cognate_crypto::secrets::random_pool_suffix;
use cognate_domain::StoreError;
use cognate_domain::ids::UserPoolId;
use cognate_model::idp::{CreateUserPoolRequest, CreateUserPoolResponse};

use crate::errors::{Result, internal};
use crate::{Idp, pools, signing};

pub async fn handle(
    idp: Idp,
    ctx: RequestContext,
    input: CreateUserPoolRequest,
) -> Result<CreateUserPoolResponse> {
    // The pool lives in the caller's region: its id, ARN and token issuer all name it.
    let region = ctx.region(&idp.config.region);
    let id = UserPoolId::new(format!("{region}_{}", random_pool_suffix()));
    create(&idp, id, &input).await
}

/// CreateUserPool under a given id (a seed file's fixed one).
pub(crate) async fn create(
    idp: &Idp,
    id: UserPoolId,
    input: &CreateUserPoolRequest,
) -> Result<CreateUserPoolResponse> {
    let now = idp.clock.now();
    let pool = pools::new_pool(id, input, now)?;
    // Keys the buffer does not have now are generated on the pool's first use (JWKS, tokens):
    // generating them here, or queueing one background generation per pool, would make a burst
    // of creations cost minutes of CPU (and a slow shutdown) for pools that may never sign in.
    let keys = signing::prefilled_keys(idp, &pool.id, now);
    idp.store
        .create_pool(&pool, &keys)
        .await
        .map_err(|error| match error {
            StoreError::Conflict { .. } => internal(error),
            other => internal(other),
        })?;
    Ok(CreateUserPoolResponse {
        user_pool: Some(pools::wire_pool(&pool, &idp.config.account_id, 0)?),
    })
}
