//! OpenID Connect discovery (`<issuer>/.well-known/openid-configuration`): where a provider's
//! authorization, token, userinfo and key endpoints are.

use serde_json::Value;

use crate::fetch::{FetchError, Fetcher, check_provider_url};

/// The endpoints a discovery document names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: Option<String>,
}

/// Fetches and reads the discovery document of `issuer`. The document's `issuer` must be the
/// one asked for (OpenID Connect Discovery §4.3), and every endpoint it names a URL we may
/// fetch.
pub async fn discover(fetcher: &Fetcher, issuer: &str) -> Result<Discovery, FetchError> {
    check_provider_url(issuer)?;
    let url = format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    );
    let document = fetcher.get_json(&url, None).await?;
    let text = |name: &str| {
        document
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let found = Discovery {
        issuer: text("issuer").unwrap_or_default(),
        authorization_endpoint: text("authorization_endpoint"),
        token_endpoint: text("token_endpoint"),
        userinfo_endpoint: text("userinfo_endpoint"),
        jwks_uri: text("jwks_uri"),
    };
    if found.issuer.trim_end_matches('/') != issuer.trim_end_matches('/') {
        return Err(FetchError::NotJson(format!(
            "the discovery document's issuer {:?} is not {issuer}",
            found.issuer
        )));
    }
    for endpoint in [
        &found.authorization_endpoint,
        &found.token_endpoint,
        &found.userinfo_endpoint,
        &found.jwks_uri,
    ]
    .into_iter()
    .flatten()
    {
        check_provider_url(endpoint)?;
    }
    Ok(found)
}
