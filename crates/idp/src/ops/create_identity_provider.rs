//! CreateIdentityProvider: a provider of the pool with its checked details (an OIDC provider's
//! endpoints found by discovery when not given), attribute mapping and identifiers.

use cognate_awsjson::RequestContext;
use cognate_domain::federation::IdentityProvider;
use cognate_model::idp::{CreateIdentityProviderRequest, CreateIdentityProviderResponse};

use crate::Idp;
use crate::errors::Result;
use crate::federation::details::Kind;
use crate::federation::{attribute_mapping, check_name, identifiers, write_error};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: CreateIdentityProviderRequest,
) -> Result<CreateIdentityProviderResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let kind = Kind::of(input.provider_type)?;
    check_name(kind, &input.provider_name)?;
    let mapping = attribute_mapping(&pool, kind, input.attribute_mapping)?;
    let identifiers = identifiers(input.idp_identifiers)?;
    idp.check_identifiers_free(&pool.id, &input.provider_name, &identifiers)
        .await?;
    idp.check_provider_quota(&pool.id).await?;
    let details = idp.provider_details(kind, input.provider_details).await?;
    let now = idp.clock.now();
    let mut provider = IdentityProvider {
        pool_id: pool.id.clone(),
        name: input.provider_name,
        provider_type: kind.as_str().to_string(),
        details: Default::default(),
        sealed_details: Default::default(),
        attribute_mapping: mapping,
        identifiers,
        created_at: now,
        last_modified_at: now,
    };
    idp.seal_details(&mut provider, kind, details);
    idp.store
        .create_identity_provider(&provider)
        .await
        .map_err(|error| write_error(error, &provider))?;
    Ok(CreateIdentityProviderResponse {
        identity_provider: idp.wire_provider(&provider)?,
    })
}
