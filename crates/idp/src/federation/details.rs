//! `ProviderDetails` per `ProviderType`, as AWS checks and echoes them: which keys each type
//! takes and requires, which are secret (sealed at rest), the endpoints an OIDC provider's
//! discovery adds, and the fixed settings AWS shows for the social providers.

use std::collections::BTreeMap;

use cognate_model::idp::{ErrorCode, IdentityProviderTypeType};
use cognate_outbound::check_provider_url;

use super::settings::{FederationSettings, SocialEndpoints};
use crate::Idp;
use crate::errors::{Result, invalid_parameter};

pub type Details = BTreeMap<String, String>;

/// The OIDC endpoints discovery may supply.
const OIDC_ENDPOINTS: [&str; 4] = ["authorize_url", "token_url", "attributes_url", "jwks_uri"];
/// Facebook's Graph API version when the details name none (AWS's default).
const FACEBOOK_API_VERSION: &str = "v17.0";

/// A provider type Cognate federates with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Oidc,
    Google,
    Facebook,
    LoginWithAmazon,
    SignInWithApple,
    Saml,
}

impl Kind {
    /// The kind of a wire type; SAML is refused by a build without SAML support.
    pub fn of(wire: IdentityProviderTypeType) -> Result<Self> {
        Ok(match wire {
            IdentityProviderTypeType::Oidc => Self::Oidc,
            IdentityProviderTypeType::Google => Self::Google,
            IdentityProviderTypeType::Facebook => Self::Facebook,
            IdentityProviderTypeType::LoginWithAmazon => Self::LoginWithAmazon,
            IdentityProviderTypeType::SignInWithApple => Self::SignInWithApple,
            IdentityProviderTypeType::Saml if cognate_outbound::saml::SUPPORTED => Self::Saml,
            IdentityProviderTypeType::Saml => return Err(saml_unsupported()),
        })
    }

    /// The kind of a stored provider's type name.
    pub fn named(name: &str) -> Option<Self> {
        [
            Self::Oidc,
            Self::Google,
            Self::Facebook,
            Self::LoginWithAmazon,
            Self::SignInWithApple,
            Self::Saml,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        self.wire().as_str()
    }

    pub fn wire(self) -> IdentityProviderTypeType {
        match self {
            Self::Oidc => IdentityProviderTypeType::Oidc,
            Self::Google => IdentityProviderTypeType::Google,
            Self::Facebook => IdentityProviderTypeType::Facebook,
            Self::LoginWithAmazon => IdentityProviderTypeType::LoginWithAmazon,
            Self::SignInWithApple => IdentityProviderTypeType::SignInWithApple,
            Self::Saml => IdentityProviderTypeType::Saml,
        }
    }

    /// A social provider's name is its type (`Google`...); an OIDC provider names itself.
    pub fn is_social(self) -> bool {
        !matches!(self, Self::Oidc | Self::Saml)
    }

    /// The keys a create or update request must give.
    fn required(self) -> &'static [&'static str] {
        match self {
            Self::Oidc => &[
                "client_id",
                "authorize_scopes",
                "attributes_request_method",
                "oidc_issuer",
            ],
            Self::SignInWithApple => &[
                "client_id",
                "team_id",
                "key_id",
                "private_key",
                "authorize_scopes",
            ],
            // One of MetadataFile and MetadataURL: checked by `saml::check`.
            Self::Saml => &[],
            _ => &["client_id", "client_secret", "authorize_scopes"],
        }
    }

