use cognate_awsjson::RequestContext;
use cognate_model::identity::{GetCredentialsForIdentityInput, GetCredentialsForIdentityResponse};

use crate::Identity;
use crate::errors::Result;
use crate::ops::principal_tags;

/// Credentials for the identity's role: the caller must hold a login bound to the identity,
/// or the identity must be unauthenticated in a pool that allows that. A guest identity given
/// logins signs in, and the identity it switched to answers (`crate::access`).
pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: GetCredentialsForIdentityInput,
) -> Result<GetCredentialsForIdentityResponse> {
    let record = identity.identity(&input.identity_id).await?;
    let pool = identity.identity_pool(&record.pool_id).await?;
    let authorized = identity
        .authorize_or_switch(&pool, &record, input.logins.as_ref())
        .await?;
    let (record, login) = (authorized.identity, authorized.login);
    let role = identity.resolve_role(&pool, login.as_ref(), input.custom_role_arn.as_deref())?;
    let tags = login
        .as_ref()
        .map(|login| principal_tags::tags_for(&pool, login))
        .unwrap_or_default();
    let credentials = identity.mint_credentials(&record, &role, tags)?;
    Ok(GetCredentialsForIdentityResponse {
        identity_id: Some(record.id),
        credentials: Some(credentials),
    })
}
