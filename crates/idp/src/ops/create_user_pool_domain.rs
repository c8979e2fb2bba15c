//! CreateUserPoolDomain: a prefix domain (AWS's prefix rules) or, with CustomDomainConfig, a
//! custom domain; names are unique across pools (a unique index, not a lookup).

use cognate_awsjson::RequestContext;
use cognate_domain::hosted::UserPoolDomain;
use cognate_model::idp::{CreateUserPoolDomainRequest, CreateUserPoolDomainResponse};

use crate::Idp;
use crate::errors::Result;
use crate::hosted::domains;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: CreateUserPoolDomainRequest,
) -> Result<CreateUserPoolDomainResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let certificate_arn = input.custom_domain_config.map(|c| c.certificate_arn);
    match &certificate_arn {
        Some(arn) => domains::check_certificate(arn)?,
        None => domains::check_prefix(&input.domain)?,
    }
    let domain = UserPoolDomain {
        domain: input.domain,
        pool_id: pool.id,
        certificate_arn,
        managed_login_version: domains::managed_login_version(input.managed_login_version)?,
        created_at: idp.clock.now(),
    };
    idp.store
        .create_domain(&domain)
        .await
        .map_err(domains::write_error)?;
    Ok(CreateUserPoolDomainResponse {
        managed_login_version: Some(domain.managed_login_version),
        cloud_front_domain: domain
            .is_custom()
            .then(|| domains::cloudfront_domain(&domain)),
    })
}