    /// The keys a request may give besides the required ones (including what Describe
    /// echoes, so that a described provider can be sent back as it is).
    fn optional(self) -> &'static [&'static str] {
        match self {
            Self::Oidc => &[
                "client_secret",
                "authorize_url",
                "token_url",
                "attributes_url",
                "jwks_uri",
                "attributes_url_add_attributes",
            ],
            Self::Facebook => &["api_version", "attributes_url_add_attributes"],
            Self::Saml => &super::saml::KEYS,
            _ => &[
                "attributes_url_add_attributes",
                "authorize_url",
                "token_url",
                "attributes_url",
                "oidc_issuer",
                "token_request_method",
            ],
        }
    }

    /// Keys sealed at rest.
    pub fn secrets(self) -> &'static [&'static str] {
        match self {
            Self::SignInWithApple => &["private_key"],
            Self::Saml => &[],
            _ => &["client_secret"],
        }
    }

    /// Secret keys Describe leaves out (Apple's signing key never leaves the server).
    pub fn unechoed(self) -> &'static [&'static str] {
        match self {
            Self::SignInWithApple => &["private_key"],
            _ => &[],
        }
    }

    /// The claim the federated username is made from, AWS's `username` mapping.
    pub fn subject_claim(self) -> &'static str {
        match self {
            Self::Facebook => "id",
            Self::LoginWithAmazon => "user_id",
            // The assertion's NameID, under the name the relying party gives it.
            Self::Saml => super::saml::NAME_ID,
            _ => "sub",
        }
    }

    /// The configured endpoints of a social provider.
    pub fn social(self, settings: &FederationSettings) -> Option<&SocialEndpoints> {
        match self {
            Self::Oidc | Self::Saml => None,
            Self::Google => Some(&settings.google),
            Self::Facebook => Some(&settings.facebook),
            Self::LoginWithAmazon => Some(&settings.login_with_amazon),
            Self::SignInWithApple => Some(&settings.sign_in_with_apple),
        }
    }
}

pub fn saml_unsupported() -> cognate_awsjson::ApiError {
    ErrorCode::UnsupportedOperationException.msg(
        "This Cognate was built without SAML support (the `saml` feature, whose helper links \
         xmlsec1): SAML identity providers are refused. Use an OIDC provider.",
    )
}

/// The details as given, checked: required keys present and non-empty, no unknown key,
/// URLs fetchable, the request method GET or POST, scopes as the type needs.
pub fn check(kind: Kind, given: &Details) -> Result<()> {
    for key in kind.required() {
        if given.get(*key).is_none_or(|value| value.trim().is_empty()) {
            return Err(invalid_parameter(format!(
                "ProviderDetails of a {} provider must include {key}.",
                kind.as_str()
            )));
        }
    }
    if let Some(key) = given.keys().find(|key| {
        !kind.required().contains(&key.as_str()) && !kind.optional().contains(&key.as_str())
    }) {
        return Err(invalid_parameter(format!(
            "{key} is not a ProviderDetails key of a {} provider.",
            kind.as_str()
        )));
    }
    match kind {
        Kind::Oidc => check_oidc(given),
        Kind::Saml => super::saml::check(given),
        _ => Ok(()),
    }
}

fn check_oidc(given: &Details) -> Result<()> {
    let method = given
        .get("attributes_request_method")
        .map(String::as_str)
        .unwrap_or_default();
    if method != "GET" && method != "POST" {
        return Err(invalid_parameter(
            "attributes_request_method must be GET or POST.",
        ));
    }
    let scopes = given
        .get("authorize_scopes")
        .map(String::as_str)
        .unwrap_or_default();
    if !scopes.split_whitespace().any(|scope| scope == "openid") {
        return Err(invalid_parameter(
            "authorize_scopes of an OIDC provider must include openid.",
        ));
    }
    for key in std::iter::once("oidc_issuer").chain(OIDC_ENDPOINTS) {
        if let Some(url) = given.get(key) {
            check_provider_url(url)
                .map_err(|error| invalid_parameter(format!("{key}: {error}")))?;
        }
    }
    Ok(())
}

impl Idp {
    /// The details to store for a checked OIDC provider: what was given, with the endpoints it
    /// lacks found by discovery of `oidc_issuer` (as AWS does on create and update).
    pub async fn discovered_details(&self, mut details: Details) -> Result<Details> {
        details.remove("attributes_url_add_attributes");
        if OIDC_ENDPOINTS.iter().all(|key| details.contains_key(*key)) {
            return Ok(details);
        }
        let issuer = details.get("oidc_issuer").cloned().unwrap_or_default();
        let found = cognate_outbound::discover(&self.outbound.fetcher, &issuer)
            .await
            .map_err(|error| {
                invalid_parameter(format!(
                    "Unable to discover the endpoints of {issuer}: {error}"
                ))
            })?;
        let discovered = [
            ("authorize_url", found.authorization_endpoint),
            ("token_url", found.token_endpoint),
            ("attributes_url", found.userinfo_endpoint),
            ("jwks_uri", found.jwks_uri),
        ];
        for (key, url) in discovered {
            if let Some(url) = url {
                details.entry(key.to_string()).or_insert(url);
            }
        }
        for key in ["authorize_url", "token_url", "jwks_uri"] {
            if !details.contains_key(key) {
                return Err(invalid_parameter(format!(
                    "{issuer} names no {key} in its discovery document; give {key} in ProviderDetails."
                )));
            }
        }
        Ok(details)
    }
}

