//! AWS's request-rate quotas (`[quotas] enabled = true`): every operation belongs to one of
//! AWS's categories, each with AWS's default rate (overridable as `[quotas.rps] <Category> = N`);
//! a call past its category's rate is answered `TooManyRequestsException` (HTTP 400).
//!
//! One token bucket per category, holding one second of calls and refilled at the rate. AWS
//! counts a category across all pools of an account and Region; Cognate counts it per process
//! (replicas each allow the full rate). RespondToAuthChallenge and AdminRespondToAuthChallenge
//! have their own bucket at three times UserAuthentication's rate, as AWS's special handling
//! gives them.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use cognate_awsjson::ApiError;
use cognate_domain::Clock;

const IDP: &str = "AWSCognitoIdentityProviderService.";
const IDENTITY: &str = "AWSCognitoIdentityService.";
/// The bucket of RespondToAuthChallenge calls (AWS: three times UserAuthentication).
const CHALLENGE_BUCKET: &str = "UserAuthenticationChallenges";

/// AWS's categories of cognito-idp operations and their default rates (requests per second),
/// from "Quotas in Amazon Cognito".
const IDP_CATEGORIES: &[(&str, u32, &[&str])] = &[
    (
        "UserAuthentication",
        120,
        &[
            "InitiateAuth",
            "AdminInitiateAuth",
            "GetTokensFromRefreshToken",
        ],
    ),
    (
        "UserCreation",
        50,
        &[
            "SignUp",
            "ConfirmSignUp",
            "AdminCreateUser",
            "AdminConfirmSignUp",
        ],
    ),
    (
        "UserAccountRecovery",
        30,
        &[
            "ChangePassword",
            "ConfirmForgotPassword",
            "ForgotPassword",
            "AdminResetUserPassword",
            "AdminSetUserPassword",
        ],
    ),
    (
        "UserRead",
        120,
        &["AdminGetUser", "GetUser", "GetUserAuthFactors"],
    ),
    (
        "UserUpdate",
        25,
        &[
            "AdminAddUserToGroup",
            "AdminDeleteUserAttributes",
            "AdminUpdateUserAttributes",
            "AdminDeleteUser",
            "AdminDisableUser",
            "AdminEnableUser",
            "AdminLinkProviderForUser",
            "AdminDisableProviderForUser",
            "VerifyUserAttribute",
            "DeleteUser",
            "DeleteUserAttributes",
            "UpdateUserAttributes",
            "AdminUserGlobalSignOut",
            "GlobalSignOut",
            "AdminRemoveUserFromGroup",
        ],
    ),
    ("UserToken", 120, &["RevokeToken"]),
    (
        "UserResourceRead",
        50,
        &[
            "AdminGetDevice",
            "AdminListGroupsForUser",
            "AdminListDevices",
            "GetDevice",
            "ListDevices",
            "GetUserAttributeVerificationCode",
            "ResendConfirmationCode",
            "AdminListUserAuthEvents",
        ],
    ),
    (
        "UserResourceUpdate",
        25,
        &[
            "AdminForgetDevice",
            "AdminUpdateAuthEventFeedback",
            "AdminSetUserMFAPreference",
            "AdminSetUserSettings",
            "AdminUpdateDeviceStatus",
            "UpdateDeviceStatus",
            "UpdateAuthEventFeedback",
            "ConfirmDevice",
            "SetUserMFAPreference",
            "SetUserSettings",
            "VerifySoftwareToken",
            "AssociateSoftwareToken",
            "ForgetDevice",
        ],
    ),
    ("UserList", 30, &["ListUsers", "ListUsersInGroup"]),
    ("UserPoolRead", 15, &["DescribeUserPool", "ListUserPools"]),
    (
        "UserPoolUpdate",
        15,
        &["CreateUserPool", "UpdateUserPool", "DeleteUserPool"],
    ),
    (
        "UserPoolResourceRead",
        20,
        &[
            "DescribeIdentityProvider",
            "DescribeResourceServer",
            "DescribeUserImportJob",
            "DescribeUserPoolDomain",
            "GetCSVHeader",
            "GetGroup",
            "GetSigningCertificate",
            "GetIdentityProviderByIdentifier",
            "GetUserPoolMfaConfig",
            "ListGroups",
            "ListIdentityProviders",
            "ListResourceServers",
            "ListTagsForResource",
            "ListUserImportJobs",
            "DescribeRiskConfiguration",
            "GetUICustomization",
            "DescribeManagedLoginBranding",
            "DescribeManagedLoginBrandingByClient",
        ],
    ),
    (
        "UserPoolResourceUpdate",
        15,
        &[
            "AddCustomAttributes",
            "CreateGroup",
            "CreateIdentityProvider",
            "CreateResourceServer",
            "CreateUserImportJob",
            "CreateUserPoolDomain",
            "DeleteGroup",
            "DeleteIdentityProvider",
            "DeleteResourceServer",
            "DeleteUserPoolDomain",
            "SetUserPoolMfaConfig",
            "StartUserImportJob",
            "StopUserImportJob",
            "UpdateGroup",
            "UpdateIdentityProvider",
            "UpdateResourceServer",
            "UpdateUserPoolDomain",
            "SetRiskConfiguration",
            "SetUICustomization",
            "TagResource",
            "UntagResource",
            "CreateManagedLoginBranding",
            "UpdateManagedLoginBranding",
            "DeleteManagedLoginBranding",
        ],
    ),
    (
        "UserPoolClientRead",
        15,
        &["DescribeUserPoolClient", "ListUserPoolClients"],
    ),
    (
        "UserPoolClientUpdate",
        15,
        &[
            "CreateUserPoolClient",
            "DeleteUserPoolClient",
            "UpdateUserPoolClient",
        ],
    ),
];

