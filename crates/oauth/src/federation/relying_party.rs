//! Cognate as a relying party of a pool's identity provider: where to send the browser, and,
//! when it comes back with a code, the code redeemed at the provider's token endpoint (client
//! secret in the form, or by HTTP Basic when the provider wants that), the ID token verified
//! (RS256 against the provider's JWKS, `iss`, `aud`, `exp`, `nonce`), and the attributes read
//! from the token and, as `attributes_request_method` says, the userinfo endpoint. Facebook and
//! Login with Amazon are OAuth 2.0 only: their profile endpoint says who signed in. Sign in with
//! Apple is OpenID Connect with a signed client secret and a form post (`super::apple`).

use std::collections::BTreeMap;

use cognate_domain::federation::IdentityProvider;
use cognate_idp::Idp;
use cognate_idp::federation::details::{Kind, echoed_settings};
use cognate_idp::federation::users::FederatedIdentity;
use cognate_outbound::{Audience, Expected, FetchError, IdTokenError, check_provider_url};
use serde_json::{Map, Value};

use super::apple;
use super::state::FederationState;
use crate::params::with_params;

/// Clock skew tolerated on a provider's ID token.
const LEEWAY_SECS: u64 = 300;

/// Why a provider sign-in failed: the description the app's callback gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure(pub String);

impl Failure {
    fn new(description: impl Into<String>) -> Self {
        Self(description.into())
    }
}

impl From<IdTokenError> for Failure {
    fn from(error: IdTokenError) -> Self {
        let description = match error {
            IdTokenError::Signature => "Invalid id_token signature",
            IdTokenError::Expired => "Expired id_token",
            IdTokenError::Issuer => "Invalid id_token issuer",
            IdTokenError::Audience => "Invalid id_token audience",
            IdTokenError::Nonce => "Invalid id_token nonce",
            IdTokenError::Subject | IdTokenError::Malformed => "Bad id_token",
        };
        Self::new(description)
    }
}

/// A provider's settings as a sign-in uses them.
pub struct Provider {
    kind: Kind,
    details: BTreeMap<String, String>,
}

impl Provider {
    /// The provider's stored details with its secrets and, for a social provider, the
    /// server's settings for it.
    pub fn load(idp: &Idp, provider: &IdentityProvider) -> Result<Self, Failure> {
        let kind = Kind::named(&provider.provider_type)
            .ok_or_else(|| Failure::new("Unsupported identity provider"))?;
        if kind == Kind::Saml {
            // SAML has its own relying party (`super::saml`): no OAuth endpoints.
            return Err(Failure::new("Unsupported identity provider"));
        }
        let mut details = idp
            .opened_details(provider)
            .map_err(|_| Failure::new("The identity provider is misconfigured"))?;
        if let Some(social) = kind.social(&idp.config.federation) {
            let settings = &idp.config.federation;
            details.extend(echoed_settings(kind, &provider.details, settings));
            // Not shown by Describe, but where the social provider's ID-token keys are.
            details.insert("jwks_uri".into(), social.jwks_uri.clone());
        }
        Ok(Self { kind, details })
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.details
            .get(key)
            .map(String::as_str)
            .filter(|value| !value.is_empty())
    }

    /// A URL detail, refused unless it is https (or http to a loopback host).
    fn url(&self, key: &str) -> Result<&str, Failure> {
        let url = self
            .get(key)
            .ok_or_else(|| Failure::new(format!("The identity provider has no {key}")))?;
        check_provider_url(url).map_err(|error| Failure::new(error.to_string()))?;
        Ok(url)
    }

    fn client_id(&self) -> &str {
        self.get("client_id").unwrap_or_default()
    }

