//! DescribeUserPoolDomain: as on AWS, a domain that does not exist is described empty.

use cognate_awsjson::RequestContext;
use cognate_domain::StoreError;
use cognate_model::idp::{
    DescribeUserPoolDomainRequest, DescribeUserPoolDomainResponse, DomainDescriptionType,
};

use crate::Idp;
use crate::errors::{Result, internal};
use crate::hosted::domains;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: DescribeUserPoolDomainRequest,
) -> Result<DescribeUserPoolDomainResponse> {
    let description = match idp.store.get_domain(&input.domain).await {
        Ok(domain) => domains::description(&idp, &domain),
        Err(StoreError::NotFound) => DomainDescriptionType::default(),
        Err(other) => return Err(internal(other)),
    };
    Ok(DescribeUserPoolDomainResponse {
        domain_description: Some(description),
    })
}