/// AWS's cognito-identity quotas: one per operation.
const IDENTITY_OPERATIONS: &[(&str, u32)] = &[
    ("GetId", 25),
    ("GetOpenIdToken", 200),
    ("GetCredentialsForIdentity", 200),
    ("GetOpenIdTokenForDeveloperIdentity", 50),
    ("ListIdentities", 5),
    ("DeleteIdentities", 10),
    ("TagResource", 5),
    ("UntagResource", 5),
    ("ListTagsForResource", 10),
];

/// The bucket (category) a target counts against, if any.
pub fn category(target: &str) -> Option<&'static str> {
    if let Some(name) = target.strip_prefix(IDP) {
        if matches!(
            name,
            "RespondToAuthChallenge" | "AdminRespondToAuthChallenge"
        ) {
            return Some(CHALLENGE_BUCKET);
        }
        return IDP_CATEGORIES
            .iter()
            .find(|(_, _, ops)| ops.contains(&name))
            .map(|(category, _, _)| *category);
    }
    let name = target.strip_prefix(IDENTITY)?;
    IDENTITY_OPERATIONS
        .iter()
        .find(|(op, _)| *op == name)
        .map(|(op, _)| *op)
}

/// Every bucket with AWS's default rate.
fn default_rates() -> BTreeMap<&'static str, u32> {
    let mut rates: BTreeMap<&'static str, u32> = IDP_CATEGORIES
        .iter()
        .map(|(category, rps, _)| (*category, *rps))
        .collect();
    rates.extend(IDENTITY_OPERATIONS.iter().copied());
    rates
}

struct Bucket {
    /// Calls per second, and the bucket's size (one second of calls).
    rate: u32,
    tokens: f64,
    refilled_ms: i64,
}

/// The buckets of one process.
pub struct Quotas {
    buckets: Mutex<HashMap<&'static str, Bucket>>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Quotas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Quotas").finish_non_exhaustive()
    }
}

