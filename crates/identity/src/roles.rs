//! Which role an identity's credentials are for: the pool's unauthenticated role, or for a
//! login the role its mapping picks (Token or Rules) with the authenticated role as default.

use std::collections::BTreeMap;

use cognate_awsjson::ApiError;
use cognate_domain::identity::IdentityPool;
use cognate_model::identity::{
    AmbiguousRoleResolutionType, ErrorCode, MappingRule, MappingRuleMatchType, RoleMapping,
    RoleMappingType,
};
use serde_json::Value;

use crate::errors::{Result, not_authorized};
use crate::logins::VerifiedLogin;
use crate::{Identity, oidc};

fn no_role() -> ApiError {
    ErrorCode::InvalidIdentityPoolConfigurationException
        .msg("Invalid identity pool configuration. Check assigned IAM roles for this pool.")
}

fn pool_role(pool: &IdentityPool, which: &str) -> Result<String> {
    pool.roles
        .get(which)
        .filter(|arn| !arn.is_empty())
        .cloned()
        .ok_or_else(no_role)
}

/// The stored mappings, keyed `<provider>:<clientId>` as they were set.
pub fn role_mappings(pool: &IdentityPool) -> BTreeMap<String, RoleMapping> {
    serde_json::from_value(pool.role_mappings.clone()).unwrap_or_default()
}

/// AWS's checks on a mapping as it is set.
pub fn check_mapping(identity: &Identity, key: &str, mapping: &RoleMapping) -> Result<()> {
    let invalid = |message: String| ErrorCode::InvalidParameterException.msg(message);
    let provider = key.rsplit_once(':').map_or(key, |(provider, _)| provider);
    if identity.canonical_provider(provider).is_some() && !key.contains(':') {
        return Err(invalid(format!(
            "Invalid RoleMappings key {key}: a user pool provider is keyed <provider>:<clientId>."
        )));
    }
    if mapping.ambiguous_role_resolution.is_none() {
        return Err(invalid(format!(
            "AmbiguousRoleResolution must be specified for the role mapping of {key}."
        )));
    }
    if mapping.r#type == RoleMappingType::Rules {
        let rules = mapping
            .rules_configuration
            .as_ref()
            .map_or(0, |config| config.rules.len());
        if !(1..=25).contains(&rules) {
            return Err(invalid(format!(
                "RulesConfiguration of {key} must have between 1 and 25 rules."
            )));
        }
    }
    Ok(())
}

impl Identity {
    /// The role for credentials: `login` is None for an unauthenticated identity.
    pub fn resolve_role(
        &self,
        pool: &IdentityPool,
        login: Option<&VerifiedLogin>,
        custom_role_arn: Option<&str>,
    ) -> Result<String> {
        let Some(login) = login else {
            return pool_role(pool, "unauthenticated");
        };
        let Some(mapping) = self.mapping_for(pool, login) else {
            return pool_role(pool, "authenticated");
        };
        let claims = &login.token.claims;
        let chosen = match mapping.r#type {
            RoleMappingType::Token => token_role(claims, custom_role_arn)?,
            RoleMappingType::Rules => mapping
                .rules_configuration
                .as_ref()
                .and_then(|config| config.rules.iter().find(|rule| rule_matches(rule, claims)))
                .map(|rule| rule.role_arn.clone()),
        };
        match (chosen, mapping.ambiguous_role_resolution) {
            (Some(role), _) => Ok(role),
            (None, Some(AmbiguousRoleResolutionType::AuthenticatedRole)) => {
                pool_role(pool, "authenticated")
            }
            (None, _) => Err(not_authorized(
                "Unable to resolve a role: no rule matched and ambiguous role resolution is Deny.",
            )),
        }
    }

    /// The mapping set for the login: a user pool's is keyed by provider (either form) and app
    /// client, an external OpenID Connect provider's by its name alone.
    fn mapping_for(&self, pool: &IdentityPool, login: &VerifiedLogin) -> Option<RoleMapping> {
        role_mappings(pool).into_iter().find_map(|(key, mapping)| {
            let user_pool_match = key.rsplit_once(':').is_some_and(|(provider, client_id)| {
                self.canonical_provider(provider).as_deref() == Some(login.provider.as_str())
                    && client_id == login.client_id
            });
            let oidc_match = oidc::provider_name(&key) == login.provider;
            (user_pool_match || oidc_match).then_some(mapping)
        })
    }
}

