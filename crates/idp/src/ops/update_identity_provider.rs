//! UpdateIdentityProvider: the given details over the stored ones (an OIDC provider whose
//! issuer changes has its endpoints discovered again, unless given), and the mapping and
//! identifiers replaced when given.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{UpdateIdentityProviderRequest, UpdateIdentityProviderResponse};

use crate::Idp;
use crate::errors::Result;
use crate::federation::details::{Kind, saml_unsupported};
use crate::federation::saml;
use crate::federation::{attribute_mapping, identifiers, write_error};

/// Endpoints an earlier discovery found: stale once the issuer changes.
const DISCOVERED: [&str; 4] = ["authorize_url", "token_url", "attributes_url", "jwks_uri"];

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: UpdateIdentityProviderRequest,
) -> Result<UpdateIdentityProviderResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let mut provider = idp
        .identity_provider(&pool.id, &input.provider_name)
        .await?;
    let kind = Kind::named(&provider.provider_type).ok_or_else(saml_unsupported)?;
    if let Some(given) = input.provider_details {
        let mut details = idp.opened_details(&provider)?;
        let issuer_changes = given
            .get("oidc_issuer")
            .is_some_and(|issuer| details.get("oidc_issuer") != Some(issuer));
        if issuer_changes {
            for key in DISCOVERED {
                details.remove(key);
            }
        }
        if kind == Kind::Saml {
            saml::replace_metadata(&mut details, &given);
        }
        details.extend(given);
        let details = idp.provider_details(kind, details).await?;
        idp.seal_details(&mut provider, kind, details);
    }
    if input.attribute_mapping.is_some() {
        provider.attribute_mapping = attribute_mapping(&pool, kind, input.attribute_mapping)?;
    }
    if input.idp_identifiers.is_some() {
        provider.identifiers = identifiers(input.idp_identifiers)?;
        idp.check_identifiers_free(&pool.id, &provider.name, &provider.identifiers)
            .await?;
    }
    provider.last_modified_at = idp.clock.now();
    idp.store
        .update_identity_provider(&provider)
        .await
        .map_err(|error| write_error(error, &provider))?;
    Ok(UpdateIdentityProviderResponse {
        identity_provider: idp.wire_provider(&provider)?,
    })
}
