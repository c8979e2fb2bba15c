//! UpdateUserPoolDomain: a new certificate for a custom domain, or a new ManagedLoginVersion.

use cognate_awsjson::RequestContext;
use cognate_domain::StoreError;
use cognate_model::idp::{UpdateUserPoolDomainRequest, UpdateUserPoolDomainResponse};

use crate::Idp;
use crate::errors::{OrNotFound, Result, internal, invalid_parameter};
use crate::hosted::domains;

fn no_such_domain() -> cognate_awsjson::ApiError {
    invalid_parameter("No such domain or user pool exists.")
}

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: UpdateUserPoolDomainRequest,
) -> Result<UpdateUserPoolDomainResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let mut domain = match idp.store.get_domain(&input.domain).await {
        Ok(domain) if domain.pool_id == pool.id => domain,
        Ok(_) | Err(StoreError::NotFound) => return Err(no_such_domain()),
        Err(other) => return Err(internal(other)),
    };
    match (input.custom_domain_config, domain.is_custom()) {
        (Some(config), true) => {
            domains::check_certificate(&config.certificate_arn)?;
            domain.certificate_arn = Some(config.certificate_arn);
        }
        (Some(_), false) => {
            return Err(invalid_parameter(
                "User pool should have a custom domain associated, failed to update the certificate.",
            ));
        }
        (None, _) => {}
    }
    if let Some(version) = input.managed_login_version {
        domain.managed_login_version = domains::managed_login_version(Some(version))?;
    }
    idp.store
        .update_domain(&domain)
        .await
        .or_not_found(no_such_domain)?;
    Ok(UpdateUserPoolDomainResponse {
        managed_login_version: Some(domain.managed_login_version),
        cloud_front_domain: domain
            .is_custom()
            .then(|| domains::cloudfront_domain(&domain)),
    })
}
