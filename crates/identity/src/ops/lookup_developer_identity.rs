use cognate_awsjson::RequestContext;
use cognate_model::identity::{LookupDeveloperIdentityInput, LookupDeveloperIdentityResponse};

use crate::Identity;
use crate::developer::{developer_login, developer_provider};
use crate::errors::{Result, identity_not_found, internal, invalid_parameter};

/// The identity of a developer user, or the developer users of an identity.
pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: LookupDeveloperIdentityInput,
) -> Result<LookupDeveloperIdentityResponse> {
    let pool = identity.identity_pool(&input.identity_pool_id).await?;
    let provider = developer_provider(&pool, None)?;
    let identity_id = match (&input.identity_id, &input.developer_user_identifier) {
        (_, Some(user)) => {
            let login = developer_login(&pool, &provider, user)?;
            let bound = identity
                .store
                .find_identity_by_login(&login)
                .await
                .map_err(internal)?
                .ok_or_else(|| identity_not_found(user))?;
            if input
                .identity_id
                .as_ref()
                .is_some_and(|asked| *asked != bound.id)
            {
                return Err(identity_not_found(user));
            }
            bound.id
        }
        (Some(asked), None) => {
            let record = identity.identity(asked).await?;
            if record.pool_id != pool.id {
                return Err(identity_not_found(asked));
            }
            record.id
        }
        (None, None) => {
            return Err(invalid_parameter(
                "Either IdentityId or DeveloperUserIdentifier must be given.",
            ));
        }
    };
    let users = identity
        .store
        .list_logins(&identity_id)
        .await
        .map_err(internal)?
        .into_iter()
        .filter(|login| login.provider == provider)
        .map(|login| login.subject)
        .collect();
    Ok(LookupDeveloperIdentityResponse {
        identity_id: Some(identity_id),
        developer_user_identifier_list: Some(users),
        next_token: None,
    })
}
