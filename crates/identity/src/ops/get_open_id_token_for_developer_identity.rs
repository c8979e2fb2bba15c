use cognate_awsjson::RequestContext;
use cognate_domain::StoreError;
use cognate_domain::identity::Identity as IdentityRecord;
use cognate_model::identity::{
    ErrorCode, GetOpenIdTokenForDeveloperIdentityInput, GetOpenIdTokenForDeveloperIdentityResponse,
};

use crate::Identity;
use crate::developer::{developer_login, developer_provider};
use crate::errors::{OrNotFound, Result, identity_not_found, internal, invalid_parameter};

/// Default and maximum lifetime of a developer identity's token (AWS: 15 minutes, 24 hours).
const DEFAULT_SECS: i64 = 900;
const MAX_SECS: i64 = 86_400;

/// Registers (or finds) the developer's user as an identity and returns an OpenID token for
/// it. With IdentityId, the user is linked to that identity.
pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: GetOpenIdTokenForDeveloperIdentityInput,
) -> Result<GetOpenIdTokenForDeveloperIdentityResponse> {
    let pool = identity.identity_pool(&input.identity_pool_id).await?;
    let provider = developer_provider(&pool, None)?;
    let user = input.logins.get(&provider).ok_or_else(|| {
        invalid_parameter(format!(
            "Logins must contain the pool's developer provider {provider}."
        ))
    })?;
    if input.logins.len() > 1 {
        return Err(invalid_parameter(
            "Only the developer provider's login is supported in Logins by Cognate.",
        ));
    }
    let secs = input.token_duration.unwrap_or(DEFAULT_SECS);
    if !(1..=MAX_SECS).contains(&secs) {
        return Err(invalid_parameter(
            "TokenDuration must be between 1 and 86400 seconds.",
        ));
    }
    let login = developer_login(&pool, &provider, user)?;
    let bound = identity
        .store
        .find_identity_by_login(&login)
        .await
        .map_err(internal)?;
    let record = match (bound, input.identity_id.as_deref()) {
        (Some(bound), Some(asked)) if bound.id != asked => {
            return Err(ErrorCode::ResourceConflictException
                .msg("The developer user identifier is already linked to another identity."));
        }
        (Some(bound), _) => bound,
        (None, Some(asked)) => {
            let target = identity.identity(asked).await?;
            if target.pool_id != pool.id {
                return Err(identity_not_found(asked));
            }
            identity
                .store
                .link_login(asked, &login)
                .await
                .or_not_found(|| identity_not_found(asked))?
        }
        (None, None) => {
            let now = identity.clock.now();
            let new = IdentityRecord {
                id: format!("{}:{}", pool.region(), uuid::Uuid::new_v4()),
                pool_id: pool.id.clone(),
                logins: vec![provider.clone()],
                created_at: now,
                last_modified_at: now,
            };
            identity
                .store
                .create_identity(&new, Some(&login))
                .await
                .map_err(|error| match error {
                    StoreError::Conflict { .. } => ErrorCode::ResourceConflictException
                        .msg("The developer user identifier is already linked."),
                    other => internal(other),
                })?
        }
    };
    let token = identity
        .open_id_token_for(&record, &[(provider, user.to_string())], secs)
        .await?;
    Ok(GetOpenIdTokenForDeveloperIdentityResponse {
        identity_id: Some(record.id),
        token: Some(token.into()),
    })
}