/// What Describe shows besides the stored details: AWS's fixed settings of a social provider
/// (with this server's configured endpoints), and `attributes_url_add_attributes`.
pub fn echoed_settings(kind: Kind, stored: &Details, settings: &FederationSettings) -> Details {
    let mut shown = Details::new();
    if kind == Kind::Saml {
        return shown;
    }
    let Some(social) = kind.social(settings) else {
        shown.insert("attributes_url_add_attributes".into(), "false".into());
        return shown;
    };
    let version = stored
        .get("api_version")
        .map_or(FACEBOOK_API_VERSION, String::as_str);
    let fill = |url: &str| url.replace("{api_version}", version);
    let add_attributes = matches!(kind, Kind::Google | Kind::Facebook);
    shown.insert(
        "attributes_url_add_attributes".into(),
        add_attributes.to_string(),
    );
    shown.insert("authorize_url".into(), fill(&social.authorize_url));
    shown.insert("token_url".into(), fill(&social.token_url));
    if !social.attributes_url.is_empty() {
        shown.insert("attributes_url".into(), fill(&social.attributes_url));
    }
    if !social.oidc_issuer.is_empty() {
        shown.insert("oidc_issuer".into(), social.oidc_issuer.clone());
    }
    let token_method = if kind == Kind::Facebook {
        "GET"
    } else {
        "POST"
    };
    shown.insert("token_request_method".into(), token_method.into());
    if kind == Kind::Facebook {
        shown.insert("api_version".into(), version.to_string());
    }
    shown
}

/// The given details a social provider keeps: its fixed settings are the server's, never the
/// request's (a described provider sent back as it is must not pin them).
pub fn without_fixed_settings(kind: Kind, mut details: Details) -> Details {
    if kind.is_social() {
        for key in [
            "attributes_url_add_attributes",
            "authorize_url",
            "token_url",
            "attributes_url",
            "oidc_issuer",
            "token_request_method",
        ] {
            details.remove(key);
        }
    }
    details
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details(pairs: &[(&str, &str)]) -> Details {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn oidc() -> Details {
        details(&[
            ("client_id", "c"),
            ("client_secret", "s"),
            ("authorize_scopes", "openid email"),
            ("attributes_request_method", "GET"),
            ("oidc_issuer", "https://idp.example.com"),
        ])
    }

    #[test]
    fn oidc_details_are_checked() {
        assert!(check(Kind::Oidc, &oidc()).is_ok());
        let mut missing = oidc();
        missing.remove("client_id");
        assert!(check(Kind::Oidc, &missing).is_err());
        let mut unknown = oidc();
        unknown.insert("team_id".into(), "x".into());
        assert!(check(Kind::Oidc, &unknown).is_err());
        let mut method = oidc();
        method.insert("attributes_request_method".into(), "PUT".into());
        assert!(check(Kind::Oidc, &method).is_err());
        let mut scopes = oidc();
        scopes.insert("authorize_scopes".into(), "email".into());
        assert!(check(Kind::Oidc, &scopes).is_err());
        let mut plain = oidc();
        plain.insert("token_url".into(), "http://idp.example.com/token".into());
        assert!(check(Kind::Oidc, &plain).is_err());
        let mut loopback = oidc();
        loopback.insert("token_url".into(), "http://127.0.0.1:9/token".into());
        assert!(check(Kind::Oidc, &loopback).is_ok());
    }

    #[test]
    fn social_providers_show_their_fixed_settings() {
        let settings = FederationSettings::default();
        let google = echoed_settings(Kind::Google, &Details::new(), &settings);
        assert_eq!(google["oidc_issuer"], "https://accounts.google.com");
        assert_eq!(google["attributes_url_add_attributes"], "true");
        assert_eq!(google["token_request_method"], "POST");
        let facebook = echoed_settings(
            Kind::Facebook,
            &details(&[("api_version", "v18.0")]),
            &settings,
        );
        assert_eq!(
            facebook["authorize_url"],
            "https://www.facebook.com/v18.0/dialog/oauth"
        );
        assert_eq!(facebook["token_request_method"], "GET");
        let apple = check(
            Kind::SignInWithApple,
            &details(&[("client_id", "c"), ("authorize_scopes", "email")]),
        );
        assert!(apple.is_err(), "Apple needs its key");
    }
}
