//! User pool domains: AWS's prefix rules, one prefix and one custom domain per pool, names unique
//! across every pool, and the `DomainDescriptionType` they are described with.

use cognate_awsjson::ApiError;
use cognate_domain::StoreError;
use cognate_domain::hosted::{DOMAINS_DOMAIN_KEY, DOMAINS_POOL_KIND_KEY, UserPoolDomain};
use cognate_model::idp as wire;

use crate::Idp;
use crate::errors::{internal, invalid_parameter};

/// Words AWS keeps out of prefix domains.
const RESERVED_WORDS: &[&str] = &["aws", "amazon", "cognito"];

/// A prefix domain may not contain AWS's reserved words (the model's pattern already allows
/// only lowercase letters, digits and inner hyphens). The pinned model applies the same pattern
/// to custom domains, so a dotted custom domain is refused before it gets here.
pub fn check_prefix(domain: &str) -> Result<(), ApiError> {
    match RESERVED_WORDS.iter().find(|word| domain.contains(*word)) {
        Some(word) => Err(invalid_parameter(format!(
            "Domain cannot contain reserved word: {word}"
        ))),
        None => Ok(()),
    }
}

pub fn write_error(error: StoreError) -> ApiError {
    match error {
        StoreError::Conflict { constraint } if constraint == DOMAINS_DOMAIN_KEY => {
            invalid_parameter("Domain already associated with another user pool.")
        }
        StoreError::Conflict { constraint } if constraint == DOMAINS_POOL_KIND_KEY => {
            invalid_parameter("User pool already has a domain configured.")
        }
        other => internal(other),
    }
}

/// The CloudFront distribution AWS would front the domain with; Cognate serves every domain
/// itself, so this only has AWS's shape.
pub fn cloudfront_domain(domain: &UserPoolDomain) -> String {
    let digest = cognate_crypto::secrets::sha256_hex(domain.domain.as_bytes());
    format!("d{}.cloudfront.net", &digest[..13])
}

pub fn description(idp: &Idp, domain: &UserPoolDomain) -> wire::DomainDescriptionType {
    let region = domain.pool_id.region().to_string();
    wire::DomainDescriptionType {
        user_pool_id: Some(domain.pool_id.to_string()),
        aws_account_id: Some(idp.config.account_id.clone()),
        domain: Some(domain.domain.clone()),
        s3_bucket: Some(format!("aws-cognito-prod-{region}-assets")),
        cloud_front_distribution: Some(cloudfront_domain(domain)),
        version: Some(domain.created_at.millis().to_string()),
        status: Some(wire::DomainStatusType::Active),
        custom_domain_config: domain.certificate_arn.as_ref().map(|arn| {
            wire::CustomDomainConfigType {
                certificate_arn: arn.clone(),
            }
        }),
        managed_login_version: Some(domain.managed_login_version),
    }
}

/// `ManagedLoginVersion`: 1 (classic hosted UI, the default) or 2 (managed login).
pub fn managed_login_version(given: Option<i32>) -> Result<i32, ApiError> {
    match given.unwrap_or(1) {
        version @ (1 | 2) => Ok(version),
        _ => Err(invalid_parameter("ManagedLoginVersion must be 1 or 2.")),
    }
}