/// Type Token: the requested role when the token allows it, else `cognito:preferred_role`,
/// else the only role of `cognito:roles`; None when that is ambiguous.
fn token_role(
    claims: &serde_json::Map<String, Value>,
    custom_role_arn: Option<&str>,
) -> Result<Option<String>> {
    let roles: Vec<String> = match claims.get("cognito:roles") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(Value::String(role)) => vec![role.clone()],
        _ => Vec::new(),
    };
    let preferred = claims
        .get("cognito:preferred_role")
        .and_then(Value::as_str)
        .map(str::to_string);
    if let Some(custom) = custom_role_arn {
        if roles.iter().any(|role| role == custom) || preferred.as_deref() == Some(custom) {
            return Ok(Some(custom.to_string()));
        }
        return Err(not_authorized(
            "The CustomRoleArn is not one of the roles in the token's cognito:roles claim.",
        ));
    }
    if preferred.is_some() {
        return Ok(preferred);
    }
    Ok(match roles.as_slice() {
        [only] => Some(only.clone()),
        _ => None,
    })
}

/// One rule against the token's claims. Multi-valued claims (`cognito:groups`) match
/// `Contains` by element.
fn rule_matches(rule: &MappingRule, claims: &serde_json::Map<String, Value>) -> bool {
    let Some(claim) = claims.get(&rule.claim) else {
        return false;
    };
    let text = match claim {
        Value::String(text) => Some(text.clone()),
        Value::Bool(_) | Value::Number(_) => Some(claim.to_string()),
        _ => None,
    };
    match rule.match_type {
        MappingRuleMatchType::Equals => text.as_deref() == Some(rule.value.as_str()),
        MappingRuleMatchType::NotEqual => text.is_some_and(|t| t != rule.value),
        MappingRuleMatchType::StartsWith => text.is_some_and(|t| t.starts_with(&rule.value)),
        MappingRuleMatchType::Contains => match claim {
            Value::Array(items) => items
                .iter()
                .any(|v| v.as_str() == Some(rule.value.as_str())),
            _ => text.is_some_and(|t| t.contains(&rule.value)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(claim: &str, match_type: MappingRuleMatchType, value: &str) -> MappingRule {
        MappingRule {
            claim: claim.into(),
            match_type,
            value: value.into(),
            role_arn: "arn:aws:iam::1:role/r".into(),
        }
    }

    #[test]
    fn rules_match_as_aws_describes() {
        let claims = json!({"custom:tenant": "acme", "cognito:groups": ["admins", "dev"], "email_verified": true});
        let claims = claims.as_object().cloned().unwrap_or_default();
        use MappingRuleMatchType::*;
        assert!(rule_matches(
            &rule("custom:tenant", Equals, "acme"),
            &claims
        ));
        assert!(!rule_matches(&rule("custom:tenant", Equals, "ac"), &claims));
        assert!(rule_matches(
            &rule("custom:tenant", StartsWith, "ac"),
            &claims
        ));
        assert!(rule_matches(
            &rule("custom:tenant", Contains, "cm"),
            &claims
        ));
        assert!(rule_matches(
            &rule("custom:tenant", NotEqual, "other"),
            &claims
        ));
        assert!(!rule_matches(
            &rule("custom:tenant", NotEqual, "acme"),
            &claims
        ));
        assert!(rule_matches(
            &rule("cognito:groups", Contains, "admins"),
            &claims
        ));
        assert!(!rule_matches(
            &rule("cognito:groups", Contains, "adm"),
            &claims
        ));
        assert!(rule_matches(
            &rule("email_verified", Equals, "true"),
            &claims
        ));
        assert!(!rule_matches(&rule("missing", NotEqual, "x"), &claims));
    }

    #[test]
    fn token_roles_prefer_the_request_then_the_preferred_role() {
        let claims = json!({"cognito:roles": ["a", "b"], "cognito:preferred_role": "b"});
        let claims = claims.as_object().cloned().unwrap_or_default();
        assert_eq!(
            token_role(&claims, Some("a")).ok().flatten().as_deref(),
            Some("a")
        );
        assert!(token_role(&claims, Some("c")).is_err());
        assert_eq!(
            token_role(&claims, None).ok().flatten().as_deref(),
            Some("b")
        );
        let two = json!({"cognito:roles": ["a", "b"]});
        let two = two.as_object().cloned().unwrap_or_default();
        assert_eq!(token_role(&two, None).ok().flatten(), None);
    }
}