    /// The provider's scopes, space-separated. Facebook lists them with commas, as AWS stores
    /// them ("public_profile, email").
    fn scope(&self) -> String {
        let scopes = self.get("authorize_scopes").unwrap_or("openid");
        scopes
            .split([',', ' '])
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Whether the provider answers by a POST to `/oauth2/idpresponse` (Apple, asked for
    /// scopes), which the binding cookie must reach from the provider's site.
    pub fn posts_back(&self) -> bool {
        self.kind == Kind::SignInWithApple && apple::form_post(&self.scope())
    }

    /// Where the browser goes to sign in at the provider.
    pub fn authorize_url(
        &self,
        redirect_uri: &str,
        state: &str,
        nonce: &str,
    ) -> Result<String, Failure> {
        let base = self.url("authorize_url")?;
        let scope = self.scope();
        let mut pairs = vec![
            ("response_type", "code"),
            ("client_id", self.client_id()),
            ("redirect_uri", redirect_uri),
            ("scope", scope.as_str()),
            ("state", state),
        ];
        if matches!(self.kind, Kind::Oidc | Kind::Google | Kind::SignInWithApple) {
            pairs.push(("nonce", nonce));
        }
        if self.posts_back() {
            pairs.push(("response_mode", "form_post"));
        }
        Ok(with_params(base, &pairs, false))
    }

    /// Redeems `code` and reads who signed in. `apple_user` is the `user` field Apple posts
    /// with the code on a user's first sign-in.
    pub async fn sign_in(
        &self,
        idp: &Idp,
        code: &str,
        redirect_uri: &str,
        state: &FederationState,
        apple_user: Option<&str>,
    ) -> Result<FederatedIdentity, Failure> {
        let tokens = self.redeem(idp, code, redirect_uri).await?;
        let access_token = tokens.get("access_token").and_then(Value::as_str);
        let mut claims = match self.kind {
            Kind::Oidc | Kind::Google | Kind::SignInWithApple => {
                let id_token = tokens
                    .get("id_token")
                    .and_then(Value::as_str)
                    .ok_or_else(|| Failure::new("The identity provider returned no id_token"))?;
                self.verify(idp, id_token, &state.nonce).await?
            }
            Kind::Facebook | Kind::LoginWithAmazon | Kind::Saml => Map::new(),
        };
        let read_attributes = matches!(
            self.kind,
            Kind::Oidc | Kind::Facebook | Kind::LoginWithAmazon
        );
        if read_attributes && self.get("attributes_url").is_some() {
            let token = access_token
                .ok_or_else(|| Failure::new("The identity provider returned no access_token"))?;
            let attributes = self.attributes(idp, token).await?;
            merge(&mut claims, attributes)?;
        }
        if let Some(user) = apple_user.filter(|_| self.kind == Kind::SignInWithApple) {
            for (name, value) in apple::user_claims(user) {
                claims.entry(name).or_insert(value);
            }
        }
        Ok(FederatedIdentity { claims })
    }

    /// The token endpoint's answer to the code.
    async fn redeem(
        &self,
        idp: &Idp,
        code: &str,
        redirect_uri: &str,
    ) -> Result<Map<String, Value>, Failure> {
        let url = self.url("token_url")?;
        let signed;
        let secret = if self.kind == Kind::SignInWithApple {
            let audience = self.get("oidc_issuer").unwrap_or_default();
            signed = apple::client_secret(&self.details, audience, idp.clock.now().secs())?;
            Some(signed.as_str())
        } else {
            self.get("client_secret")
        };
        let fetcher = &idp.outbound.fetcher;
        let failed = |error: FetchError| {
            tracing::warn!(%error, "identity provider token request failed");
            Failure::new("Error exchanging the authorization code with the identity provider")
        };
        if self.kind == Kind::Facebook {
            // Facebook's token endpoint takes a GET with the credentials in the query.
            let pairs = [
                ("client_id", self.client_id()),
                ("client_secret", secret.unwrap_or_default()),
                ("redirect_uri", redirect_uri),
                ("code", code),
            ];
            let answer = fetcher
                .get_json(&with_params(url, &pairs, false), None)
                .await;
            return object(answer.map_err(failed)?);
        }
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("client_id", self.client_id()),
        ];
        if let Some(secret) = secret {
            form.push(("client_secret", secret));
        }
        let mut answer = fetcher.post_form(url, &form, None).await.map_err(failed)?;
        // A provider that authenticates clients by HTTP Basic only refuses the form's secret
        // without using up the code: ask again that way.
        if answer.status == 401
            && let Some(secret) = secret
        {
            form.retain(|(name, _)| *name != "client_secret" && *name != "client_id");
            let basic = Some((self.client_id(), secret));
            answer = fetcher.post_form(url, &form, basic).await.map_err(failed)?;
        }
        object(answer.success_json().map_err(failed)?)
    }

    /// The verified claims of the provider's ID token.
    async fn verify(
        &self,
        idp: &Idp,
        id_token: &str,
        nonce: &str,
    ) -> Result<Map<String, Value>, Failure> {
        let jwks_uri = self.url("jwks_uri")?;
        let issuer = self
            .get("oidc_issuer")
            .ok_or_else(|| Failure::new("The identity provider has no oidc_issuer"))?;
        let expected = Expected {
            issuer,
            audience: Audience::Client(self.client_id()),
            nonce: Some(nonce),
            leeway_secs: LEEWAY_SECS,
        };
        let now = idp.clock.now();
        let claims = cognate_outbound::verify_id_token(
            &idp.outbound.jwks,
            jwks_uri,
            id_token,
            &expected,
            now,
        )
        .await?;
        Ok(claims)
    }

    /// The userinfo (or profile) endpoint's attributes.
    async fn attributes(
        &self,
        idp: &Idp,
        access_token: &str,
    ) -> Result<Map<String, Value>, Failure> {
        let url = self.url("attributes_url")?;
        let fetcher = &idp.outbound.fetcher;
        let failed = |error: FetchError| {
            tracing::warn!(%error, "identity provider attributes request failed");
            Failure::new("Error reading the user's attributes from the identity provider")
        };
        let answer = match self.kind {
            Kind::Facebook => {
                let url = format!("{url}{}", self.facebook_fields());
                let target = with_params(&url, &[("access_token", access_token)], false);
                fetcher.get_json(&target, None).await
            }
            _ if self.get("attributes_request_method") == Some("POST") => {
                fetcher.post_bearer(url, access_token).await
            }
            _ => fetcher.get_json(url, Some(access_token)).await,
        };
        object(answer.map_err(failed)?)
    }

    /// The Graph API fields asked for: `id` and the provider's mapped attributes.
    fn facebook_fields(&self) -> String {
        let mut fields = vec!["id".to_string(), "name".to_string(), "email".to_string()];
        if let Some(extra) = self.get("authorize_scopes") {
            fields.extend(
                extra
                    .split([',', ' '])
                    .filter(|s| !s.is_empty() && *s != "public_profile")
                    .map(str::to_string),
            );
        }
        fields.dedup();
        fields.join(",")
    }
}

fn object(value: Value) -> Result<Map<String, Value>, Failure> {
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(Failure::new(
            "The identity provider's answer is not a JSON object",
        )),
    }
}

/// Adds userinfo claims to the ID token's; a userinfo answer about another subject is refused
/// (OpenID Connect Core §5.3.2).
fn merge(claims: &mut Map<String, Value>, attributes: Map<String, Value>) -> Result<(), Failure> {
    if let (Some(token_sub), Some(info_sub)) = (claims.get("sub"), attributes.get("sub"))
        && token_sub != info_sub
    {
        return Err(Failure::new("The userinfo subject is not the id_token's"));
    }
    claims.extend(attributes);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn userinfo_about_another_subject_is_refused() {
        let mut claims = json!({"sub": "a", "email": "a@x"})
            .as_object()
            .cloned()
            .unwrap_or_default();
        let same = json!({"sub": "a", "name": "A"})
            .as_object()
            .cloned()
            .unwrap_or_default();
        assert!(merge(&mut claims, same).is_ok());
        assert_eq!(claims["name"], "A");
        let other = json!({"sub": "b"}).as_object().cloned().unwrap_or_default();
        assert!(merge(&mut claims, other).is_err());
    }
}
