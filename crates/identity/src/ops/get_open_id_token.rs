use cognate_awsjson::RequestContext;
use cognate_model::identity::{GetOpenIdTokenInput, GetOpenIdTokenResponse};

use crate::Identity;
use crate::errors::Result;

/// An OpenID token from Cognate's identity issuer for the identity (the classic flow hands it
/// to STS AssumeRoleWithWebIdentity).
pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: GetOpenIdTokenInput,
) -> Result<GetOpenIdTokenResponse> {
    let record = identity.identity(&input.identity_id).await?;
    let pool = identity.identity_pool(&record.pool_id).await?;
    let authorized = identity
        .authorize_or_switch(&pool, &record, input.logins.as_ref())
        .await?;
    let (record, login) = (authorized.identity, authorized.login);
    let subjects: Vec<(String, String)> = login
        .into_iter()
        .map(|login| (login.provider, login.subject))
        .collect();
    let token = identity.open_id_token(&record, &subjects).await?;
    Ok(GetOpenIdTokenResponse {
        identity_id: Some(record.id),
        token: Some(token.into()),
    })
}
