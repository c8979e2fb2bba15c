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

/// The shape of a prefix domain (the model's own pattern for DomainType): one label of lowercase
/// letters, digits and inner hyphens. The generic check lets dotted names through, for custom
/// domains.
const PREFIX_PATTERN: &str = r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$";

/// A prefix domain (no CustomDomainConfig): one label, as AWS words the refusal of anything
/// else, and none of AWS's reserved words.
pub fn check_prefix(domain: &str) -> Result<(), ApiError> {
    let one_label = !domain.is_empty()
        && domain
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !domain.starts_with('-')
        && !domain.ends_with('-');
    if !one_label {
        return Err(invalid_parameter(format!(
            "The domain name contains an invalid character. Domain names can only contain \
             lower-case letters, numbers, and hyphens. Please enter a different name that follows \
             this format: {PREFIX_PATTERN}"
        )));
    }
    match RESERVED_WORDS.iter().find(|word| domain.contains(*word)) {
        Some(word) => Err(invalid_parameter(format!(
            "Domain cannot contain reserved word: {word}"
        ))),
        None => Ok(()),
    }
}

/// A custom domain's certificate: AWS fronts the domain with CloudFront, which takes ACM
/// certificates from us-east-1 only. Cognate serves the domain itself and cannot look the
/// certificate up, so it checks what the ARN says.
pub fn check_certificate(arn: &str) -> Result<(), ApiError> {
    let mut parts = arn.splitn(6, ':');
    let (arn_word, _partition, service, region) =
        (parts.next(), parts.next(), parts.next(), parts.next());
    let resource = parts.nth(1).unwrap_or_default();
    let acm_in_us_east_1 = arn_word == Some("arn")
        && service == Some("acm")
        && region == Some("us-east-1")
        && resource.starts_with("certificate/");
    if acm_in_us_east_1 {
        return Ok(());
    }
    Err(invalid_parameter(
        "The specified SSL certificate doesn't exist, isn't in us-east-1 region, isn't valid, or \
         doesn't include a valid certificate chain.",
    ))
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
