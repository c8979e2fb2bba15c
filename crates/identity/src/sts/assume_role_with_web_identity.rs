//! AssumeRoleWithWebIdentity for the classic (basic) flow: a token from Cognate's identity
//! issuer (GetOpenIdToken) for an identity of a pool that allows the classic flow buys
//! credentials for the role asked, bound to that identity.

use std::collections::BTreeMap;

use cognate_crypto::CryptoError;
use cognate_crypto::jwt::{self, ClaimChecks};
use cognate_domain::StoreError;
use serde_json::Value;

use super::{StsError, assumed_role, xml};
use crate::Identity;
use crate::credentials::Session;
use crate::errors::internal;

const MIN_SECS: i64 = 900;
const MAX_SECS: i64 = 43_200;

fn invalid_token(message: &str) -> StsError {
    StsError::new(400, "InvalidIdentityToken", message)
}

fn missing(name: &str) -> StsError {
    StsError::new(
        400,
        "MissingParameter",
        format!("The request must contain the parameter {name}"),
    )
}

pub async fn handle(
    identity: &Identity,
    params: &BTreeMap<String, String>,
) -> Result<String, StsError> {
    let param = |name: &str| params.get(name).filter(|v| !v.is_empty());
    let role_arn = param("RoleArn").ok_or_else(|| missing("RoleArn"))?;
    let session = param("RoleSessionName").ok_or_else(|| missing("RoleSessionName"))?;
    let token = param("WebIdentityToken").ok_or_else(|| missing("WebIdentityToken"))?;
    let secs = match param("DurationSeconds") {
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|secs| (MIN_SECS..=MAX_SECS).contains(secs))
            .ok_or_else(|| {
                StsError::new(
                    400,
                    "ValidationError",
                    "DurationSeconds must be between 900 and 43200.",
                )
            })?,
        None => 3600,
    };
    if assumed_role(role_arn, session).is_none() {
        return Err(StsError::new(
            400,
            "ValidationError",
            format!("{role_arn} is invalid"),
        ));
    }
    let claims = verified_claims(identity, token).await?;
    let text = |name: &str| claims.get(name).and_then(Value::as_str).unwrap_or_default();
    let record = match identity.store.get_identity(text("sub")).await {
        Ok(record) if record.pool_id == text("aud") => record,
        Ok(_) | Err(StoreError::NotFound) => {
            return Err(invalid_token("The identity of the token does not exist."));
        }
        Err(other) => return Err(internal(other).into()),
    };
    let pool = identity.identity_pool(&record.pool_id).await?;
    if !crate::pools::wire_pool(&pool)
        .allow_classic_flow
        .unwrap_or(false)
    {
        return Err(invalid_token(
            "Basic (classic) flow is not enabled for this identity pool.",
        ));
    }
    let credentials = identity.mint(
        &record,
        role_arn,
        BTreeMap::new(),
        Session {
            name: session,
            secs,
        },
    )?;
    let (arn, role_id) = assumed_role(role_arn, session).ok_or_else(StsError::internal)?;
    let expiration = xml::iso8601(identity.clock.now().secs() + secs);
    let secret = credentials.secret_key.map(String::from).unwrap_or_default();
    let mut out = xml::elements(
        &[
            ("SubjectFromWebIdentityToken", &record.id),
            ("Audience", &record.pool_id),
            ("Provider", "cognito-identity.amazonaws.com"),
        ],
        4,
    );
    out.push_str("    <AssumedRoleUser>\n");
    out.push_str(&xml::elements(
        &[("Arn", &arn), ("AssumedRoleId", &role_id)],
        6,
    ));
    out.push_str("    </AssumedRoleUser>\n    <Credentials>\n");
    out.push_str(&xml::elements(
        &[
            (
                "AccessKeyId",
                credentials.access_key_id.as_deref().unwrap_or_default(),
            ),
            ("SecretAccessKey", &secret),
            (
                "SessionToken",
                credentials.session_token.as_deref().unwrap_or_default(),
            ),
            ("Expiration", &expiration),
        ],
        6,
    ));
    out.push_str("    </Credentials>\n");
    Ok(out)
}

/// The claims of a token signed by the identity issuer, unexpired, with its issuer.
async fn verified_claims(
    identity: &Identity,
    token: &str,
) -> Result<serde_json::Map<String, Value>, StsError> {
    let invalid = || {
        invalid_token(
            "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.",
        )
    };
    let key = identity.issuer_key().await?;
    let issuer = identity.issuer();
    let checks = ClaimChecks {
        issuer: Some(&issuer),
        ..ClaimChecks::default()
    };
    jwt::verify_claims(
        token,
        |kid| (kid == key.kid()).then(|| key.public_key().clone()),
        identity.clock.now().unsigned_secs(),
        &checks,
    )
    .map_err(|error| match error {
        CryptoError::Expired => StsError::new(
            400,
            "ExpiredTokenException",
            "Token expired: current date/time is after the token's expiry.",
        ),
        _ => invalid(),
    })
}