impl Quotas {
    /// AWS's default rates with `overrides` (category → rps) applied; an unknown category name
    /// is an error, so a typo does not silently leave a category unlimited.
    pub fn new(overrides: &BTreeMap<String, u32>, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let mut rates = default_rates();
        for (name, rps) in overrides {
            let Some(rate) = rates.get_mut(name.as_str()) else {
                anyhow::bail!(
                    "quotas.rps: unknown category {name:?} (known: {})",
                    default_rates()
                        .keys()
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            };
            *rate = *rps;
        }
        if let Some(auth) = rates.get("UserAuthentication").copied() {
            rates.insert(CHALLENGE_BUCKET, auth.saturating_mul(3));
        }
        let now = clock.now().millis();
        let buckets = rates
            .into_iter()
            .map(|(name, rate)| {
                let bucket = Bucket {
                    rate,
                    tokens: f64::from(rate),
                    refilled_ms: now,
                };
                (name, bucket)
            })
            .collect();
        Ok(Self {
            buckets: Mutex::new(buckets),
            clock,
        })
    }

    /// Takes one call of `target` from its bucket, or answers `TooManyRequestsException`.
    pub fn admit(&self, target: &str) -> Result<(), ApiError> {
        let Some(category) = category(target) else {
            return Ok(());
        };
        let now = self.clock.now().millis();
        let mut buckets = match self.buckets.lock() {
            Ok(buckets) => buckets,
            Err(poisoned) => poisoned.into_inner(),
        };
        let Some(bucket) = buckets.get_mut(category) else {
            return Ok(());
        };
        let elapsed_secs = (now - bucket.refilled_ms).max(0) as f64 / 1000.0;
        let rate = f64::from(bucket.rate);
        bucket.tokens = (bucket.tokens + elapsed_secs * rate).min(rate);
        bucket.refilled_ms = now;
        if bucket.tokens < 1.0 {
            return Err(ApiError::new(
                "TooManyRequestsException",
                "Too many requests",
            ));
        }
        bucket.tokens -= 1.0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cognate_domain::TestClock;

    #[test]
    fn every_categorised_operation_exists_in_the_model() {
        for (category, _, ops) in IDP_CATEGORIES {
            for op in *ops {
                let target = format!("{IDP}{op}");
                assert!(
                    cognate_model::idp::op::OPERATIONS.contains(&target.as_str()),
                    "{category}: {op} is not a cognito-idp operation"
                );
            }
        }
        for (op, _) in IDENTITY_OPERATIONS {
            let target = format!("{IDENTITY}{op}");
            assert!(cognate_model::identity::op::OPERATIONS.contains(&target.as_str()));
        }
    }

    #[test]
    fn a_burst_past_the_rate_is_refused_and_the_bucket_refills() {
        let clock = Arc::new(TestClock::default());
        let overrides = BTreeMap::from([("UserAuthentication".to_string(), 5)]);
        let quotas = Quotas::new(&overrides, clock.clone()).unwrap();
        let auth = format!("{IDP}InitiateAuth");
        for _ in 0..5 {
            quotas.admit(&auth).unwrap();
        }
        let refused = quotas.admit(&auth).unwrap_err();
        assert_eq!(refused.code, "TooManyRequestsException");
        // Other categories are untouched; unlisted operations are never limited.
        quotas.admit(&format!("{IDP}DescribeUserPool")).unwrap();
        quotas
            .admit(&format!("{IDP}ListWebAuthnCredentials"))
            .unwrap();
        clock.advance_secs(1);
        for _ in 0..5 {
            quotas.admit(&auth).unwrap();
        }
        // Challenges have three times the rate.
        for _ in 0..15 {
            quotas
                .admit(&format!("{IDP}RespondToAuthChallenge"))
                .unwrap();
        }
        assert!(
            quotas
                .admit(&format!("{IDP}RespondToAuthChallenge"))
                .is_err()
        );
        assert!(Quotas::new(&BTreeMap::from([("UserAuth".to_string(), 1)]), clock).is_err());
    }
}
