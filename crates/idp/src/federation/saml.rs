//! The `ProviderDetails` of a SAML provider, as AWS takes and echoes them: the IdP's metadata
//! as a document (`MetadataFile`) or a URL Cognate fetches (`MetadataURL`, its document then
//! kept and shown as `MetadataFile` too), the redirect-binding endpoints AWS adds
//! (`SSORedirectBindingURI`, `SLORedirectBindingURI`), and the options. Options Cognate does
//! not implement are refused, never ignored: encrypted assertions, IdP-initiated sign-in,
//! signed requests and IdP sign-out.

use cognate_model::idp::ErrorCode;
use cognate_outbound::saml::{IdpMetadata, MetadataError};

use super::details::Details;
use crate::Idp;
use crate::errors::{Result, invalid_parameter};

pub const METADATA_FILE: &str = "MetadataFile";
pub const METADATA_URL: &str = "MetadataURL";
pub const SSO_REDIRECT: &str = "SSORedirectBindingURI";
pub const SLO_REDIRECT: &str = "SLORedirectBindingURI";
/// The attribute name a sign-in gives the assertion's NameID (what `username` maps from).
pub const NAME_ID: &str = "NameID";

/// Every key a SAML provider's details may hold (the echoed ones too, so that a described
/// provider can be sent back as it is).
pub const KEYS: [&str; 8] = [
    METADATA_FILE,
    METADATA_URL,
    "IDPSignout",
    "IDPInit",
    "EncryptedResponses",
    "RequestSigningAlgorithm",
    SSO_REDIRECT,
    SLO_REDIRECT,
];

/// Options AWS offers that Cognate does not implement, with why; "false" is accepted.
const UNIMPLEMENTED: [(&str, &str); 3] = [
    (
        "EncryptedResponses",
        "Cognate does not decrypt encrypted SAML assertions; set EncryptedResponses to false.",
    ),
    (
        "IDPInit",
        "Cognate does not accept IdP-initiated SAML sign-in; set IDPInit to false.",
    ),
    (
        "IDPSignout",
        "Cognate does not send SAML logout requests to the IdP; set IDPSignout to false.",
    ),
];

/// The given details checked: a metadata source, booleans spelled as AWS spells them, and no
/// option Cognate would silently ignore.
pub fn check(given: &Details) -> Result<()> {
    let has = |key: &str| given.get(key).is_some_and(|value| !value.trim().is_empty());
    if !has(METADATA_FILE) && !has(METADATA_URL) {
        return Err(invalid_parameter(
            "At least one of the MetadataURL or MetadataFile should be provided.",
        ));
    }
    for (key, why) in UNIMPLEMENTED {
        match given.get(key).map(|value| value.to_ascii_lowercase()) {
            None => {}
            Some(value) if value == "false" => {}
            Some(value) if value == "true" => {
                return Err(ErrorCode::UnsupportedOperationException.msg(why));
            }
            Some(_) => return Err(invalid_parameter(format!("{key} must be true or false."))),
        }
    }
    if given.contains_key("RequestSigningAlgorithm") {
        return Err(ErrorCode::UnsupportedOperationException
            .msg("Cognate does not sign SAML requests; leave RequestSigningAlgorithm out."));
    }
    Ok(())
}

/// On update: a newly given metadata source replaces the stored one (and what came from it).
pub fn replace_metadata(stored: &mut Details, given: &Details) {
    if given.contains_key(METADATA_FILE) || given.contains_key(METADATA_URL) {
        for key in [METADATA_FILE, METADATA_URL, SSO_REDIRECT, SLO_REDIRECT] {
            stored.remove(key);
        }
    }
}

fn unusable(error: MetadataError) -> cognate_awsjson::ApiError {
    match error {
        MetadataError::Unsupported => super::details::saml_unsupported(),
        // The helper missing or failing is ours to fix, not the caller's: logged, not shown.
        MetadataError::Unavailable(why) => {
            tracing::error!(%why, "the SAML helper could not check metadata");
            cognate_awsjson::ApiError::internal()
        }
        other => invalid_parameter(other.to_string()),
    }
}

impl Idp {
    /// The IdP's metadata as the details hold it, read and checked by the SAML helper.
    async fn metadata(&self, details: &Details) -> Result<IdpMetadata> {
        let document = details.get(METADATA_FILE).map(String::as_str);
        let parsed = self
            .outbound
            .saml
            .parse_metadata(document.unwrap_or_default());
        parsed.await.map_err(unusable)
    }

    /// The details to store for a checked SAML provider: the metadata document (fetched from
    /// `MetadataURL` when given, as AWS does on create and update), read and found usable, and
    /// the redirect-binding endpoints it names.
    pub async fn saml_details(&self, mut details: Details) -> Result<Details> {
        for key in [SSO_REDIRECT, SLO_REDIRECT] {
            details.remove(key);
        }
        if let Some(url) = details.get(METADATA_URL).cloned() {
            let document = self.fetch_metadata(&url).await?;
            details.insert(METADATA_FILE.into(), document);
        }
        let found = self.metadata(&details).await?;
        details.insert(SSO_REDIRECT.into(), found.sso_redirect);
        if let Some(slo) = found.slo_redirect {
            details.insert(SLO_REDIRECT.into(), slo);
        }
        Ok(details)
    }

    async fn fetch_metadata(&self, url: &str) -> Result<String> {
        cognate_outbound::check_provider_url(url)
            .map_err(|error| invalid_parameter(format!("MetadataURL: {error}")))?;
        let answer = self.outbound.fetcher.get_text(url).await.map_err(|error| {
            invalid_parameter(format!(
                "Unable to retrieve the remote metadata source {url}: {error}"
            ))
        })?;
        if !(200..300).contains(&answer.status) {
            return Err(invalid_parameter(format!(
                "Non-ok status code {} returned from remote metadata source {url}",
                answer.status
            )));
        }
        String::from_utf8(answer.body).map_err(|_| {
            invalid_parameter(format!(
                "The remote metadata source {url} is not UTF-8 text."
            ))
        })
    }
}
