use cognate_awsjson::RequestContext;
use cognate_model::identity::{CreateIdentityPoolInput, IdentityPool};

use crate::errors::{Result, internal, invalid_parameter};
use crate::pools::{self, MAX_TAGS};
use crate::{Identity, ops::validate};

pub async fn handle(
    identity: Identity,
    ctx: RequestContext,
    input: CreateIdentityPoolInput,
) -> Result<IdentityPool> {
    // The pool lives in the caller's region, and so do its identities.
    let id = format!(
        "{}:{}",
        ctx.region(&identity.config.region),
        uuid::Uuid::new_v4()
    );
    create(&identity, id, input).await
}

/// CreateIdentityPool under a given id (a seed file's fixed one).
pub(crate) async fn create(
    identity: &Identity,
    id: String,
    input: CreateIdentityPoolInput,
) -> Result<IdentityPool> {
    let tags = input.identity_pool_tags.clone().unwrap_or_default();
    if tags.len() > MAX_TAGS {
        return Err(invalid_parameter(format!(
            "A resource can have at most {MAX_TAGS} tags."
        )));
    }
    let wire = IdentityPool {
        identity_pool_id: String::new(),
        identity_pool_name: input.identity_pool_name,
        allow_unauthenticated_identities: input.allow_unauthenticated_identities,
        allow_classic_flow: input.allow_classic_flow,
        supported_login_providers: input.supported_login_providers,
        developer_provider_name: input.developer_provider_name,
        open_id_connect_provider_arns: input.open_id_connect_provider_arns,
        cognito_identity_providers: input.cognito_identity_providers,
        saml_provider_arns: input.saml_provider_arns,
        identity_pool_tags: None,
    };
    validate::providers(identity, &wire)?;
    let pool = pools::new_pool(id, &wire, tags, identity.clock.now())?;
    identity
        .store
        .create_identity_pool(&pool)
        .await
        .map_err(internal)?;
    Ok(pools::wire_pool(&pool))
}
